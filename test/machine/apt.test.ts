// machine/apt.ts: LocalApt. First what it asks of the tools and how it reads their answers (a
// scripted Commands, no root needed), then the real thing in the machine sandbox: apt-get update and
// a package from Debian's archive (hello), the dpkg lock, and a signed repository made on the spot.

import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, test } from "vitest";

import {
  AptError,
  GPGKeyError,
  InvalidSourceError,
  LocalApt,
  PackageError,
  PackageNotFoundError,
  sourcesFile,
  type Repository,
} from "../../machine/apt.js";
import type { Commands, RunOptions, RunResult } from "../../machine/commands.js";
import { MACHINE_KIT, runInSandbox, sandboxBlocker, sandboxJson } from "../support/machine-sandbox.js";

// ---------------------------------------------------------------------------------------------
// A scripted machine: each command's answer comes from a handler; every call is recorded.

interface Call {
  readonly argv: readonly string[];
  readonly env: RunOptions["env"];
}
type Answer = Partial<Pick<RunResult, "exitCode" | "stdout" | "stderr">>;

function scripted(handler: (argv: readonly string[]) => Answer): { commands: Commands; calls: Call[] } {
  const calls: Call[] = [];
  const commands: Commands = {
    which: () => Promise.resolve(undefined),
    kill: () => Promise.resolve(false),
    run(argv, options = {}) {
      calls.push({ argv, env: options.env });
      const answer = handler(argv);
      const result: RunResult = { argv, exitCode: 0, signal: undefined, stdout: "", stderr: "", ...answer };
      if (options.check !== false && result.exitCode !== 0) return Promise.reject(new Error(`${argv.join(" ")} failed`));
      return Promise.resolve(result);
    },
  };
  return { commands, calls };
}

/** A machine with these packages installed (dpkg-query lines) and these in the apt cache (apt-cache stanzas). */
function aptMachine(state: {
  installed?: Record<string, string>;
  cache?: Record<string, string>;
  cacheAfterUpdate?: Record<string, string>;
  install?: (argv: readonly string[]) => Answer;
}) {
  const installed = { ...state.installed };
  let cache = { ...state.cache };
  const machine = scripted((argv) => {
    const [tool, ...rest] = argv;
    if (tool === "dpkg") return { stdout: "amd64\n" };
    if (tool === "dpkg-query") {
      const name = rest[rest.length - 1] ?? "";
      const line = installed[name];
      return line === undefined ? { exitCode: 1, stderr: `dpkg-query: no packages found matching ${name}\n` } : { stdout: line };
    }
    if (tool === "apt-cache") {
      const name = (rest[rest.length - 1] ?? "").split(":")[0] ?? "";
      const stanzas = cache[name];
      return stanzas === undefined ? { exitCode: 100, stderr: "E: No packages found\n" } : { stdout: stanzas };
    }
    if (tool === "apt-get" && rest.includes("update")) {
      cache = { ...cache, ...state.cacheAfterUpdate };
      return {};
    }
    if (tool === "apt-get" && (rest.includes("install") || rest.includes("remove") || rest.includes("purge"))) {
      const answer = state.install?.(argv) ?? {};
      if ((answer.exitCode ?? 0) === 0 && rest.includes("install"))
        for (const spec of rest.slice(rest.indexOf("install") + 1)) {
          const [name = "", version] = spec.split("=");
          const base = name.split(":")[0] ?? "";
          const stanza = cache[base] ?? "";
          const v = version ?? /^Version: (.*)$/m.exec(stanza)?.[1] ?? "";
          const a = /^Architecture: (.*)$/m.exec(stanza)?.[1] ?? "";
          installed[base] = `${base}\t${v}\t${a}\tinstalled\n`;
        }
      return answer;
    }
    return { exitCode: 127, stderr: `unexpected command ${argv.join(" ")}` };
  });
  return { ...machine, apt: new LocalApt(machine.commands) };
}

const stanza = (name: string, version: string, arch = "amd64"): string =>
  `Package: ${name}\nVersion: ${version}\nArchitecture: ${arch}\nDescription: x\n\n`;
const aptGets = (calls: readonly Call[]) => calls.filter((call) => call.argv[0] === "apt-get").map((call) => call.argv.join(" "));

