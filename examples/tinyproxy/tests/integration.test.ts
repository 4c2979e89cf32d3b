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

import { afterAll, describe, expect, test } from "vitest";

import { Juju, type LocalJuju, type Status, allActive, allAgentsIdle, allBlocked, anyError } from "tscharm/integration";

const APP = "tinyproxy";
const UNITS = ["tinyproxy/0", "tinyproxy/1"];
/** Debian 12's tinyproxy-bin: what the charm pins on the simulator's machines (hooks/tinyproxy.ts). */
const DEBIAN_VERSION = "1.11.1-2.1+deb12u1";
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
afterAll(() => juju.close());

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

/** The backend of `unit`: www.example.com on the machine's own loopback, answering with the unit's name and the path asked for. */
async function startBackend(unit: string): Promise<void> {
  const server = `require("node:http").createServer((q, r) => r.end(${JSON.stringify(`backend of ${unit}: `)} + q.url + "\\n")).listen(80, "127.0.0.1")`;
  const script = [
    "set -e",
    'echo "127.0.0.1 www.example.com" >> /etc/hosts',
    `setsid node -e '${server}' </dev/null >/dev/null 2>&1 &`,
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

  test("removing the application stops tinyproxy and removes its package, config and pid file", { timeout: 120_000 }, async () => {
    // Step the model by hand: a unit's machine goes with it right after its remove hook, so what the
    // hooks left is looked at in between.
    const simulator = await juju.simulator();
    const machines = Object.fromEntries(
      Object.entries((await juju.status()).apps[APP]?.units ?? {}).map(([unit, status]) => [unit, status.machine]),
    );
    for (const unit of UNITS) await juju.ssh(unit, "pkill", "-f", "listen(80"); // the test's backend, not the charm's
    await juju.removeApplication(APP);
    const seen = new Map<string, string>();
    let seq = simulator.history().at(-1)?.seq ?? 0;
    while (await simulator.step()) {
      for (const entry of simulator.history().filter((candidate) => candidate.seq > seq)) {
        seq = entry.seq;
        if (entry.kind !== "hook" || (entry.name !== "stop" && entry.name !== "remove")) continue;
        expect(`${entry.unit} ${entry.name} ${entry.outcome}`).toBe(`${entry.unit} ${entry.name} ok`);
        if (entry.name === "stop") {
          // tinyproxy has ended: the pid the test saw is gone, and tinyproxy removed its pid file.
          const probe = await juju.ssh(
            machines[entry.unit] ?? "",
            "sh",
            "-c",
            `kill -0 ${String(pids[entry.unit])} 2>/dev/null && echo alive || echo gone; ls /var/run/tinyproxy.pid 2>&1 || true`,
          );
          seen.set(`${entry.unit} stop`, probe.trim());
        } else {
          const probe = await juju.ssh(
            machines[entry.unit] ?? "",
            "sh",
            "-c",
            "dpkg-query --show --showformat='${db:Status-Status}' tinyproxy-bin 2>/dev/null || echo not-known; echo; ls -d /usr/bin/tinyproxy /etc/tinyproxy 2>&1 || true",
          );
          seen.set(`${entry.unit} remove`, probe.trim());
        }
      }
    }
    const gone = "gone\nls: cannot access '/var/run/tinyproxy.pid': No such file or directory";
    const removed = [
      "not-installed",
      "ls: cannot access '/usr/bin/tinyproxy': No such file or directory",
      "ls: cannot access '/etc/tinyproxy': No such file or directory",
    ].join("\n");
    expect(Object.fromEntries(seen)).toEqual(
      Object.fromEntries(
        UNITS.flatMap((unit) => [
          [`${unit} stop`, gone],
          [`${unit} remove`, removed],
        ]),
      ),
    );
    expect((await juju.status()).apps[APP]).toBeUndefined();
    // Each machine went with its unit, and nothing of tinyproxy was left running in it.
    const notes = simulator.history().filter((entry) => entry.kind === "controller" && entry.name.startsWith("machine "));
    expect(notes.map((entry) => entry.name)).toEqual(
      UNITS.map(
        (unit) => `machine ${machines[unit] ?? ""} removed: no process was left in it; its namespaces, network link and overlay are gone`,
      ),
    );
  });
});
