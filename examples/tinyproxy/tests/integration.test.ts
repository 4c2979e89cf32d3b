// ops' tests/integration/test_charm.py, ported, and taken further: the packed charm on two units of
// the local Juju simulator, each on a machine of its own (its own /etc, /usr, /var and network
// namespace at its own address), with tinyproxy really installed by apt from Debian's archive
// (the simulator's machines reach it through the model's apt proxy, as Juju's apt-http-proxy
// gives one) and real HTTP requests through each unit's tinyproxy.
//
// The backend: ops' config reverse-proxies /<slug>/ to http://www.example.com/, which these
// machines cannot reach. Rather than make the upstream configurable for a test, each machine gets
// what a test network would give it: a small HTTP server on its own loopback (port 80) and an
// /etc/hosts line resolving www.example.com to it. Both live in the machine's own overlay and
// namespaces, so the charm and its config file are exactly those the unit tests check, and the host
// is not changed. Each backend answers with its unit's name, so a request shows which unit's
// tinyproxy served it.
//
// Needs root (machines of their own) and Debian's archive; it skips, saying why, without them.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { afterAll, describe, expect, onTestFinished, test } from "vitest";

import { Juju, type LocalJuju, type Status, allActive, allAgentsIdle, allBlocked, anyError } from "tscharm/integration";

const APP = "tinyproxy";
const UNITS = ["tinyproxy/0", "tinyproxy/1"];
/** Debian 12's tinyproxy-bin: what the charm pins on the simulator's machines (hooks/tinyproxy.ts). */
const DEBIAN_VERSION = "1.11.1-2.1+deb12u1";
/** Where the test keeps its backend's pid on each machine (the backend is the test's, not the charm's). */
const BACKEND_PID = "/run/tinyproxy-test-backend.pid";
const ARCHIVE = "http://deb.debian.org/debian/dists/bookworm/InRelease";