describe("addPackage", () => {
  test("installs every missing package with one non-interactive apt-get that keeps config files and waits for the lock", async () => {
    const { apt, calls } = aptMachine({
      installed: { vim: "vim\t2:9.0.1378-2\tamd64\tinstalled\n" },
      cache: { hello: stanza("hello", "2.10-3"), tzdata: stanza("tzdata", "2026f-0+deb12u1", "all"), vim: stanza("vim", "2:9.0.1378-2") },
    });
    const added = await apt.addPackage(["hello", "vim", "tzdata"]);
    expect(aptGets(calls)).toEqual(["apt-get -y -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confold install hello tzdata"]);
    expect(calls.find((call) => call.argv[0] === "apt-get")?.env).toEqual({ DEBIAN_FRONTEND: "noninteractive" });
    expect(added).toEqual([
      { name: "hello", version: "2.10-3", arch: "amd64", state: "present" },
      { name: "vim", version: "2:9.0.1378-2", arch: "amd64", state: "present" },
      { name: "tzdata", version: "2026f-0+deb12u1", arch: "all", state: "present" },
    ]);
  });

  test("a single name gives a single package; an installed one runs no apt-get at all", async () => {
    const { apt, calls } = aptMachine({ installed: { hello: "hello\t2.10-3\tamd64\tinstalled\n" } });
    expect(await apt.addPackage("hello")).toEqual({ name: "hello", version: "2.10-3", arch: "amd64", state: "present" });
    expect(aptGets(calls)).toEqual([]);
  });

  test("a pinned version installs name=version (with --allow-downgrades) from the stanza that matches", async () => {
    const { apt, calls } = aptMachine({
      installed: { hello: "hello\t2.10-3\tamd64\tinstalled\n" },
      cache: { hello: stanza("hello", "2.10-3") + stanza("hello", "2.9-1") + stanza("hello", "2.9-1", "arm64") },
    });
    expect(await apt.addPackage("hello", { version: "0:2.9-1", lockTimeoutSeconds: 7 })).toMatchObject({ version: "2.9-1" });
    expect(aptGets(calls)).toEqual([
      "apt-get -y -o DPkg::Lock::Timeout=7 -o Dpkg::Options::=--force-confold --allow-downgrades install hello=2.9-1",
    ]);
  });

  test("an architecture other than dpkg's is asked for as name:arch", async () => {
    const { apt, calls } = aptMachine({ cache: { libfoo: stanza("libfoo", "1.0", "arm64") } });
    expect(await apt.addPackage("libfoo", { arch: "arm64" })).toMatchObject({ arch: "arm64", state: "present" });
    expect(calls.filter((call) => call.argv[0] === "apt-cache").map((call) => call.argv.join(" "))).toEqual([
      "apt-cache show --no-all-versions libfoo:arm64",
    ]);
    expect(aptGets(calls)).toEqual(["apt-get -y -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confold install libfoo:arm64"]);
  });

  test("a name not found runs update() once and looks again", async () => {
    const { apt, calls } = aptMachine({ cache: { hello: stanza("hello", "2.10-3") }, cacheAfterUpdate: { fresh: stanza("fresh", "1.0") } });
    await apt.addPackage(["hello", "fresh"]);
    expect(aptGets(calls)).toEqual([
      "apt-get update --error-on=any",
      "apt-get -y -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confold install hello fresh",
    ]);
  });

  test("PackageError names every package not found (after one update), and the others are still installed", async () => {
    const { apt, calls } = aptMachine({ cache: { hello: stanza("hello", "2.10-3") } });
    const error = await apt.addPackage(["nope-a", "hello", "nope-b"]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PackageError);
    expect((error as PackageError).packages).toEqual(["nope-a", "nope-b"]);
    expect((error as PackageError).message).toMatch(/^Failed to install packages: nope-a, nope-b \(.*E: No packages found/);
    expect(aptGets(calls).filter((line) => line.includes("update"))).toHaveLength(1);
    expect(aptGets(calls).at(-1)).toMatch(/ install hello$/);
  });

  test("with updateCache the update comes first and a miss does not update again", async () => {
    const { apt, calls } = aptMachine({});
    await expect(apt.addPackage("nope", { updateCache: true })).rejects.toThrow(PackageError);
    expect(aptGets(calls)).toEqual(["apt-get update --error-on=any"]);
  });

  test("apt-get's failure is a PackageError with apt's E: lines, saying when it was the lock", async () => {
    const stderr =
      "Waiting for cache lock: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 9 (python3)...\n" +
      "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 9 (python3)\n";
    const { apt } = aptMachine({ cache: { hello: stanza("hello", "2.10-3") }, install: () => ({ exitCode: 100, stderr }) });
    const error = (await apt.addPackage("hello", { lockTimeoutSeconds: 5 }).catch((caught: unknown) => caught)) as PackageError;
    expect(error).toBeInstanceOf(PackageError);
    expect(error.message).toBe(
      "Could not install hello (after waiting 5 s for the dpkg lock) (exit 100): E: Could not get lock /var/lib/dpkg/lock-frontend. " +
        "It is held by process 9 (python3)",
    );
    expect(error.aptMessage).toContain("E: Could not get lock");
    expect(error.packages).toEqual(["hello"]);
  });

  test.each([
    [[], "Expected at least one package name to add, received zero!"],
    [["a1", "b1"], "Explicit version should not be set if more than one package is being added!"],
  ])("refuses %j with charmlibs' TypeError", async (names, message) => {
    const { apt, calls } = aptMachine({});
    await expect(apt.addPackage(names, { version: "1.0" })).rejects.toThrow(new TypeError(message));
    expect(calls).toEqual([]);
  });

  test.each(["-o=Foo::Bar=1", "Hello", "a", "x;rm", "hello:arm64:x", ""])("refuses the name %j before running anything", async (name) => {
    const { apt, calls } = aptMachine({});
    await expect(apt.addPackage(name)).rejects.toThrow(`not a Debian package name: ${JSON.stringify(name)}`);
    expect(calls).toEqual([]);
  });

  test("refuses a version that is not one, an arch that contradicts the name's, and a bad lock timeout", async () => {
    const { apt, calls } = aptMachine({});
    await expect(apt.addPackage("hello", { version: "x:1" })).rejects.toThrow('not a Debian version: "x:1"');
    await expect(apt.addPackage("hello:i386", { arch: "amd64" })).rejects.toThrow("names architecture i386 but arch amd64 was given");
    await expect(apt.addPackage("hello", { lockTimeoutSeconds: -1 })).rejects.toThrow("lockTimeoutSeconds must be a whole number");
    expect(() => new LocalApt(scripted(() => ({})).commands, { lockTimeoutSeconds: 1.5 })).toThrow(TypeError);
    expect(calls).toEqual([]);
  });
});

describe("installed state and the apt cache", () => {
  test("fromInstalledPackage reads dpkg-query's status: config-files and half-installed are not installed", async () => {
    const { apt, calls } = aptMachine({
      installed: {
        gone: "gone\t1.0\tamd64\tconfig-files\n",
        half: "half\t1.0\tamd64\thalf-configured\n",
        ok: "ok\t1:1.0\tamd64\tinstalled\n",
      },
    });
    await expect(apt.fromInstalledPackage("gone")).rejects.toThrow(
      "Package gone (amd64) is not installed (dpkg has 1.0 amd64: config-files)",
    );
    await expect(apt.fromInstalledPackage("half")).rejects.toThrow(PackageNotFoundError);
    expect(await apt.fromInstalledPackage("ok")).toEqual({ name: "ok", version: "1:1.0", arch: "amd64", state: "present" });
    expect(calls.find((call) => call.argv[0] === "dpkg-query")?.argv).toEqual([
      "dpkg-query",
      "-W",
      "-f=${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n",
      "gone",
    ]);
  });

  test("fromInstalledPackage matches the architecture (all always does) and the version by dpkg's ordering", async () => {
    const { apt } = aptMachine({
      installed: { lib: "lib\t2.0-1\tamd64\tinstalled\nlib\t2.0-1\ti386\tinstalled\n", data: "data\t3.0\tall\tinstalled\n" },
    });
    expect(await apt.fromInstalledPackage("lib:i386")).toMatchObject({ arch: "i386" });
    expect(await apt.fromInstalledPackage("lib", { version: "0:2.0-1" })).toMatchObject({ arch: "amd64", version: "2.0-1" });
    expect(await apt.fromInstalledPackage("data", { arch: "arm64" })).toMatchObject({ arch: "all" });
    await expect(apt.fromInstalledPackage("lib", { arch: "arm64" })).rejects.toThrow(PackageNotFoundError);
    await expect(apt.fromInstalledPackage("lib", { version: "2.0-2" })).rejects.toThrow("Package lib=2.0-2 (amd64) is not installed");
  });

  test("fromAptCache asks for the candidate only, or every version when one is pinned", async () => {
    const { apt, calls } = aptMachine({ cache: { hello: stanza("hello", "2.10-3") + stanza("hello", "2.9-1") } });
    expect(await apt.fromAptCache("hello")).toEqual({ name: "hello", version: "2.10-3", arch: "amd64", state: "available" });
    expect(await apt.fromAptCache("hello", { version: "2.9-1" })).toMatchObject({ version: "2.9-1" });
    await expect(apt.fromAptCache("hello", { version: "3.0" })).rejects.toThrow(
      "Package hello=3.0 (amd64) is not in the apt cache (it has 2.10-3, 2.9-1)",
    );
    await expect(apt.fromAptCache("nope")).rejects.toThrow("Package nope (amd64) is not in the apt cache: E: No packages found");
    expect(calls.filter((call) => call.argv[0] === "apt-cache").map((call) => call.argv.slice(2).join(" "))).toEqual([
      "--no-all-versions hello:amd64",
      "hello:amd64",
      "hello:amd64",
      "--no-all-versions nope:amd64",
    ]);
  });

  test("fromSystem: installed first, then the cache, then PackageNotFoundError with both reasons", async () => {
    const { apt } = aptMachine({ installed: { hello: "hello\t2.10-3\tamd64\tinstalled\n" }, cache: { sl: stanza("sl", "5.02-1") } });
    expect(await apt.fromSystem("hello")).toMatchObject({ state: "present" });
    expect(await apt.fromSystem("sl")).toMatchObject({ state: "available" });
    const error = (await apt.fromSystem("nope", { arch: "amd64" }).catch((caught: unknown) => caught)) as PackageNotFoundError;
    expect(error).toBeInstanceOf(PackageNotFoundError);
    expect(error.packageName).toBe("nope");
    expect(error.message).toBe(
      "Package 'nope.amd64' could not be found on the system or in the apt cache: " +
        "Package nope (amd64) is not in the apt cache: E: No packages found",
    );
  });
});

describe("removePackage and update", () => {
  test("removes the installed ones with one apt-get (config kept), skips the rest, purges on request", async () => {
    const { apt, calls } = aptMachine({
      installed: { a1: "a1\t1\tamd64\tinstalled\n", b1: "b1\t1\tall\tinstalled\n", c1: "c1\t1\ti386\tinstalled\n" },
    });
    expect(await apt.removePackage(["a1", "nope", "b1", "c1:i386"])).toEqual([
      { name: "a1", version: "1", arch: "amd64", state: "absent" },
      { name: "b1", version: "1", arch: "all", state: "absent" },
      { name: "c1", version: "1", arch: "i386", state: "absent" },
    ]);
    expect(await apt.removePackage("nope")).toBeUndefined();
    await apt.removePackage("a1", { purge: true, lockTimeoutSeconds: 0 });
    expect(aptGets(calls)).toEqual([
      "apt-get -y -o DPkg::Lock::Timeout=300 remove a1 b1 c1:i386",
      "apt-get -y -o DPkg::Lock::Timeout=0 purge a1",
    ]);
    await expect(apt.removePackage([])).rejects.toThrow(new TypeError("Expected at least one package name to remove, received zero!"));
  });

  test("update() tries again while another apt holds the lists' lock, until the lock timeout", async () => {
    const locked = {
      exitCode: 100,
      stderr:
        "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 7 (apt-get)\n" +
        "E: Unable to lock directory /var/lib/apt/lists/\n",
    };
    let busy = 2;
    const waiting = scripted(() => (busy-- > 0 ? locked : {}));
    await new LocalApt(waiting.commands).update({ lockTimeoutSeconds: 30 });
    expect(waiting.calls).toHaveLength(3);
    const stuck = scripted(() => locked);
    const started = Date.now();
    await expect(new LocalApt(stuck.commands).update({ lockTimeoutSeconds: 1 })).rejects.toThrow(
      "apt-get update failed (after waiting 1 s for the lock of apt's lists) (exit 100): E: Could not get lock /var/lib/apt/lists/lock",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(stuck.calls.length).toBeGreaterThanOrEqual(2);
    const never = scripted(() => locked);
    await expect(new LocalApt(never.commands).update({ lockTimeoutSeconds: 0 })).rejects.toThrow(AptError);
    expect(never.calls).toHaveLength(1);
  });

  test("update()'s failure is an AptError with apt's message", async () => {
    const stderr = "Ign:1 x\nE: Failed to fetch http://x/InRelease  Could not resolve 'x'\n";
    const apt = new LocalApt(scripted(() => ({ exitCode: 100, stderr })).commands);
    await expect(apt.update()).rejects.toThrow(
      "apt-get update failed (exit 100): E: Failed to fetch http://x/InRelease  Could not resolve 'x'",
    );
    await expect(apt.update()).rejects.not.toBeInstanceOf(PackageError);
  });
});

// ---------------------------------------------------------------------------------------------
// Repositories: the deb822 text, its validation and the key files (under a temporary root).

const KEY = readFileSync(join(import.meta.dirname, "..", "fixtures", "machine", "test-key.asc"), "utf8");

describe("repositories", () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });
  const rooted = () => {
    const root = mkdtempSync(join(tmpdir(), "tscharm-apt-"));
    roots.push(root);
    return { root, apt: new LocalApt(scripted(() => ({ exitCode: 127 })).commands, { root }) };
  };

  test("sourcesFile writes the deb822 stanza, Signed-By the repository's own keyring file", () => {
    expect(
      sourcesFile({
        name: "grafana",
        types: ["deb", "deb-src"],
        uris: ["https://apt.grafana.com"],
        suites: ["stable"],
        components: ["main", "beta"],
        key: KEY,
        options: { Architectures: "amd64 arm64", Enabled: "yes" },
      }),
    ).toBe(
      "# Written by tscharm/machine (apt.addRepository).\nTypes: deb deb-src\nURIs: https://apt.grafana.com\nSuites: stable\n" +
        "Components: main beta\nSigned-By: /etc/apt/keyrings/grafana.asc\nArchitectures: amd64 arm64\nEnabled: yes\n",
    );
    expect(
      sourcesFile({ name: "flat", uris: ["file:/srv/repo"], suites: ["./"], options: { "Signed-By": "/usr/share/keyrings/x.gpg" } }),
    ).toBe(
      "# Written by tscharm/machine (apt.addRepository).\nTypes: deb\nURIs: file:/srv/repo\nSuites: ./\n" +
        "Signed-By: /usr/share/keyrings/x.gpg\n",
    );
  });

  const base: Repository = { name: "r", uris: ["http://example.com/debian"], suites: ["bookworm"], components: ["main"] };
  test.each<[string, Partial<Repository> & Record<string, unknown>, string]>([
    ["name", { name: "my repo" }, 'repository name "my repo" is not usable as a file name'],
    ["name", { name: "../etc/x" }, "is not usable as a file name"],
    ["types", { types: ["rpm" as "deb"] }, 'type "rpm" is not deb or deb-src'],
    ["types", { types: [] }, "types must list at least one value"],
    ["uris", { uris: [] }, "uris must list at least one value"],
    ["uris", { uris: ["example.com/debian"] }, 'URI "example.com/debian" has no scheme'],
    ["uris", { uris: ["http://a b"] }, "has white space"],
    ["suites", { suites: [""] }, 'suites value "" is empty'],
    ["suites", { suites: ["./", "bookworm"] }, "a flat suite"],
    ["components", { components: undefined }, "components must list at least one value"],
    ["components", { suites: ["./"] }, "components are not allowed with the flat suite ./"],
    ["options.URIs", { options: { URIs: "http://other" } }, "URIs is set by the repository's own fields"],
    ["options.Signed-By", { key: "k", options: { "Signed-By": "/x" } }, "Signed-By is set by the repository's own fields"],
    ["options.Bad Key", { options: { "Bad Key": "1" } }, '"Bad Key" is not a deb822 field name'],
    ["options.Trusted", { options: { Trusted: "yes\nURIs: http://evil" } }, "the value of Trusted must be one non-empty line"],
  ])("InvalidSourceError names the field %s", async (field, change, message) => {
    const { root, apt } = rooted();
    const error = (await apt.addRepository({ ...base, ...change }).catch((caught: unknown) => caught)) as InvalidSourceError;
    expect(error).toBeInstanceOf(InvalidSourceError);
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
    expect(() => statSync(join(root, "etc"))).toThrow(/ENOENT/);
  });

  test("addRepository writes the file and key (0o644, keyrings 0o755); removeRepository takes both away", async () => {
    const { root, apt } = rooted();
    const path = await apt.addRepository({ ...base, name: "example", key: `\n${KEY}\n\n` });
    expect(path).toBe(join(root, "etc/apt/sources.list.d/example.sources"));
    expect(readFileSync(path, "utf8")).toContain("Signed-By: /etc/apt/keyrings/example.asc\n");
    const key = join(root, "etc/apt/keyrings/example.asc");
    expect(readFileSync(key, "utf8")).toBe(`${KEY.trim()}\n`);
    expect(statSync(key).mode & 0o777).toBe(0o644);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(statSync(join(root, "etc/apt/keyrings")).mode & 0o777).toBe(0o755);
    expect(await apt.removeRepository("example")).toBe(true);
    expect(() => statSync(path)).toThrow(/ENOENT/);
    expect(() => statSync(key)).toThrow(/ENOENT/);
    expect(await apt.removeRepository("example")).toBe(false);
  });

  test("rewriting a repository replaces its file whole, leaving no temporary file behind", async () => {
    const { root, apt } = rooted();
    await apt.addRepository({ ...base, name: "again", suites: ["bookworm"] });
    await apt.addRepository({ ...base, name: "again", suites: ["trixie"] });
    const dir = join(root, "etc/apt/sources.list.d");
    expect(readFileSync(join(dir, "again.sources"), "utf8")).toContain("Suites: trixie\n");
    expect((await import("node:fs")).readdirSync(dir)).toEqual(["again.sources"]);
  });

  test.each([
    ["no armour", "mQINBFfakekeydata", "ASCII armor markers missing from GPG key"],
    ["a private key", KEY.replaceAll("PUBLIC KEY", "PRIVATE KEY"), "the key is a PGP private key block"],
    ["text around it", `hello\n${KEY}`, "the key has text outside its BEGIN/END PGP PUBLIC KEY BLOCK markers"],
    ["a broken body", KEY.replace(/\n\n[A-Za-z0-9+/]/, "\n\n!"), "the key's armoured data is not base64"],
    ["an empty body", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----", "not base64"],
  ])("importKey refuses %s with GPGKeyError, quoting none of it", async (_what, key, message) => {
    const { root, apt } = rooted();
    const error = (await apt.importKey("k", key).catch((caught: unknown) => caught)) as GPGKeyError;
    expect(error).toBeInstanceOf(GPGKeyError);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain(KEY.split("\n")[3] ?? "?");
    expect(() => statSync(join(root, "etc"))).toThrow(/ENOENT/);
  });
});

