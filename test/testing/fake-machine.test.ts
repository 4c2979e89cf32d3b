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
  SnapAPIError,
  SnapAppNotFoundError,
  SnapChannelNotAvailableError,
  SnapNeedsClassicError,
  SnapNotInStoreError,
  SnapNotInstalledError,
  SnapOptionNotFoundError,
  SnapRevisionNotAvailableError,
  SysctlApplyError,
  SysctlError,
  SysctlValidationError,
  SystemdError,
  UnknownGroupError,
  UnknownUserError,
  apt,
  currentMachine,
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
    expect(missing.message).toBe(
      "Failed to install packages: tinyproxy-bin=9.9 (Package 'tinyproxy-bin=9.9' could not be found on the system or in the apt cache: " +
        "Package tinyproxy-bin=9.9 (amd64) is not in the apt cache (it has 1.11.1-3, 1.10.0-1))",
    );
    expect(missing).toMatchObject({ packages: ["tinyproxy-bin=9.9"], aptMessage: "" });
    // Not found at first: one update() and a second look, as charmlibs.apt.
    expect(machine.aptUpdates).toBe(1);
    // Versions are matched in dpkg's order, as LocalApt matches them: epoch 0 is no epoch.
    await machine.apt.addPackage("tinyproxy-bin", { version: "0:1.11.1-3" });
    expect(machine.packages.get("tinyproxy-bin")?.version).toBe("1.11.1-3");
    expect(machine.fileText("/usr/bin/tinyproxy")).toBe("");
    expect(machine.file("/usr/share/old")).toBeUndefined();
  });

  test("a name, or an architecture, not in the archive is a PackageError naming it; bad arguments a TypeError", async () => {
    const machine = new FakeMachine({ archive: [TINYPROXY] });
    const error = await rejection(machine.apt.addPackage(["nope", "tinyproxy-bin"]));
    expect(error).toBeInstanceOf(PackageError);
    expect(error.message).toBe(
      "Failed to install packages: nope (Package 'nope' could not be found on the system or in the apt cache: " +
        "Package nope (amd64) is not in the apt cache: E: No packages found)",
    );
    // The others are still installed, as charmlibs.apt.
    expect(machine.packages.has("tinyproxy-bin")).toBe(true);
    await expect(machine.apt.addPackage("tinyproxy-bin", { arch: "arm64" })).rejects.toThrow(
      "Failed to install packages: tinyproxy-bin (Package 'tinyproxy-bin.arm64' could not be found",
    );
    await expect(machine.apt.addPackage("tinyproxy-bin:arm64")).rejects.toThrow(
      "Package tinyproxy-bin (arm64) is not in the apt cache (it has 1.11.1-3)",
    );
    await expect(machine.apt.addPackage("Bad Name")).rejects.toThrow('not a Debian package name: "Bad Name"');
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
    expect(await machine.apt.removePackage(["tinyproxy-bin", "xy"])).toEqual([]);
  });

  test("lookups: installed, the cache, the system, with LocalApt's messages", async () => {
    const machine = new FakeMachine({ archive: [TINYPROXY], installed: [{ name: "curl", version: "1:8.5.0-2" }] });
    expect((await machine.apt.fromInstalledPackage("curl")).version).toBe("1:8.5.0-2");
    expect(await rejection(machine.apt.fromInstalledPackage("tinyproxy-bin"))).toMatchObject({
      name: "PackageNotFoundError",
      message: "Package tinyproxy-bin (amd64) is not installed: dpkg-query: no packages found matching tinyproxy-bin",
      packageName: "tinyproxy-bin",
    });
    expect(await machine.apt.fromAptCache("tinyproxy-bin")).toMatchObject({ state: "available", version: "1.11.1-3" });
    await expect(machine.apt.fromAptCache("zzz")).rejects.toThrow("Package zzz (amd64) is not in the apt cache: E: No packages found");
    await expect(machine.apt.fromInstalledPackage("curl", { version: "8.0" })).rejects.toThrow(
      "Package curl=8.0 (amd64) is not installed (dpkg has 1:8.5.0-2 amd64: installed)",
    );
    expect((await machine.apt.fromSystem("curl")).state).toBe("present");
    expect((await machine.apt.fromSystem("tinyproxy-bin")).state).toBe("available");
    const error = await rejection(machine.apt.fromSystem("zzz", { arch: "arm64" }));
    expect(error).toBeInstanceOf(PackageNotFoundError);
    expect(error.message).toBe(
      "Package 'zzz.arm64' could not be found on the system or in the apt cache: Package zzz (arm64) is not in the apt cache: E: No packages found",
    );
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
    expect(error.message).toBe('no such user: "nobody"');
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
    expect(await rejection(machine.files.readText("/etc/none"))).toMatchObject({
      code: "ENOENT",
      path: "/etc/none",
      message: "cannot read /etc/none: no such file or directory (ENOENT)",
    });
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

  test("names, passwords and gids are checked as LocalPasswd checks them; a password never shows", async () => {
    const machine = new FakeMachine({ groups: [{ name: "proxy", gid: 13 }] });
    await expect(machine.passwd.addUser("Bad User")).rejects.toThrow('invalid user name "Bad User"');
    await expect(machine.passwd.addGroup("9group")).rejects.toThrow(TypeError);
    const bad = await rejection(machine.passwd.addUser("svc", { password: "se:cret" }));
    expect(bad).toBeInstanceOf(TypeError);
    expect(bad.message).not.toContain("se:cret");
    expect(machine.users.has("svc")).toBe(false);
    await expect(machine.passwd.addGroup("proxy", { gid: 14 })).rejects.toThrow('group "proxy" exists already with gid 13, not 14');
    await expect(machine.passwd.addUser("svc", { primaryGroup: "nope" })).rejects.toThrow('no such group: "nope"');
    expect((await machine.passwd.addUser("svc", { primaryGroup: "proxy" })).gid).toBe(13);
    expect(machine.groups.has("svc")).toBe(false);
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

describe("FakeMachine: systemd", () => {
  test("start, stop, restart change the state; a unit with no file and no state is not found (exit 5)", async () => {
    const machine = new FakeMachine({ services: { nginx: { running: false, enabled: true } } });
    expect(machine.services.get("nginx.service")).toMatchObject({ running: false, enabled: true });
    await machine.systemd.serviceStart("nginx");
    expect(await machine.systemd.serviceRunning("nginx.service")).toBe(true);
    await machine.systemd.serviceRestart("nginx");
    expect(machine.services.get("nginx.service")).toMatchObject({ running: true, starts: 1, restarts: 1 });
    await machine.systemd.serviceStop("nginx");
    expect(await machine.systemd.serviceRunning("nginx")).toBe(false);
    const error = await rejection(machine.systemd.serviceStart("nginx", "tinyproxy"));
    expect(error).toBeInstanceOf(SystemdError);
    expect(error).toMatchObject({
      argv: ["systemctl", "start", "nginx", "tinyproxy"],
      exitCode: 5,
      stderr: "Failed to start tinyproxy.service: Unit tinyproxy.service not found.",
    });
    expect(error.message).toBe(
      "systemd: systemctl start nginx tinyproxy exited 5 (no such unit): Failed to start tinyproxy.service: Unit tinyproxy.service not found.",
    );
    await expect(machine.systemd.serviceStart()).rejects.toThrow("systemd: start needs at least one service");
    await expect(machine.systemd.serviceStart("--now")).rejects.toThrow(TypeError);
    expect(await machine.systemd.serviceRunning("nginx")).toBe(false);
    expect(await machine.systemd.serviceRunning("tinyproxy")).toBe(false);
    const stop = await rejection(machine.systemd.serviceStop("tinyproxy"));
    expect(stop).toMatchObject({ exitCode: 5, stderr: "Failed to stop tinyproxy.service: Unit tinyproxy.service not loaded." });
  });

  test("writeUnitFile writes into the files and daemon-reloads only when it changed; the unit is then known", async () => {
    const machine = new FakeMachine();
    const unit = "[Service]\nExecStart=/usr/bin/tinyproxy -d\n";
    expect(await machine.systemd.writeUnitFile("tinyproxy.service", unit)).toBe(true);
    expect(machine.fileText("/etc/systemd/system/tinyproxy.service")).toBe(unit);
    expect(machine.daemonReloads).toBe(1);
    expect(await machine.systemd.writeUnitFile("tinyproxy.service", unit)).toBe(false);
    expect(machine.daemonReloads).toBe(1);
    await machine.systemd.serviceEnable("tinyproxy");
    await machine.systemd.serviceStart("tinyproxy");
    expect(machine.services.get("tinyproxy.service")).toMatchObject({ running: true, enabled: true });
    expect(machine.calls.map((c) => `${c.concept}.${c.method}`)).toEqual([
      "systemd.writeUnitFile",
      "systemd.daemonReload",
      "systemd.writeUnitFile",
      "systemd.serviceEnable",
      "systemd.serviceStart",
    ]);
    await machine.systemd.serviceStop("tinyproxy");
    expect(await machine.systemd.removeUnitFile("tinyproxy.service")).toBe(true);
    expect(machine.file("/etc/systemd/system/tinyproxy.service")).toBeUndefined();
    expect(await machine.systemd.removeUnitFile("tinyproxy.service")).toBe(false);
    await expect(machine.systemd.serviceStart("tinyproxy")).rejects.toMatchObject({ exitCode: 5 });
    await expect(machine.systemd.writeUnitFile("tinyproxy", "")).rejects.toThrow(TypeError);
    await machine.systemd.daemonReload();
    expect(machine.daemonReloads).toBe(4);
  });

  test("a package's unit file (/lib/systemd/system) makes a unit; enable of an unknown one fails (exit 1)", async () => {
    const machine = new FakeMachine({
      installed: [{ name: "nginx", version: "1", files: { "/lib/systemd/system/nginx.service": "[Service]\n" } }],
    });
    await machine.systemd.serviceStart("nginx");
    expect(await machine.systemd.serviceRunning("nginx")).toBe(true);
    await expect(machine.systemd.serviceEnable("ghost")).rejects.toMatchObject({
      exitCode: 1,
      stderr: "Failed to enable unit: Unit file ghost.service does not exist.",
    });
  });

  test("reload: of a running unit; not applicable (exit 3) unless restartOnFailure restarts it", async () => {
    const machine = new FakeMachine({ services: { a: { running: true }, b: { running: true, canReload: false }, c: {} } });
    await machine.systemd.serviceReload("a");
    expect(machine.services.get("a.service")?.reloads).toBe(1);
    await expect(machine.systemd.serviceReload("b")).rejects.toMatchObject({ exitCode: 3 });
    await machine.systemd.serviceReload("b", { restartOnFailure: true });
    expect(machine.services.get("b.service")?.restarts).toBe(1);
    await expect(machine.systemd.serviceReload("c")).rejects.toThrow("is not active");
  });

  test("pause masks and stops; a masked unit will not start; resume unmasks and starts; failed state", async () => {
    const machine = new FakeMachine({ services: { svc: { running: true, enabled: true }, broken: { failed: true } } });
    await machine.systemd.servicePause("svc");
    expect(machine.services.get("svc.service")).toMatchObject({ running: false, enabled: false, masked: true });
    await expect(machine.systemd.serviceStart("svc")).rejects.toMatchObject({
      exitCode: 1,
      stderr: "Failed to start svc.service: Unit svc.service is masked.",
    });
    await machine.systemd.serviceResume("svc");
    expect(machine.services.get("svc.service")).toMatchObject({ running: true, enabled: true, masked: false });
    await expect(machine.systemd.serviceResume("ghost")).rejects.toThrow('systemd: attempted to resume "ghost", but it is not running');
    expect(await machine.systemd.serviceFailed("broken")).toBe(true);
    expect(await machine.systemd.serviceFailed("svc")).toBe(false);
    machine.setService("svc", { running: false, failed: true });
    expect(await machine.systemd.serviceFailed("svc")).toBe(true);
    await machine.systemd.serviceRestart("svc");
    expect(await machine.systemd.serviceFailed("svc")).toBe(false);
  });
});

const LXD = {
  name: "lxd",
  channels: {
    "5.21/stable": { revision: 33110, version: "5.21.1" },
    "latest/stable": { revision: 34000, version: "6.1" },
    "5.21/edge": { revision: 33500, version: "5.21.2" },
  },
  services: ["daemon"],
};

describe("FakeMachine: snap", () => {
  test("install from the store: true, then false when installed (on whatever channel)", async () => {
    const machine = new FakeMachine({ store: [LXD] });
    expect(await machine.snap.install("lxd", { channel: "5.21/stable" })).toBe(true);
    expect(await machine.snap.listOne("lxd")).toEqual({
      name: "lxd",
      classic: false,
      tracking: "5.21/stable",
      revision: "33110",
      version: "5.21.1",
      hold: undefined,
    });
    expect(await machine.snap.install("lxd", { channel: "latest/stable" })).toBe(false);
    expect(machine.snaps.get("lxd")?.services).toEqual({ daemon: { active: true, enabled: true } });
    expect(await machine.snap.install("lxd2", {}).catch((e: unknown) => e)).toBeInstanceOf(SnapNotInStoreError);
  });

  test("the store's errors: channel, revision, classic; kinds and values as snapd's", async () => {
    const machine = new FakeMachine({
      store: [LXD, { name: "juju", classic: true, channels: { "3.6/stable": { revision: 1, version: "3.6.4" } } }],
    });
    const channel = await rejection(machine.snap.install("lxd", { channel: "7.0/stable" }));
    expect(channel).toBeInstanceOf(SnapChannelNotAvailableError);
    expect(channel).toMatchObject({
      kind: "snap-channel-not-available",
      value: "lxd",
      message: 'cannot install snap "lxd": no snap revision on specified channel (7.0/stable)',
    });
    await expect(machine.snap.install("lxd", { revision: 1 })).rejects.toBeInstanceOf(SnapRevisionNotAvailableError);
    await expect(machine.snap.install("juju", { channel: "3.6" })).rejects.toBeInstanceOf(SnapNeedsClassicError);
    expect(await machine.snap.install("juju", { channel: "3.6", classic: true })).toBe(true);
    expect(machine.snaps.get("juju")).toMatchObject({ tracking: "3.6/stable", classic: true });
    expect(await rejection(machine.snap.install("nope"))).toMatchObject({ kind: "snap-not-found", value: "nope" });
  });

  test("ensureInstalled and refresh follow snapd's channel resolution", async () => {
    const machine = new FakeMachine({
      store: [LXD],
      snaps: [{ name: "lxd", channel: "5.21/stable", revision: "33110", version: "5.21.1" }],
    });
    expect(await machine.snap.ensureInstalled("lxd", { channel: "5.21/stable" })).toBe(false);
    expect(await machine.snap.refresh("lxd")).toBe(false);
    // A risk alone keeps the track: edge is 5.21/edge here.
    expect(await machine.snap.ensureInstalled("lxd", { channel: "edge" })).toBe(true);
    expect(machine.snaps.get("lxd")).toMatchObject({ tracking: "5.21/edge", revision: "33500" });
    expect(await machine.snap.ensureInstalled("lxd", { revision: 34000 })).toBe(true);
    expect(machine.snaps.get("lxd")?.revision).toBe("34000");
    expect(await machine.snap.ensureInstalled("lxd", { revision: 34000 })).toBe(false);
    await expect(machine.snap.refresh("other")).rejects.toBeInstanceOf(SnapNotInstalledError);
    const fresh = new FakeMachine({ store: [LXD] });
    expect(await fresh.snap.ensureInstalled("lxd")).toBe(true);
    expect(fresh.snaps.get("lxd")).toMatchObject({ tracking: "latest/stable", revision: "34000" });
  });

  test("remove, listOne of a missing snap", async () => {
    const machine = new FakeMachine({ snaps: [{ name: "hello", revision: 1 }] });
    expect(await machine.snap.remove("hello")).toBe(true);
    expect(await machine.snap.remove("hello")).toBe(false);
    const error = await rejection(machine.snap.listOne("hello"));
    expect(error).toBeInstanceOf(SnapNotInstalledError);
    expect(error).toMatchObject({
      kind: "snap-not-installed",
      value: "hello",
      message: 'cannot read snap "hello": snap "hello" is not installed',
    });
  });

  test("config: get (all, or dotted keys), set, unset; a missing key is SnapOptionNotFoundError", async () => {
    const machine = new FakeMachine({ snaps: [{ name: "app", revision: 1, config: { a: { b: 1 } } }] });
    await machine.snap.set("app", { "a.c": "x", top: true });
    expect(await machine.snap.get("app")).toEqual({ a: { b: 1, c: "x" }, top: true });
    expect(await machine.snap.get("app", ["a.b", "top"])).toEqual({ "a.b": 1, top: true });
    await machine.snap.unset("app", "a.b");
    await expect(machine.snap.get("app", "a.b")).rejects.toBeInstanceOf(SnapOptionNotFoundError);
    await expect(machine.snap.get("none")).rejects.toBeInstanceOf(SnapNotInstalledError);
    await expect(machine.snap.set("none", {})).rejects.toBeInstanceOf(SnapNotInstalledError);
  });

  test("services: start, stop (disable), restart; unknown services are SnapAppNotFoundError", async () => {
    const machine = new FakeMachine({
      store: [LXD],
      snaps: [
        { name: "lxd", revision: 33110 },
        { name: "plain", revision: 1 },
      ],
    });
    await machine.snap.stop("lxd", undefined, { disable: true });
    expect(machine.snaps.get("lxd")?.services).toEqual({ daemon: { active: false, enabled: false } });
    await machine.snap.start("lxd", "lxd.daemon", { enable: true });
    expect(machine.snaps.get("lxd")?.services).toEqual({ daemon: { active: true, enabled: true } });
    await machine.snap.restart("lxd", ["daemon"]);
    await expect(machine.snap.start("lxd", "web")).rejects.toBeInstanceOf(SnapAppNotFoundError);
    await expect(machine.snap.start("plain")).rejects.toThrow('cannot start the services of snap "plain": snap "plain" has no services');
    await expect(machine.snap.stop("lxd", "web")).rejects.toThrow('cannot stop lxd.web: snap "lxd" has no service "web"');
    await expect(machine.snap.stop("none")).rejects.toBeInstanceOf(SnapNotInstalledError);
  });

  test("connections, holds, aliases", async () => {
    const machine = new FakeMachine({ store: [LXD], snaps: [{ name: "lxd", revision: 33110 }] });
    await machine.snap.connect(["lxd", "network"]);
    expect(machine.snapConnections).toEqual(["lxd:network system:network"]);
    await machine.snap.disconnect(["lxd", "network"]);
    expect(machine.snapConnections).toEqual([]);
    await expect(machine.snap.connect(["ghost", "x"])).rejects.toBeInstanceOf(SnapNotInstalledError);
    await machine.snap.hold("lxd", 60_000);
    const held = machine.snaps.get("lxd")?.hold;
    expect(held).toBeInstanceOf(Date);
    expect(Math.abs((held?.getTime() ?? 0) - Date.now() - 60_000)).toBeLessThan(5_000);
    await machine.snap.unhold("lxd");
    expect((await machine.snap.listOne("lxd")).hold).toBeUndefined();
    await expect(machine.snap.hold("ghost")).rejects.toBeInstanceOf(SnapNotInstalledError);
    await machine.snap.alias("lxd", "daemon", "lxd-daemon");
    expect(machine.snapAliases.get("lxd-daemon")).toBe("lxd.daemon");
    await machine.snap.unalias("lxd-daemon");
    await expect(machine.snap.unalias("lxd-daemon")).rejects.toBeInstanceOf(SnapAPIError);
    await expect(machine.snap.alias("lxd", "nope", "x")).rejects.toBeInstanceOf(SnapAppNotFoundError);
  });
});

describe("FakeMachine: sysctl", () => {
  test("configure applies, writes the charm's file and the merged one; remove re-merges and leaves the kernel", async () => {
    const machine = new FakeMachine({ sysctl: { "net.ipv4.ip_forward": "0", "vm.swappiness": 60 } });
    await machine.sysctl.configure("proxy", { "net.ipv4.ip_forward": 1 });
    expect(machine.sysctlValues).toEqual({ "net.ipv4.ip_forward": "1", "vm.swappiness": "60" });
    expect(machine.fileText("/etc/sysctl.d/90-juju-proxy")).toBe("# proxy\nnet.ipv4.ip_forward=1\n");
    expect(await machine.sysctl.merged()).toEqual({ "net.ipv4.ip_forward": "1" });
    expect(machine.fileText("/etc/sysctl.d/95-juju-sysctl.conf")).toContain("net.ipv4.ip_forward=1\n");
    // Its own values it may change.
    await machine.sysctl.configure("proxy", { "net.ipv4.ip_forward": 0 });
    expect(await machine.sysctl.values(["net.ipv4.ip_forward"])).toEqual({ "net.ipv4.ip_forward": "0" });
    await machine.sysctl.remove("proxy");
    expect(machine.file("/etc/sysctl.d/90-juju-proxy")).toBeUndefined();
    expect(await machine.sysctl.merged()).toEqual({});
    expect(machine.sysctlValues["net.ipv4.ip_forward"]).toBe("0");
  });

  test("a key another charm set to another value is refused before anything changes; the same value is fine", async () => {
    const machine = new FakeMachine({ sysctl: { "vm.swappiness": "60", "vm.max_map_count": "65530" } });
    await machine.sysctl.configure("db", { "vm.swappiness": 10 });
    const error = await rejection(machine.sysctl.configure("cache", { "vm.swappiness": 1, "vm.max_map_count": 262144 }));
    expect(error).toBeInstanceOf(SysctlValidationError);
    expect(error).toMatchObject({ keys: ["vm.swappiness"] });
    expect(error.message).toContain("vm.swappiness");
    expect(machine.sysctlValues).toEqual({ "vm.swappiness": "10", "vm.max_map_count": "65530" });
    expect(machine.file("/etc/sysctl.d/90-juju-cache")).toBeUndefined();
    await machine.sysctl.configure("cache", { "vm.swappiness": "10", "vm.max_map_count": 262144 });
    expect(await machine.sysctl.merged()).toEqual({ "vm.swappiness": "10", "vm.max_map_count": "262144" });
  });

  test("a key the kernel does not have is a SysctlApplyError naming it, and nothing is applied or written", async () => {
    const machine = new FakeMachine({ sysctl: { "vm.swappiness": "60" } });
    const error = await rejection(machine.sysctl.configure("c", { "vm.swappiness": 1, "no.such": 2 }));
    expect(error).toBeInstanceOf(SysctlApplyError);
    expect(error).toMatchObject({ keys: ["no.such"], message: "sysctl: no such key: no.such (nothing was applied)" });
    expect(machine.sysctlValues).toEqual({ "vm.swappiness": "60" });
    expect(machine.file("/etc/sysctl.d/90-juju-c")).toBeUndefined();
    await expect(machine.sysctl.configure("c", {})).rejects.toThrow(TypeError);
  });

  test("keys the kernel refuses are SysctlApplyError; an unknown key's value is a SysctlError", async () => {
    const machine = new FakeMachine({ sysctl: { "kernel.x": "1" }, sysctlRefused: ["kernel.x"] });
    const error = await rejection(machine.sysctl.configure("c", { "kernel.x": 2 }));
    expect(error).toBeInstanceOf(SysctlApplyError);
    expect(error).toMatchObject({ keys: ["kernel.x"] });
    expect(machine.sysctlValues["kernel.x"]).toBe("1");
    await expect(machine.sysctl.values(["no.such.key"])).rejects.toBeInstanceOf(SysctlError);
    await expect(machine.sysctl.configure("../x", {})).rejects.toThrow(TypeError);
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

  test("the machine is current only during the dispatch", async () => {
    const seen: unknown[] = [];
    class Probe extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.start, () => {
          seen.push(currentMachine());
        });
      }
    }
    const machine = new FakeMachine();
    const ctx = new Context(Probe, { meta: { name: "probe" }, machine });
    await ctx.run(ctx.on.start(), new State());
    expect(seen).toEqual([machine]);
    expect(seen[0]).toBe(machine);
    expect(currentMachine()).not.toBe(machine);
    expect(currentMachine()).not.toBeInstanceOf(FakeMachine);
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