/** Why this test cannot run here, or undefined. */
async function blocker(): Promise<string | undefined> {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return "needs root on Linux: each unit gets a machine of its own";
  try {
    const response = await fetch(ARCHIVE, { method: "HEAD", signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return `Debian's archive answered ${String(response.status)} for ${ARCHIVE}`;
  } catch (error) {
    return `Debian's archive is unreachable (${ARCHIVE}: ${error instanceof Error ? error.message : String(error)})`;
  }
  return undefined;
}

const skip = await blocker();
if (skip !== undefined) process.stderr.write(`tests/integration.test.ts skipped: ${skip}\n`);

const charm = `./tinyproxy_${process.arch === "arm64" ? "arm64" : "amd64"}.charm`;
const juju: LocalJuju = Juju.local({ machines: "isolated" });
afterAll(() => juju.close(), 120_000);

/** Every unit active, and none with a hook left to run. */
const settled = (status: Status): boolean => allActive(status, APP) && allAgentsIdle(status, APP);

/** Each unit's own address, as juju status reports it. */
async function addresses(): Promise<Record<string, string>> {
  const units = (await juju.status()).apps[APP]?.units ?? {};
  return Object.fromEntries(UNITS.map((unit) => [unit, units[unit]?.publicAddress ?? ""]));
}

/** An HTTP GET from `unit`'s machine (curl, no proxy): the status code and the body. */
async function get(unit: string, url: string): Promise<{ code: number; body: string }> {
  const out = await juju.ssh(unit, "curl", "--noproxy", "*", "--silent", "--max-time", "10", "--write-out", "\n%{http_code}", url);
  const cut = out.lastIndexOf("\n");
  return { code: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
}

/** The pid in tinyproxy's pid file on the unit's machine. */
async function tinyproxyPid(unit: string): Promise<number> {
  return Number((await juju.ssh(unit, "cat", "/var/run/tinyproxy.pid")).trim());
}

/** Whether process `pid` runs (on any machine: they share the host's pids); an ended one not yet reaped (a zombie) does not. */
function processRuns(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** The backend of `unit`: www.example.com on the machine's own loopback, answering with the unit's name and the path asked for. */
async function startBackend(unit: string): Promise<void> {
  const server = `require("node:http").createServer((q, r) => r.end(${JSON.stringify(`backend of ${unit}: `)} + q.url)).listen(80, "127.0.0.1")`;
  const script = [
    "set -e",
    'echo "127.0.0.1 www.example.com" >> /etc/hosts',
    `setsid node -e '${server}' </dev/null >/dev/null 2>&1 &`,
    `echo $! > ${BACKEND_PID}`,
    "for i in $(seq 50); do curl --noproxy '*' -s -o /dev/null http://www.example.com/ && exit 0; sleep 0.1; done",
    "echo 'the backend did not start' >&2; exit 1",
  ].join("\n");
  await juju.ssh(unit, "sh", "-c", script);
}

describe.skipIf(skip !== undefined)(`tinyproxy on two machines of their own${skip === undefined ? "" : ` (skipped: ${skip})`}`, () => {
  // One model for the whole file, as pytest-jubilant's module-scoped `juju`: each test goes on from the last.
  const pids: Record<string, number> = {};

  test("testDeploy", { timeout: 600_000 }, async () => {
    await juju.deploy(charm, { app: APP, numUnits: 2 });
    await juju.wait(settled, { error: anyError, timeout: 600_000 });
    const status = await juju.status();
    const units = status.apps[APP]?.units ?? {};
    // Two machines, two addresses.
    expect(new Set(UNITS.map((unit) => units[unit]?.machine)).size).toBe(2);
    expect(new Set(Object.values(await addresses())).size).toBe(2);
  });

  test("testWorkloadVersionIsSet", async () => {
    expect((await juju.status()).apps[APP]?.version).toBe("1.11.1");
    for (const unit of UNITS) {
      expect((await juju.showUnit(unit)).workloadVersion).toBe("1.11.1");
      // Installed by apt from Debian's archive, at the pinned version, on the unit's own machine.
      expect(await juju.ssh(unit, "dpkg-query", "--show", "--showformat=${Version} ${db:Status-Status}", "tinyproxy-bin")).toBe(
        `${DEBIAN_VERSION} installed`,
      );
      pids[unit] = await tinyproxyPid(unit);
    }
  });

  test("each unit proxies /example/ at its own address to its machine's backend", async () => {
    for (const unit of UNITS) await startBackend(unit);
    const address = await addresses();
    for (const from of UNITS) {
      for (const to of UNITS) {
        expect(await get(from, `http://${address[to] ?? ""}:8000/example/hello.txt`)).toEqual({
          code: 200,
          body: `backend of ${to}: /hello.txt`,
        });
      }
    }
  });

  test("a new slug: reloaded in place (SIGUSR1, same process), /foo/ serves and /example/ is refused", async () => {
    await juju.config(APP, { slug: "foo" });
    await juju.wait(settled, { error: anyError });
    const address = await addresses();
    for (const unit of UNITS) {
      expect(await tinyproxyPid(unit)).toBe(pids[unit]);
      const url = `http://${address[unit] ?? ""}:8000`;
      expect(await get(unit, `${url}/foo/hello.txt`)).toEqual({ code: 200, body: `backend of ${unit}: /hello.txt` });
      expect((await get(unit, `${url}/example/hello.txt`)).code).toBe(400);
    }
  });

  test("testBlockOnInvalidConfig", async () => {
    await juju.config(APP, { slug: "foo/bar" });
    const blocked = await juju.wait((status) => allBlocked(status, APP) && allAgentsIdle(status, APP), { error: anyError });
    for (const unit of UNITS) {
      expect(blocked.apps[APP]?.units[unit]?.workloadStatus.message).toBe("Invalid slug: 'foo/bar'. Slug must match the regex [a-z0-9-]+");
    }
    await juju.config(APP, {}, { reset: ["slug"] });
    await juju.wait(settled, { error: anyError });
    // Back to the default: /example/ serves again, from the same process.
    const address = await addresses();
    for (const unit of UNITS) {
      expect(await tinyproxyPid(unit)).toBe(pids[unit]);
      expect((await get(unit, `http://${address[unit] ?? ""}:8000/example/`)).code).toBe(200);
    }
  });

  test("removing the application stops tinyproxy and removes its package", { timeout: 120_000 }, async () => {
    // A unit's machine goes in the same step as its remove hook, overlay and all, so the machines
    // leave their evidence in /tmp, which they share with the host: apt runs a probe after each dpkg
    // call (DPkg::Post-Invoke), and tinyproxy's pid is looked up in /proc from here (the machines
    // have their own mount and network namespaces, not their own pids).
    const evidence = mkdtempSync("/tmp/tinyproxy-integration-");
    onTestFinished(() => {
      rmSync(evidence, { recursive: true, force: true });
    });
    const simulator = await juju.simulator();
    const probe = (unit: string) => join(evidence, unit.replace("/", "-"));
    for (const unit of UNITS) {
      await juju.ssh(unit, "sh", "-c", `kill $(cat ${BACKEND_PID}) && rm ${BACKEND_PID}`); // the test's backend, not the charm's
      const script = `#!/bin/sh\n(dpkg-query --show --showformat='\${db:Status-Status}\\n' tinyproxy-bin 2>/dev/null || echo not known to dpkg; ls /usr/bin/tinyproxy 2>/dev/null || echo no /usr/bin/tinyproxy) > ${probe(unit)}\n`;
      await juju.ssh(
        unit,
        "sh",
        "-c",
        `printf '%s' "$1" > /usr/local/sbin/dpkg-probe && chmod 755 /usr/local/sbin/dpkg-probe && ` +
          `echo 'DPkg::Post-Invoke { "/usr/local/sbin/dpkg-probe"; };' > /etc/apt/apt.conf.d/99-dpkg-probe`,
        "probe",
        script,
      );
    }
    await juju.removeApplication(APP);
    const stopped: string[] = [];
    const removed: string[] = [];
    let seq = simulator.history().at(-1)?.seq ?? 0;
    while (await simulator.step()) {
      for (const entry of simulator.history().filter((candidate) => candidate.seq > seq)) {
        seq = entry.seq;
        if (entry.kind !== "hook" || (entry.name !== "stop" && entry.name !== "remove")) continue;
        expect(`${entry.unit} ${entry.name}: ${entry.outcome}`).toBe(`${entry.unit} ${entry.name}: ok`);
        if (entry.name === "stop") {
          if (!processRuns(pids[entry.unit] ?? 0)) stopped.push(entry.unit);
        } else removed.push(entry.unit);
      }
    }
    expect(stopped.sort()).toEqual(UNITS);
    expect(removed.sort()).toEqual(UNITS);
    // apt removed the package during the remove hook: dpkg's last word on each machine.
    for (const unit of UNITS) expect(readFileSync(probe(unit), "utf8")).toBe("not known to dpkg\nno /usr/bin/tinyproxy\n");
    expect((await juju.status()).apps[APP]).toBeUndefined();
    // Each machine went with its unit, and nothing was left running in it.
    const notes = simulator
      .history()
      .filter((entry) => entry.kind === "controller" && /^machine \d+ removed/.test(entry.name))
      .map((entry) => entry.name.replace(/^machine \d+/, "machine"));
    expect(notes).toEqual(UNITS.map(() => "machine removed: no process was left in it; its namespaces, network link and overlay are gone"));
  });
});
