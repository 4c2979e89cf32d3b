// Machines of their own (simulator/machines.ts): two units of a small workload serve on the same
// port at their own addresses and reach each other; one machine's /etc is not another's nor the
// host's; a removed machine leaves no process, mount or link; a kept model finds its machines
// again, or makes them again when their holder died; without root the simulator falls back to the
// shared host and says so once. The cases that make namespaces need root (CI runs as root); where
// they cannot be made, they are skipped with the reason.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { debugLogLines } from "../../integration/juju.js";
import { running } from "../../simulator/leftover-processes.js";
import { isolationBlocker, requestedIsolation, sharedHostMessage } from "../../simulator/machine-isolation.js";
import { Machines } from "../../simulator/machines.js";
import { Simulator, SimulatorError } from "../../simulator/simulator.js";
import { type RecorderCharm, recorderCharm } from "../support/recorder-charm.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const blocker = isolationBlocker();
const ROOT = resolve(import.meta.dirname, "..", "..");

/** A tiny HTTP server as a unit's workload: it answers with its unit's name and its machine's /etc/tscharm-who. */
const SERVER = `
const fs = require("node:fs");
const who = () => (fs.existsSync("/etc/tscharm-who") ? fs.readFileSync("/etc/tscharm-who", "utf8").trim() : "-");
const unit = process.env.JUJU_UNIT_NAME;
require("node:http")
  .createServer((request, response) => response.end(unit + " " + who() + "\\n"))
  .listen(8000, () => fs.writeFileSync(process.env.CONTROL + "/listening-" + unit.replace("/", "-"), String(process.pid)));
`;

/** bash: GET / from $1:8000 (bash's /dev/tcp; one request, and it stops by itself after 5 s). */
const GET = 'exec 3<>"/dev/tcp/$1/8000" && printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3 && timeout 5 cat <&3 | tail -n 1';

async function workloadModel(options: { dir?: string } = {}): Promise<{ sim: Simulator; charm: RecorderCharm }> {
  const charm = recorderCharm();
  cleanups.push(() => {
    rmSync(join(charm.control, ".."), { recursive: true, force: true });
  });
  writeFileSync(join(charm.control, "server.cjs"), SERVER);
  writeFileSync(join(charm.control, "get.sh"), GET);
  charm.onHook("install", 'echo "$JUJU_UNIT_NAME" > /etc/tscharm-who');
  charm.onHook(
    "start",
    [
      "u=${JUJU_UNIT_NAME/\\//-}",
      'setsid "$NODE" "$CONTROL/server.cjs" </dev/null >/dev/null 2>&1 &',
      'for _ in $(seq 100); do [[ -e "$CONTROL/listening-$u" ]] && break; sleep 0.05; done',
    ].join("\n"),
  );
  const sim = await Simulator.create({
    env: { CONTROL: charm.control, NODE: process.execPath },
    machines: "isolated",
    ...(options.dir === undefined ? {} : { dir: options.dir, persistent: true }),
  });
  cleanups.push(() => sim.close({ remove: true }));
  return { sim, charm };
}

async function exec(sim: Simulator, unit: string, command: string): Promise<string> {
  const task = await sim.runTask(sim.enqueueExec(unit, command).id);
  expect(task.status, JSON.stringify(task.results)).toBe("completed");
  const stdout = task.results["stdout"];
  return typeof stdout === "string" ? stdout : "";
}

/** The pid holding a machine's namespaces (or the fabric's, for "fabric"), as the model directory keeps it. */
function holderOf(sim: Simulator, machine: string): number | undefined {
  const file = join(sim.dir, "machine-ns", machine === "fabric" ? "fabric" : join(machine, "holder"));
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").split(" ")[0]);
  return running(pid) ? pid : undefined;
}

function workloadPid(charm: RecorderCharm, unit: string): number {
  return Number(readFileSync(join(charm.control, `listening-${unit.replace("/", "-")}`), "utf8"));
}

