// tscharm/testing's FakeMachine: each concept's behaviour and errors as the real modules document
// them, the record of calls, and the wiring into Context and Harness (each dispatch on the machine).

import { existsSync } from "node:fs";

import { describe, expect, test } from "vitest";

import { CharmBase, type Framework } from "tscharm";
import {
  CommandError,
  GPGKeyError,
  InvalidSourceError,
  PackageError,
  PackageNotFoundError,
  UnknownGroupError,
  UnknownUserError,
  apt,
  files,
  kill,
  passwd,
  run,
  which,
} from "tscharm/machine";
import { Context, FakeMachine, FakeMachineError, Harness, State } from "tscharm/testing";

const TINYPROXY = {
  name: "tinyproxy-bin",
  version: "1.11.1-3",
  files: { "/usr/bin/tinyproxy": "", "/usr/share/doc/tinyproxy/README": "hi" },
};

/** The error a promise rejects with (a test fails when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection, and it resolved");
}

describe("FakeMachine: apt", () => {
  test("addPackage installs the archive's entry and creates its files (executables 0o755 in bin/)", async () => {
    const machine = new FakeMachine({ archive: [TINYPROXY] });
    expect(machine.packages.has("tinyproxy-bin")).toBe(false);
    const added = await machine.apt.addPackage("tinyproxy-bin");
    expect(added).toEqual({ name: "tinyproxy-bin", version: "1.11.1-3", arch: "amd64", state: "present" });
    expect(machine.packages.get("tinyproxy-bin")?.version).toBe("1.11.1-3");
    expect(machine.file("/usr/bin/tinyproxy")?.mode).toBe(0o755);
    expect(machine.file("/usr/share/doc/tinyproxy/README")?.mode).toBe(0o644);
    expect(machine.fileText("/usr/share/doc/tinyproxy/README")).toBe("hi");
    expect(await machine.commands.which("tinyproxy")).toBe("/usr/bin/tinyproxy");
  });

  test("a list of names returns a list; an installed package is left as it is", async () => {
    const machine = new FakeMachine({
      archive: [TINYPROXY, { name: "curl", version: "8.5.0-2" }],
      installed: [{ name: "curl", version: "8.0.0-1" }],
    });
    const added = await machine.apt.addPackage(["tinyproxy-bin", "curl"]);
    expect(added.map((p) => `${p.name}=${p.version}`)).toEqual(["tinyproxy-bin=1.11.1-3", "curl=8.0.0-1"]);
  });

  test("a pinned version must be in the archive; it replaces another installed version", async () => {
    const old = { ...TINYPROXY, version: "1.10.0-1", files: { "/usr/bin/tinyproxy": "old", "/usr/share/old": "" } };
    const machine = new FakeMachine({ archive: [TINYPROXY, old], installed: [old] });
    const missing = await rejection(machine.apt.addPackage("tinyproxy-bin", { version: "9.9" }));
    expect(missing).toBeInstanceOf(PackageError);
    expect(missing.message).toBe("Failed to install packages: tinyproxy-bin");
    expect(missing).toMatchObject({ packages: ["tinyproxy-bin"], aptMessage: "" });
    await machine.apt.addPackage("tinyproxy-bin", { version: "1.11.1-3" });
    expect(machine.packages.get("tinyproxy-bin")?.version).toBe("1.11.1-3");
    expect(machine.fileText("/usr/bin/tinyproxy")).toBe("");
    expect(machine.file("/usr/share/old")).toBeUndefined();
  });

  test("a name, or an architecture, not in the archive is a PackageError naming it; bad arguments a TypeError", async () => {
    const machine = new FakeMachine({ archive: [TINYPROXY] });
    const error = await rejection(machine.apt.addPackage(["nope", "tinyproxy-bin"]));
    expect(error).toBeInstanceOf(PackageError);
    expect(error.message).toBe("Failed to install packages: nope");
    expect(machine.packages.has("tinyproxy-bin")).toBe(true);
    await expect(machine.apt.addPackage("tinyproxy-bin", { arch: "arm64" })).rejects.toThrow("Failed to install packages: tinyproxy-bin");
    await expect(machine.apt.addPackage([])).rejects.toThrow(TypeError);
    await expect(machine.apt.addPackage(["a", "b"], { version: "1" })).rejects.toThrow("Explicit version should not be set");
  });

  test("arch `all` packages match any architecture; the machine's arch is the default", async () => {
    const machine = new FakeMachine({
      arch: "arm64",
      archive: [
        { name: "docs", version: "1", arch: "all" },
        { name: "tool", version: "2" },
      ],
    });
    expect((await machine.apt.addPackage("docs")).arch).toBe("all");
    expect((await machine.apt.addPackage("tool")).arch).toBe("arm64");
  });

  test("removePackage deletes the files; one not installed is skipped", async () => {
    const machine = new FakeMachine({ installed: [TINYPROXY] });
    expect(machine.fileText("/usr/bin/tinyproxy")).toBe("");
    const removed = await machine.apt.removePackage("tinyproxy-bin");
    expect(removed?.name).toBe("tinyproxy-bin");
    expect(machine.file("/usr/bin/tinyproxy")).toBeUndefined();
    expect(await machine.apt.removePackage("tinyproxy-bin")).toBeUndefined();
    expect(await machine.apt.removePackage(["tinyproxy-bin", "x"])).toEqual([]);
  });

  test("lookups: installed, the cache, the system, with charmlibs.apt's messages", async () => {
    const machine = new FakeMachine({ archive: [TINYPROXY], installed: [{ name: "curl", version: "1:8.5.0-2" }] });
    expect((await machine.apt.fromInstalledPackage("curl")).version).toBe("1:8.5.0-2");
    expect(await rejection(machine.apt.fromInstalledPackage("tinyproxy-bin"))).toMatchObject({
      name: "PackageNotFoundError",
      message: "Package tinyproxy-bin.amd64 is not installed!",
      packageName: "tinyproxy-bin",
    });
    expect(await machine.apt.fromAptCache("tinyproxy-bin")).toMatchObject({ state: "available", version: "1.11.1-3" });
    await expect(machine.apt.fromAptCache("zzz")).rejects.toThrow("Package zzz.amd64 is not in the apt cache!");
    expect((await machine.apt.fromSystem("curl")).state).toBe("present");
    expect((await machine.apt.fromSystem("tinyproxy-bin")).state).toBe("available");
    const error = await rejection(machine.apt.fromSystem("zzz", { arch: "arm64" }));
    expect(error).toBeInstanceOf(PackageNotFoundError);
    expect(error.message).toBe("Package 'zzz.arm64' could not be found on the system or in the apt cache!");
  });

  test("update and updateCache are counted; repositories and keys are written as files", async () => {
    const machine = new FakeMachine({ archive: [TINYPROXY] });
    await machine.apt.addPackage("tinyproxy-bin", { updateCache: true });
    await machine.apt.update();
    expect(machine.aptUpdates).toBe(2);
    const key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc\n-----END PGP PUBLIC KEY BLOCK-----";
    const path = await machine.apt.addRepository({
      name: "pg",
      uris: ["http://apt.example/pg"],
      suites: ["noble-pgdg"],
      components: ["main"],
      key,
    });
    expect(path).toBe("/etc/apt/sources.list.d/pg.sources");
    expect(machine.fileText(path)).toBe(
      "Types: deb\nURIs: http://apt.example/pg\nSuites: noble-pgdg\nComponents: main\nSigned-By: /etc/apt/keyrings/pg.asc\n",
    );
    expect(machine.fileText("/etc/apt/keyrings/pg.asc")).toBe(`${key}\n`);
    expect(await machine.apt.removeRepository("pg")).toBe(true);
    expect(machine.file(path)).toBeUndefined();
    expect(machine.file("/etc/apt/keyrings/pg.asc")).toBeUndefined();
    expect(await machine.apt.removeRepository("pg")).toBe(false);
    await expect(machine.apt.importKey("k", "not a key")).rejects.toBeInstanceOf(GPGKeyError);
    await expect(machine.apt.addRepository({ name: "a b", uris: ["x"], suites: ["s"], components: ["c"] })).rejects.toBeInstanceOf(
      InvalidSourceError,
    );
    await expect(machine.apt.addRepository({ name: "flat", uris: ["x"], suites: ["./"], components: ["c"] })).rejects.toThrow(
      "takes no components",
    );
    await expect(machine.apt.addRepository({ name: "nocomp", uris: ["x"], suites: ["noble"] })).rejects.toThrow("components are required");
  });
});

describe("FakeMachine: files", () => {
  test("ensureContents: true when it wrote, false when the file already was so; parents 0o755", async () => {
    const machine = new FakeMachine();
    expect(await machine.files.ensureContents("/etc/app/conf.d/x.conf", "a=1\n")).toBe(true);
    expect(machine.file("/etc/app/conf.d/x.conf")).toMatchObject({ mode: 0o644, user: "root", group: "root" });
    expect(machine.isDir("/etc/app/conf.d")).toBe(true);
    expect((await machine.files.ownership("/etc/app")).mode).toBe(0o755);
    expect(await machine.files.ensureContents("/etc/app/conf.d/x.conf", "a=1\n")).toBe(false);
    expect(await machine.files.ensureContents("/etc/app/conf.d/x.conf", "a=1\n", { mode: 0o600 })).toBe(true);
    expect(await machine.files.ensureContents("/etc/app/conf.d/x.conf", new TextEncoder().encode("a=2\n"), { mode: 0o600 })).toBe(true);
    expect(machine.fileText("/etc/app/conf.d/x.conf")).toBe("a=2\n");
  });

  test("ownership: a user alone brings their primary group; an unknown user or group is refused", async () => {
    const machine = new FakeMachine({ users: [{ name: "tinyproxy", uid: 999 }], groups: [{ name: "adm", gid: 4 }] });
    expect(await machine.files.ensureContents("/etc/t.conf", "x", { user: "tinyproxy" })).toBe(true);
    expect(machine.file("/etc/t.conf")).toMatchObject({ user: "tinyproxy", group: "tinyproxy" });
    expect(await machine.files.ensureContents("/etc/t.conf", "x", { user: "tinyproxy" })).toBe(false);
    expect(await machine.files.ensureContents("/etc/t.conf", "x", { group: "adm" })).toBe(true);
    expect(await machine.files.ownership("/etc/t.conf")).toEqual({ user: "tinyproxy", group: "adm", mode: 0o644 });
    const error = await rejection(machine.files.ensureContents("/etc/u.conf", "x", { user: "nobody" }));
    expect(error).toBeInstanceOf(UnknownUserError);
    expect(error.message).toContain('"nobody"');
    expect(machine.file("/etc/u.conf")).toBeUndefined();
    await expect(machine.files.chown("/etc/t.conf", { group: "wheel" })).rejects.toBeInstanceOf(UnknownGroupError);
    await machine.files.chown("/etc/t.conf", { user: "root" });
    expect(await machine.files.ownership("/etc/t.conf")).toEqual({ user: "root", group: "root", mode: 0o644 });
  });

  test("reads, exists, unlink, mkdir and rmdir fail as node:fs does (code and path)", async () => {
    const machine = new FakeMachine({
      files: { "/etc/os-release": 'ID=ubuntu\nVERSION_ID="24.04"\n', "/etc/secret": { content: "s", mode: 0o600 } },
    });
    expect(await machine.files.readText("/etc/os-release")).toContain("ubuntu");
    expect(new TextDecoder().decode(await machine.files.readBytes("/etc/secret"))).toBe("s");
    expect(machine.file("/etc/secret")?.mode).toBe(0o600);
    expect(await rejection(machine.files.readText("/etc/none"))).toMatchObject({ code: "ENOENT", path: "/etc/none" });
    expect(await rejection(machine.files.readText("/etc"))).toMatchObject({ code: "EISDIR" });
    expect(await machine.files.exists("/etc")).toBe(true);
    expect(await machine.files.isDir("/etc/os-release")).toBe(false);
    await expect(machine.files.unlink("/etc/none")).rejects.toMatchObject({ code: "ENOENT" });
    await machine.files.unlink("/etc/none", { missingOk: true });
    await machine.files.unlink("/etc/secret");
    expect(await machine.files.exists("/etc/secret")).toBe(false);
    await expect(machine.files.mkdir("/srv/a/b")).rejects.toMatchObject({ code: "ENOENT" });
    await machine.files.mkdir("/srv/a/b", { parents: true, mode: 0o700 });
    expect((await machine.files.ownership("/srv/a/b")).mode).toBe(0o700);
    await expect(machine.files.mkdir("/srv/a/b")).rejects.toMatchObject({ code: "EEXIST" });
    await machine.files.mkdir("/srv/a/b", { existOk: true });
    await expect(machine.files.mkdir("/etc/os-release", { existOk: true })).rejects.toMatchObject({ code: "EEXIST" });
    await expect(machine.files.rmdir("/srv/a")).rejects.toMatchObject({ code: "ENOTEMPTY" });
    await machine.files.rmdir("/srv/a/b");
    expect(machine.isDir("/srv/a/b")).toBe(false);
    await expect(machine.files.ensureContents("/etc/os-release/x", "")).rejects.toMatchObject({ code: "ENOTDIR" });
    await expect(machine.files.readText("relative")).rejects.toThrow("absolute");
  });
});

describe("FakeMachine: commands and processes", () => {
  test("run() answers with the handler; exit codes and stderr make CommandError as LocalCommands", async () => {
    const machine = new FakeMachine({ installed: [TINYPROXY] });
    machine.onCommand("tinyproxy", (call) =>
      call.argv.includes("-v") ? { stdout: "tinyproxy 1.11.1\n" } : { exitCode: 2, stderr: "bad flag\n" },
    );
    const result = await machine.commands.run(["tinyproxy", "-v"], { input: "in", env: { A: "1" } });
    expect(result).toEqual({ argv: ["tinyproxy", "-v"], exitCode: 0, signal: undefined, stdout: "tinyproxy 1.11.1\n", stderr: "" });
    const error = await rejection(machine.commands.run(["/usr/bin/tinyproxy", "-x"]));
    expect(error).toBeInstanceOf(CommandError);
    expect(error.message).toBe("/usr/bin/tinyproxy exited 2: bad flag");
    expect((await machine.commands.run(["tinyproxy"], { check: false })).exitCode).toBe(2);
  });

  test("the handler sees argv, input, env and cwd, and the machine", async () => {
    const machine = new FakeMachine();
    const seen: unknown[] = [];
    machine.onCommand("setup", (call, m) => {
      seen.push(call);
      m.writeFile("/var/lib/setup/done", "yes");
    });
    await machine.commands.run(["setup", "--all"], { input: "x", env: { K: "v" }, cwd: "/srv" });
    expect(seen).toEqual([{ argv: ["setup", "--all"], input: "x", env: { K: "v" }, cwd: "/srv" }]);
    expect(machine.fileText("/var/lib/setup/done")).toBe("yes");
  });

  test("a command nobody answers: no such command, or (when it is on PATH) a FakeMachineError naming onCommand", async () => {
    const machine = new FakeMachine({ installed: [TINYPROXY] });
    const missing = await rejection(machine.commands.run(["nginx"]));
    expect(missing).toBeInstanceOf(CommandError);
    expect(missing.message).toBe("nginx: cannot run it (no such command)");
    const unanswered = await rejection(machine.commands.run(["tinyproxy", "-d"]));
    expect(unanswered).toBeInstanceOf(FakeMachineError);
    expect(unanswered.message).toContain(
      'FakeMachine has no handler for tinyproxy (run as: tinyproxy -d): give it one with machine.onCommand("tinyproxy"',
    );
    await expect(machine.commands.run([])).rejects.toThrow(TypeError);
  });

  test("which() finds executable files on PATH only", async () => {
    const machine = new FakeMachine({
      files: {
        "/usr/local/bin/tool": { content: "", mode: 0o755 },
        "/usr/bin/tool": { content: "", mode: 0o755 },
        "/usr/bin/data": "",
        "/opt/x/bin/y": { content: "", mode: 0o755 },
      },
    });
    expect(await machine.commands.which("tool")).toBe("/usr/local/bin/tool");
    expect(await machine.commands.which("data")).toBeUndefined();
    expect(await machine.commands.which("y")).toBeUndefined();
    expect(await machine.commands.which("/opt/x/bin/y")).toBe("/opt/x/bin/y");
    expect(await machine.commands.which("/usr/bin/data")).toBeUndefined();
  });

  test("kill(): 0 probes; TERM, INT and KILL end a process; other signals are recorded and it lives on", async () => {
    const machine = new FakeMachine();
    const pid = machine.startProcess(["tinyproxy", "-c", "/etc/tinyproxy/tinyproxy.conf"]);
    expect(await machine.commands.kill(pid, 0)).toBe(true);
    expect(await machine.commands.kill(pid, "SIGHUP")).toBe(true);
    expect(machine.processes).toEqual([{ pid, argv: ["tinyproxy", "-c", "/etc/tinyproxy/tinyproxy.conf"], signals: ["SIGHUP"] }]);
    expect(await machine.commands.kill(pid, "SIGTERM")).toBe(true);
    expect(machine.processes).toEqual([]);
    expect(await machine.commands.kill(pid, 0)).toBe(false);
    expect(await machine.commands.kill(pid, "SIGTERM")).toBe(false);
    expect(machine.signals).toEqual([
      { pid, signal: "SIGHUP" },
      { pid, signal: "SIGTERM" },
    ]);
    await expect(machine.commands.kill(0, 0)).rejects.toThrow(TypeError);
  });

  test("onSignal decides whether a process ends; SIGKILL always ends it; endProcess ends it by itself", async () => {
    const machine = new FakeMachine();
    const stubborn = machine.startProcess(["daemon"], { onSignal: (signal) => signal === "SIGUSR1" });
    expect(await machine.commands.kill(stubborn, "SIGTERM")).toBe(true);
    expect(machine.processes.map((p) => p.pid)).toEqual([stubborn]);
    await machine.commands.kill(stubborn, "SIGUSR1");
    expect(machine.processes).toEqual([]);
    const other = machine.startProcess(["daemon"], { onSignal: () => false });
    await machine.commands.kill(other, "SIGKILL");
    expect(machine.processes).toEqual([]);
    const third = machine.startProcess(["x"], { pid: 4242 });
    expect(third).toBe(4242);
    expect(() => machine.startProcess(["y"], { pid: 4242 })).toThrow("already running");
    expect(machine.endProcess(third)).toBe(true);
    expect(await machine.commands.kill(third, 0)).toBe(false);
  });
});

describe("FakeMachine: passwd", () => {
  test("addUser makes a user, their group and home; an existing one is returned unchanged", async () => {
    const machine = new FakeMachine();
    const user = await machine.passwd.addUser("tinyproxy", { shell: "/usr/sbin/nologin" });
    expect(user).toEqual({ name: "tinyproxy", uid: 999, gid: 999, home: "/home/tinyproxy", shell: "/usr/sbin/nologin" });
    expect(machine.groups.get("tinyproxy")?.gid).toBe(999);
    expect(await machine.files.ownership("/home/tinyproxy")).toEqual({ user: "tinyproxy", group: "tinyproxy", mode: 0o750 });
    expect(await machine.passwd.addUser("tinyproxy", { shell: "/bin/sh" })).toEqual(user);
    expect(await machine.passwd.addUser("other", { uid: 999 })).toEqual(user);
    const normal = await machine.passwd.addUser("alice", { password: "$6$salt$hash", createHome: false, secondaryGroups: ["tinyproxy"] });
    expect(normal.uid).toBe(1000);
    expect(machine.isDir("/home/alice")).toBe(false);
    expect(machine.groups.get("tinyproxy")?.members).toEqual(["alice"]);
    expect(machine.passwordOf("alice")).toBe("$6$salt$hash");
    expect(JSON.stringify(machine.calls)).not.toContain("$6$salt$hash");
  });

  test("groups: addGroup, addUserToGroup, lookups by name or id, removal", async () => {
    const machine = new FakeMachine({ users: [{ name: "bob", uid: 1001 }] });
    const group = await machine.passwd.addGroup("proxy", { gid: 13 });
    expect(group).toEqual({ name: "proxy", gid: 13, members: [] });
    expect(await machine.passwd.addGroup("proxy")).toEqual(group);
    await expect(machine.passwd.addGroup("again", { gid: 13 })).rejects.toThrow("groupadd exited 4: groupadd: GID '13' already exists");
    expect((await machine.passwd.addUserToGroup("bob", "proxy")).members).toEqual(["bob"]);
    await expect(machine.passwd.addUserToGroup("carol", "proxy")).rejects.toBeInstanceOf(UnknownUserError);
    await expect(machine.passwd.addUserToGroup("bob", "nope")).rejects.toBeInstanceOf(UnknownGroupError);
    expect((await machine.passwd.userExists(1001))?.name).toBe("bob");
    expect((await machine.passwd.groupExists(13))?.name).toBe("proxy");
    expect(await machine.passwd.userExists("carol")).toBeUndefined();
    await expect(machine.passwd.removeGroup("bob")).rejects.toThrow("cannot remove the primary group of user 'bob'");
    expect(await machine.passwd.removeUser("bob")).toBe(true);
    expect(machine.users.has("bob")).toBe(false);
    expect(machine.groups.has("bob")).toBe(false);
    expect(machine.groups.get("proxy")?.members).toEqual([]);
    expect(await machine.passwd.removeUser("bob")).toBe(true);
    expect(await machine.passwd.removeGroup("proxy")).toBe(true);
    expect(await machine.passwd.groupExists("proxy")).toBeUndefined();
  });

  test("removeUser with removeHome removes the home tree", async () => {
    const machine = new FakeMachine();
    await machine.passwd.addUser("svc");
    await machine.files.ensureContents("/home/svc/.config/x", "1", { user: "svc" });
    await machine.passwd.removeUser("svc", { removeHome: true });
    expect(machine.isDir("/home/svc")).toBe(false);
    expect(machine.file("/home/svc/.config/x")).toBeUndefined();
  });
});

describe("FakeMachine: calls and use()", () => {
  test("every call is recorded in order, with its arguments", async () => {
    const machine = new FakeMachine({ archive: [TINYPROXY] });
    await machine.apt.addPackage("tinyproxy-bin", { updateCache: true });
    await machine.files.ensureContents("/etc/x", "1");
    await machine.commands.which("tinyproxy");
    await machine.passwd.addUser("u", { password: "secret-hash" });
    expect(machine.calls).toEqual([
      { concept: "apt", method: "addPackage", args: ["tinyproxy-bin", { updateCache: true }] },
      { concept: "files", method: "ensureContents", args: ["/etc/x", "1"] },
      { concept: "commands", method: "which", args: ["tinyproxy"] },
      { concept: "passwd", method: "addUser", args: ["u", { password: "<redacted>" }] },
    ]);
  });

  test("use() makes it the current machine for tscharm/machine's functions", async () => {
    const machine = new FakeMachine({ archive: [TINYPROXY] });
    machine.onCommand("tinyproxy", () => ({ stdout: "v1\n" }));
    const pid = machine.startProcess(["tinyproxy"]);
    const out = await machine.use(async () => {
      await apt.addPackage("tinyproxy-bin");
      await files.ensureContents("/etc/tinyproxy/tinyproxy.conf", "Port 8888\n");
      await passwd.addUser("tinyproxy");
      return { path: await which("tinyproxy"), stdout: (await run(["tinyproxy", "-v"])).stdout, alive: await kill(pid, 0) };
    });
    expect(out).toEqual({ path: "/usr/bin/tinyproxy", stdout: "v1\n", alive: true });
    expect(machine.fileText("/etc/tinyproxy/tinyproxy.conf")).toBe("Port 8888\n");
    expect(machine.calls.map((c) => `${c.concept}.${c.method}`)).toEqual([
      "apt.addPackage",
      "files.ensureContents",
      "passwd.addUser",
      "commands.which",
      "commands.run",
      "commands.kill",
    ]);
  });
});

const CONF = "/etc/fake-machine-test/app.conf";

/** A charm whose install handler acts on the current machine. */
class WorkloadCharm extends CharmBase {
  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.install, async () => {
      await apt.addPackage("tinyproxy-bin");
      await files.ensureContents(CONF, "Port 8888\n", { mode: 0o640 });
    });
  }
}