// ---------------------------------------------------------------------------------------------
// The real apt, in the machine sandbox.

const blocker = sandboxBlocker();
if (blocker !== undefined) console.warn(`apt: sandbox tests skipped: ${blocker}`);
const script = readFileSync(join(import.meta.dirname, "..", "fixtures", "machine", "apt-sandbox.mjs"), "utf8");

interface Outcome {
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
  readonly message?: string;
  readonly seconds: number;
  readonly packages?: readonly string[];
}

describe.skipIf(blocker !== undefined)("on a real machine (the sandbox)", () => {
  test("Debian's archive: update, install hello, its state, not-found names and versions, the dpkg lock, removal", (context) => {
    const answer = sandboxJson(
      runInSandbox(script, { hostNetwork: true, env: { MACHINE_KIT, STEPS: "archive" }, timeoutMs: 400_000 }),
    ) as Record<string, Outcome & string>;
    if (answer["unreachable"] !== undefined) {
      // Only a network failure skips; any other failure of update() is a failure of this test.
      expect(String(answer["unreachable"])).toMatch(
        /Could not resolve|Temporary failure|Could not connect|Connection failed|timed out|Network is unreachable/,
      );
      console.warn(`apt: Debian's archive steps skipped: apt-get update failed: ${String(answer["unreachable"])}`);
      context.skip(`the archive cannot be reached: ${String(answer["unreachable"])}`);
    }
    const get = (key: string): Outcome => answer[key] as Outcome;
    expect(get("before")).toMatchObject({ ok: false, error: "PackageNotFoundError" });
    // The candidate is what apt-cache policy says, the state what dpkg-query says, and hello runs.
    expect(get("cache")).toMatchObject({
      ok: true,
      value: { name: "hello", version: answer["policyCandidate"], arch: answer["arch"], state: "available" },
    });
    expect(get("add")).toMatchObject({ ok: true, value: { name: "hello", version: answer["policyCandidate"], state: "present" } });
    expect(answer["statusAfterAdd"]).toBe(`installed ${String(answer["policyCandidate"])}`);
    expect(answer["helloSays"]).toBe("Hello, world!");
    expect(get("installed")).toEqual({ ...get("add"), seconds: get("installed").seconds });
    expect(get("addAgain")).toMatchObject({ ok: true, value: [get("add").value] });
    // A made-up name: not found, with apt's own words, and addPackage names it.
    expect(get("madeUp")).toMatchObject({ ok: false, error: "PackageNotFoundError" });
    expect(get("madeUp").message).toContain("E: No packages found");
    expect(get("addMadeUp")).toMatchObject({ ok: false, error: "PackageError", packages: ["tscharm-no-such-package"] });
    expect(get("badVersion")).toMatchObject({ ok: false, error: "PackageError", packages: ["hello=9.9-9"] });
    expect(get("badVersion").message).toContain(`(it has ${String(answer["policyCandidate"])})`);
    // The lock held for good: apt-get gave up after about the 2 s asked, nothing removed.
    expect(get("lockGivesUp")).toMatchObject({ ok: false, error: "PackageError" });
    expect(get("lockGivesUp").message).toContain("after waiting 2 s for the dpkg lock");
    expect(get("lockGivesUp").message).toContain("/var/lib/dpkg/lock-frontend");
    expect(get("lockGivesUp").seconds).toBeGreaterThanOrEqual(1.9);
    expect(get("lockGivesUp").seconds).toBeLessThan(30);
    expect(answer["statusWhileLocked"]).toMatch(/^installed /);
    // Held for 4 s: apt-get waited and then removed it.
    expect(get("lockWaits")).toMatchObject({ ok: true, value: { name: "hello", state: "absent" } });
    expect(get("lockWaits").seconds).toBeGreaterThanOrEqual(3);
    expect(answer["statusAfterRemove"]).not.toMatch(/^installed/);
    expect(get("afterRemove")).toMatchObject({ ok: false, error: "PackageNotFoundError" });
    expect(get("removeAgain")).toEqual({ ok: true, seconds: get("removeAgain").seconds });
    // The lists' lock held for 3 s: update() waited for it (apt-get alone fails at once: exit 100, whatever DPkg::Lock::Timeout says).
    expect(get("updateWaits"), JSON.stringify(get("updateWaits"))).toMatchObject({ ok: true });
    expect(get("updateWaits").seconds).toBeGreaterThanOrEqual(2.5);
  }, 420_000);

  test("a signed flat repository: addRepository's file and key are what apt-get update accepts; the wrong key is refused", (context) => {
    const answer = sandboxJson(runInSandbox(script, { env: { MACHINE_KIT, STEPS: "repository" }, timeoutMs: 120_000 })) as Record<
      string,
      unknown
    >;
    if (typeof answer["noGpg"] === "string") context.skip(answer["noGpg"]);
    const get = (key: string): Outcome => answer[key] as Outcome;
    expect(get("added")).toMatchObject({ ok: true, value: "/etc/apt/sources.list.d/tscharm-test.sources" });
    expect(answer["sourcesText"]).toContain("Signed-By: /etc/apt/keyrings/tscharm-test.asc\n");
    expect([answer["sourcesMode"], answer["keyMode"], answer["keyringsMode"]]).toEqual(["644", "644", "755"]);
    expect(get("repoUpdate")).toMatchObject({ ok: true });
    expect(get("repoCache")).toMatchObject({
      ok: true,
      value: { name: "tscharm-probe", version: "1:2.0~rc1-1", arch: "all", state: "available" },
    });
    expect(get("repoAdd")).toMatchObject({ ok: true, value: { name: "tscharm-probe", version: "1:2.0~rc1-1", state: "present" } });
    expect(answer["repoNote"]).toBe("from the test repository\n");
    expect(answer["repoStatus"]).toBe("installed 1:2.0~rc1-1");
    expect(get("repoPinnedEqual")).toMatchObject({ ok: true, value: { version: "1:2.0~rc1-1" } });
    expect(get("wrongKeyUpdate")).toMatchObject({ ok: false, error: "AptError" });
    expect(get("wrongKeyUpdate").message).toMatch(/NO_PUBKEY|signature/);
    expect([get("removed").value, get("removedAgain").value]).toEqual([true, false]);
    expect(answer["filesAfterRemove"]).toBe("/etc/apt/keyrings:\n\n/etc/apt/sources.list.d:");
    expect(get("updateAfterRemove")).toMatchObject({ ok: true });
  }, 150_000);
});