/** The links in the fabric (the model's bridge namespace). */
function fabricLinks(fabric: number): string {
  return execFileSync("nsenter", [`--target=${String(fabric)}`, "--net", "--", "ip", "-o", "link"], { encoding: "utf8" });
}

/** Whether any process on this host still has a mount of `path`'s overlays. */
function mountedAnywhere(path: string): boolean {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/mountinfo`, "utf8").includes(path);
      } catch {
        return false;
      }
    });
}

describe.skipIf(blocker !== undefined)(`machines of their own${blocker === undefined ? "" : ` (skipped: ${blocker})`}`, () => {
  test("two units serve on the same port, each at its machine's address, and reach each other", async () => {
    rmSync("/etc/tscharm-who", { force: true });
    const { sim, charm } = await workloadModel();
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    const [first, second] = ["recorder/0", "recorder/1"].map((name) => sim.model.unit(name));
    expect([first?.address, second?.address]).toEqual(["10.1.0.10", "10.1.0.11"]);
    // Both started a server on port 8000: neither failed with EADDRINUSE.
    expect(running(workloadPid(charm, "recorder/0"))).toBe(true);
    expect(running(workloadPid(charm, "recorder/1"))).toBe(true);
    const get = join(charm.control, "get.sh");
    expect(await exec(sim, "recorder/1", `bash ${get} ${first?.address ?? ""}; bash ${get} ${second?.address ?? ""}`)).toBe(
      "recorder/0 recorder/0\nrecorder/1 recorder/1\n",
    );
    expect(await exec(sim, "recorder/0", `bash ${get} ${second?.address ?? ""}`)).toBe("recorder/1 recorder/1\n");
    // Each machine's network holds its address (and loopback), nothing of the host's.
    const addresses = await exec(sim, "recorder/0", "ip -o -4 addr show | awk '{print $2, $4}'");
    expect(addresses).toBe("lo 127.0.0.1/8\neth0 10.1.0.10/16\n");
    // The one address the model gives the machine: what the hook tools and juju status say too.
    expect(await exec(sim, "recorder/1", "unit-get private-address")).toBe("10.1.0.11\n");
    const status = sim.status() as { machines?: Record<string, { "dns-name"?: string }> };
    expect(status.machines?.["1"]?.["dns-name"]).toBe("10.1.0.11");
  });

  test("one machine's writes to /etc are its own: the other machine and the host do not see them", async () => {
    rmSync("/etc/tscharm-who", { force: true });
    const { sim, charm } = await workloadModel();
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    expect(await exec(sim, "recorder/0", "cat /etc/tscharm-who")).toBe("recorder/0\n");
    expect(await exec(sim, "recorder/1", "cat /etc/tscharm-who")).toBe("recorder/1\n");
    expect(await exec(sim, "recorder/1", "echo more >> /etc/hosts.tscharm; mkdir -p /var/lib/tscharm-test; ls /var/lib/tscharm-test")).toBe(
      "",
    );
    expect(existsSync("/etc/tscharm-who")).toBe(false);
    expect(existsSync("/etc/hosts.tscharm")).toBe(false);
    expect(existsSync("/var/lib/tscharm-test")).toBe(false);
    expect(await exec(sim, "recorder/0", "ls /etc/hosts.tscharm /var/lib/tscharm-test 2>&1 | wc -l")).toBe("2\n");
    // The writes are in the machine's overlay, under the model directory.
    expect(readFileSync(join(sim.dir, "machine-ns", "1", "upper", "etc", "tscharm-who"), "utf8")).toBe("recorder/1\n");
    // The model directory, /tmp and the hook tools are shared: the recorder's control files are the host's.
    expect(charm.hooks().filter((line) => line.endsWith(" start") || line.includes(" start "))).toHaveLength(2);
  });

  test("a unix socket of the host is reachable in the model directory and in /tmp, which machines share", async () => {
    const { sim, charm } = await workloadModel();
    sim.deploy(charm.dir);
    await sim.settle();
    const paths = [join(sim.dir, "probe.sock"), join(charm.control, "probe.sock")];
    const servers: Server[] = [];
    for (const path of paths) {
      const server = createServer((socket) => socket.end("pong\n"));
      await new Promise<void>((done) => server.listen(path, done));
      servers.push(server);
    }
    cleanups.push(() => {
      for (const server of servers) server.close();
    });
    const client = `const s = require("node:net").connect(process.argv[1]); s.on("data", (d) => process.stdout.write(d)); s.on("error", (e) => console.log(e.code));`;
    for (const path of paths) expect(await exec(sim, "recorder/0", `"$NODE" -e '${client}' ${path}`)).toBe("pong\n");
  });

  test("a removed machine leaves no process, mount or link; destroying the model removes the bridge too", async () => {
    const { sim, charm } = await workloadModel();
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    const holder = holderOf(sim, "0");
    const fabric = holderOf(sim, "fabric");
    if (holder === undefined || fabric === undefined) throw new Error("machine 0 or the fabric has no namespace holder");
    const workload = workloadPid(charm, "recorder/0");
    const machineState = join(sim.dir, "machine-ns", "0");
    expect(fabricLinks(fabric)).toContain("m-0@");
    expect(mountedAnywhere(machineState)).toBe(true);

    sim.removeUnit("recorder/0");
    await sim.settle();
    expect(running(workload)).toBe(false);
    expect(running(holder)).toBe(false);
    expect(fabricLinks(fabric)).not.toContain("m-0@");
    expect(mountedAnywhere(machineState)).toBe(false);
    expect(existsSync(machineState)).toBe(false);
    expect(debugLogLines(sim.history()).join("\n")).toMatch(/machine 0 removed: 1 process\(es\) in it stopped/);
    // The other machine carries on.
    expect(running(workloadPid(charm, "recorder/1"))).toBe(true);

    const other = holderOf(sim, "1");
    expect(other).toBeTypeOf("number");
    await sim.destroy();
    expect(running(other ?? 0)).toBe(false);
    expect(running(fabric)).toBe(false);
    expect(existsSync(join(sim.dir, "machine-ns"))).toBe(false);
  });

  test("a kept model finds its machines again; a machine whose holder died is made again over its overlay, and the log says so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tscharm-machines-"));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const { sim, charm } = await workloadModel({ dir });
    sim.deploy(charm.dir);
    await sim.settle();
    const holder = holderOf(sim, "0");
    if (holder === undefined) throw new Error("machine 0 has no namespace holder");
    await sim.close();

    const again = await Simulator.open(dir);
    cleanups.push(() => again.close({ remove: true }));
    expect(holderOf(again, "0")).toBe(holder);
    expect(await exec(again, "recorder/0", "cat /etc/tscharm-who")).toBe("recorder/0\n");
    // The holder dies (as at a reboot): the next command makes the machine again, and what ran on the old one is stopped.
    const workload = workloadPid(charm, "recorder/0");
    expect(running(workload)).toBe(true);
    process.kill(holder, "SIGKILL");
    await new Promise((done) => setTimeout(done, 100));
    expect(await exec(again, "recorder/0", "cat /etc/tscharm-who; echo again")).toBe("recorder/0\nagain\n");
    expect(holderOf(again, "0")).not.toBe(holder);
    expect(running(workload)).toBe(false);
    expect(debugLogLines(again.history()).join("\n")).toMatch(/machine 0's namespaces were gone .*made again over its kept overlay/);
  });
});

describe("without namespaces: the shared host, said once", () => {
  function machines(requested: "auto" | "isolated" | "shared", reason: string | undefined) {
    const dir = mkdtempSync(join(tmpdir(), "tscharm-machines-"));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const notes: string[] = [];
    const subject = new Machines(
      dir,
      requested,
      (what) => notes.push(what),
      () => undefined,
      () => reason,
    );
    return { subject, notes, dir };
  }

  test("auto falls back to the shared host when it cannot isolate, and says why once", async () => {
    const { subject, notes, dir } = machines("auto", "the simulator is not running as root (uid 1000)");
    expect(await subject.enter("0", "/", ["true"])).toBeUndefined();
    expect(await subject.enter("1", "/", ["true"])).toBeUndefined();
    expect(notes).toEqual([sharedHostMessage("the simulator is not running as root (uid 1000)")]);
    expect(notes[0]).toMatch(/^machines share this host: the simulator is not running as root \(uid 1000\)\. Every unit runs directly/);
    // Kept: the model's next process (the next `tscharm sim` command) does not say it again.
    const next = new Machines(
      dir,
      "auto",
      (what) => notes.push(what),
      () => undefined,
      () => "the simulator is not running as root (uid 1000)",
    );
    expect(await next.enter("0", "/", ["true"])).toBeUndefined();
    expect(notes).toHaveLength(1);
  });

  test("shared by choice says nothing; isolated by choice where it cannot be is a clear error", async () => {
    const shared = machines("shared", "whatever");
    expect(await shared.subject.enter("0", "/", ["true"])).toBeUndefined();
    expect(shared.notes).toEqual([]);
    const isolated = machines("isolated", "the simulator is not running as root (uid 1000)");
    await expect(isolated.subject.enter("0", "/", ["true"])).rejects.toThrow(
      new SimulatorError('machines: "isolated" was asked for, but the simulator is not running as root (uid 1000)'),
    );
  });

  test("the choice: the option, else TSCHARM_MACHINES, else auto; anything else is refused", () => {
    expect(requestedIsolation(undefined, {})).toBe("auto");
    expect(requestedIsolation(undefined, { TSCHARM_MACHINES: "shared" })).toBe("shared");
    expect(requestedIsolation("isolated", { TSCHARM_MACHINES: "shared" })).toBe("isolated");
    expect(() => requestedIsolation(undefined, { TSCHARM_MACHINES: "yes" })).toThrow(
      'TSCHARM_MACHINES must be one of isolated, shared, auto, not "yes"',
    );
  });

  // The real check, through the command line: a non-root user (root mapped to uid 65534 in a user
  // namespace of its own, so it can still write its model directory) deploys, and is told once.
  const canMapUser = spawnSync("unshare", ["--user", "--map-user=65534", "--map-group=65534", "true"]).status === 0;
  const built = existsSync(join(ROOT, "lib", "cmd", "main.js"));
  const why = !canMapUser ? " (skipped: cannot make a user namespace here)" : !built ? " (skipped: lib/ is not built: npm run build)" : "";
  test.skipIf(why !== "")(`tscharm sim as a non-root user says once that machines share the host${why}`, () => {
    const charm = recorderCharm();
    const work = mkdtempSync(join(tmpdir(), "tscharm-machines-cli-"));
    cleanups.push(() => {
      rmSync(join(charm.control, ".."), { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    });
    const model = join(work, "model");
    const tscharm = (...args: string[]) =>
      spawnSync(
        "unshare",
        [
          "--user",
          "--map-user=65534",
          "--map-group=65534",
          process.execPath,
          join(ROOT, "cmd", "tscharm.mjs"),
          "sim",
          ...args,
          "--model",
          model,
        ],
        { encoding: "utf8", env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", CONTROL: charm.control } },
      );
    const deploy = tscharm("deploy", charm.dir);
    expect(deploy.status, deploy.stderr).toBe(0);
    const said = "controller: machines share this host: the simulator is not running as root (uid 65534).";
    expect(deploy.stderr.split("\n").filter((line) => line.startsWith(said))).toHaveLength(1);
    const config = tscharm("config", "recorder", "port=81");
    expect(config.status, config.stderr).toBe(0);
    expect(config.stderr).not.toContain("machines share this host");
    // --machines chooses when the model is made: shared by choice says nothing; a wrong value is refused.
    rmSync(model, { recursive: true, force: true });
    const bad = tscharm("deploy", charm.dir, "--machines", "separate");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--machines must be isolated, shared or auto, not "separate"');
    const shared = tscharm("deploy", charm.dir, "--machines", "shared");
    expect(shared.status, shared.stderr).toBe(0);
    expect(shared.stderr).not.toContain("machines share this host");
  });
});