describe("Context and Harness run the charm over a FakeMachine", () => {
  test("Context: the given machine is the one acted on", async () => {
    const machine = new FakeMachine({ archive: [TINYPROXY] });
    const ctx = new Context(WorkloadCharm, { meta: { name: "proxy" }, machine });
    expect(ctx.machine).toBe(machine);
    await ctx.run(ctx.on.install(), new State());
    expect(machine.packages.has("tinyproxy-bin")).toBe(true);
    expect(machine.file(CONF)).toMatchObject({ mode: 0o640 });
    expect(machine.calls.map((c) => c.method)).toEqual(["addPackage", "ensureContents"]);
  });

  test("Harness: the given machine is the one acted on", async () => {
    const machine = new FakeMachine({ archive: [TINYPROXY] });
    const harness = new Harness(WorkloadCharm, { meta: { name: "proxy" }, machine });
    try {
      await harness.beginWithInitialHooks();
      expect(harness.machine).toBe(machine);
      expect(machine.fileText(CONF)).toBe("Port 8888\n");
      expect(machine.packages.get("tinyproxy-bin")?.version).toBe("1.11.1-3");
    } finally {
      harness.cleanup();
    }
  });

  test("without the option each gets a fresh, empty FakeMachine: the real machine is untouched", async () => {
    const ctx = new Context(WorkloadCharm, { meta: { name: "proxy" } });
    const other = new Context(WorkloadCharm, { meta: { name: "proxy" } });
    expect(ctx.machine).toBeInstanceOf(FakeMachine);
    expect(ctx.machine).not.toBe(other.machine);
    // The empty machine has no archive: install fails as a real apt would, on the fake.
    await expect(ctx.run(ctx.on.install(), new State())).rejects.toThrow("Failed to install packages: tinyproxy-bin");
    expect(ctx.machine.calls).toEqual([{ concept: "apt", method: "addPackage", args: ["tinyproxy-bin"] }]);

    class FilesOnly extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.install, async () => {
          await files.ensureContents(CONF, "x");
        });
      }
    }
    const harness = new Harness(FilesOnly, { meta: { name: "proxy" } });
    try {
      await harness.beginWithInitialHooks();
      expect(harness.machine.fileText(CONF)).toBe("x");
    } finally {
      harness.cleanup();
    }
    const ctx2 = new Context(FilesOnly, { meta: { name: "proxy" } });
    await ctx2.run(ctx2.on.install(), new State());
    expect(ctx2.machine.fileText(CONF)).toBe("x");
    expect(existsSync(CONF)).toBe(false);
  });
});
