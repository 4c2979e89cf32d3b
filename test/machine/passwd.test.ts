// LocalPasswd: the argv it builds and what it keeps out of errors (over scripted commands), and
// what shadow's tools really do with it in the machine sandbox (users and groups of a throw-away /etc).

import { beforeAll, describe, expect, test } from "vitest";

import { CommandError, type Commands, type RunOptions, type RunResult } from "../../machine/commands.js";
import { LocalPasswd, badAccountName, parseGroupLine, parsePasswdLine, userAddArgv } from "../../machine/passwd.js";
import { expectFailure, kitScript, staleKit } from "../support/kit-script.js";
import { runInSandbox, sandboxBlocker, sandboxJson } from "../support/machine-sandbox.js";

/** Commands answering from a table keyed by argv (joined by spaces); each call is recorded with its input. */
class ScriptedCommands implements Commands {
  readonly calls: { argv: readonly string[]; input: string | undefined }[] = [];
  constructor(private readonly answers: Readonly<Record<string, Partial<RunResult>>>) {}
  which(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }
  run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push({ argv, input: options.input });
    const answer = this.answers[argv.join(" ")] ?? { exitCode: 0 };
    return Promise.resolve({ argv, exitCode: 0, signal: undefined, stdout: "", stderr: "", ...answer });
  }
  kill(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

describe("without a machine", () => {
  test("passwd and group lines parse into entries; a malformed line is an error quoting it", () => {
    expect(parsePasswdLine("tiny:x:999:995:Tiny,,,:/home/tiny:/usr/sbin/nologin")).toEqual({
      name: "tiny",
      uid: 999,
      gid: 995,
      home: "/home/tiny",
      shell: "/usr/sbin/nologin",
    });
    expect(parseGroupLine("adm:x:4:syslog,tiny")).toEqual({ name: "adm", gid: 4, members: ["syslog", "tiny"] });
    expect(parseGroupLine("empty:x:1001:")).toEqual({ name: "empty", gid: 1001, members: [] });
    expect(() => parsePasswdLine("tiny:x:nine")).toThrow(/"tiny:x:nine"/);
    expect(() => parseGroupLine("g:x:abc:")).toThrow(/"g:x:abc:"/);
  });

  test("useradd's argv follows charmlibs: --system without a password, the same-named group when it exists", () => {
    expect(userAddArgv("tiny", {}, false)).toEqual(["useradd", "--shell", "/bin/bash", "--create-home", "--system", "tiny"]);
    expect(userAddArgv("tiny", {}, true)).toEqual(["useradd", "--shell", "/bin/bash", "--create-home", "--system", "-g", "tiny", "tiny"]);
    expect(
      userAddArgv(
        "tiny",
        {
          password: "$6$salt$hash",
          shell: "/bin/sh",
          uid: 1500,
          homeDir: "/srv/tiny",
          createHome: false,
          primaryGroup: "staff",
          secondaryGroups: ["adm", "video"],
        },
        true,
      ),
    ).toEqual(["useradd", "--shell", "/bin/sh", "--uid", "1500", "--home", "/srv/tiny", "-g", "staff", "-G", "adm,video", "tiny"]);
    expect(userAddArgv("tiny", { password: "$6$x$y", systemUser: true }, false)).toContain("--system");
  });

  test("names that a tool would read as an option or an id are refused, naming the name", () => {
    expect(badAccountName("tinyproxy")).toBeUndefined();
    expect(badAccountName("machine$")).toBeUndefined();
    for (const bad of ["", "-rf", "a b", "a:b", "1000", "x".repeat(33), "é"]) expect(badAccountName(bad), bad).toBeDefined();
  });

  test("the password hash goes to chpasswd's input, never into argv or an error message", async () => {
    const hash = "$6$s3cr3tsalt$S3CR3THASH";
    const commands = new ScriptedCommands({
      "getent passwd tiny": { exitCode: 2 },
      "getent group tiny": { exitCode: 2 },
      "chpasswd --encrypted": { exitCode: 1, stderr: "chpasswd: (user tiny) pam_chauthtok() failed" },
    });
    const passwd = new LocalPasswd(commands);
    const error: unknown = await passwd.addUser("tiny", { password: hash }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).toContain('set the password of user "tiny"');
    expect((error as CommandError).message).not.toContain(hash);
    expect(JSON.stringify((error as CommandError).result)).not.toContain(hash);
    const useradd = commands.calls.find((call) => call.argv[0] === "useradd");
    expect(useradd?.argv).not.toContain(hash);
    expect(useradd?.argv).not.toContain("--system");
    expect(commands.calls.find((call) => call.argv[0] === "chpasswd")?.input).toBe(`tiny:${hash}\n`);
    for (const call of commands.calls) expect(call.argv.join(" ")).not.toContain("S3CR3T");
    const bad = await passwd.addUser("tiny", { password: "a:b\nroot:S3CR3T" }).catch((caught: unknown) => caught);
    expect(bad).toBeInstanceOf(TypeError);
    expect((bad as Error).message).toContain('"tiny"');
    expect((bad as Error).message).not.toContain("S3CR3T");
  });

  test("a failing tool is a CommandError saying what was being done, with the tool's message", async () => {
    const commands = new ScriptedCommands({
      "getent passwd tiny": { exitCode: 2 },
      "getent group tiny": { exitCode: 2 },
      "useradd --shell /bin/bash --create-home --system tiny": { exitCode: 9, stderr: "useradd: user 'tiny' already exists" },
    });
    const error = await new LocalPasswd(commands).addUser("tiny").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).message).toBe(`cannot add user "tiny": useradd exited 9: useradd: user 'tiny' already exists`);
    expect((error as CommandError).exitCode).toBe(9);
  });
});

const blocker = sandboxBlocker();
if (blocker !== undefined) console.warn(`test/machine/passwd.test.ts: sandbox tests skipped, ${blocker}`);
const sandboxed = test.skipIf(blocker !== undefined);

beforeAll(() => {
  const stale = blocker === undefined ? staleKit() : undefined;
  if (stale !== undefined) throw new Error(stale);
});

const inSandbox = (body: string): Record<string, unknown> => sandboxJson(runInSandbox(kitScript(body))) as Record<string, unknown>;

sandboxed("addUser: a system user with a home by default, the existing one unchanged on a second call", () => {
  const answer = inSandbox(`
    out.user = await passwd.addUser("tiny");
    out.home = fs.statSync("/home/tiny").isDirectory();
    out.homeOwner = await files.ownership("/home/tiny");
    out.again = await passwd.addUser("tiny", { shell: "/bin/sh", uid: 4321 });
    out.loginDefs = sh("awk '$1 == \\"SYS_UID_MAX\\" || $1 == \\"UID_MIN\\" { print $2 }' /etc/login.defs").trim().split("\\n").map(Number);
    out.withPassword = await passwd.addUser("human", { password: "$6$saltsalt$abcdefghijk", shell: "/bin/sh", createHome: false });
    out.shadow = sh("getent shadow human").split(":")[1];
    out.humanHome = fs.existsSync("/home/human");
    out.byUid = await passwd.addUser("other-name", { uid: 0 });
    out.otherNameExists = await passwd.userExists("other-name");
  `);
  const user = answer["user"] as { name: string; uid: number; gid: number; home: string; shell: string };
  const [sysUidMax, uidMin] = answer["loginDefs"] as number[];
  expect(user).toMatchObject({ name: "tiny", home: "/home/tiny", shell: "/bin/bash" });
  expect(user.uid).toBeLessThanOrEqual(sysUidMax ?? 999);
  expect(answer["home"]).toBe(true);
  expect(answer["homeOwner"]).toMatchObject({ user: "tiny", group: "tiny" });
  expect(answer["again"]).toEqual(user);
  const human = answer["withPassword"] as { uid: number; shell: string };
  expect(human.uid).toBeGreaterThanOrEqual(uidMin ?? 1000);
  expect(human.shell).toBe("/bin/sh");
  expect(answer["shadow"]).toBe("$6$saltsalt$abcdefghijk");
  expect(answer["humanHome"]).toBe(false);
  expect(answer["byUid"]).toMatchObject({ name: "root", uid: 0 });
  expect(answer["otherNameExists"]).toBeUndefined();
});

sandboxed("addUser with groups: the same-named group as primary, secondary groups, unknown groups refused before useradd", () => {
  const answer = inSandbox(`
    sh("groupadd --system proxyish && groupadd extra1 && groupadd extra2");
    out.reused = await passwd.addUser("proxyish", { secondaryGroups: ["extra1", "extra2"] });
    out.proxyishGid = (await passwd.groupExists("proxyish")).gid;
    out.memberships = sh("id -nG proxyish").trim().split(" ").sort();
    out.primary = await passwd.addUser("second", { primaryGroup: "extra1" });
    out.extra1Gid = (await passwd.groupExists("extra1")).gid;
    out.unknownPrimary = await failure(passwd.addUser("nogroup-user", { primaryGroup: "no-such-group" }));
    out.unknownSecondary = await failure(passwd.addUser("nogroup-user", { secondaryGroups: ["extra1", "missing2"] }));
    out.created = await passwd.userExists("nogroup-user");
    out.badName = await failure(passwd.addUser("-o"));
  `);
  const reused = answer["reused"] as { gid: number };
  expect(reused.gid).toBe(answer["proxyishGid"]);
  expect(answer["memberships"]).toEqual(["extra1", "extra2", "proxyish"]);
  expect((answer["primary"] as { gid: number }).gid).toBe(answer["extra1Gid"]);
  expectFailure(answer["unknownPrimary"], { name: "UnknownGroupError", contains: ['"no-such-group"'] });
  expectFailure(answer["unknownSecondary"], { name: "UnknownGroupError", contains: ['"missing2"'] });
  expect(answer["created"]).toBeUndefined();
  expectFailure(answer["badName"], { name: "TypeError", contains: ['"-o"'] });
});

sandboxed("addGroup, addUserToGroup, userExists and groupExists against the real databases", () => {
  const answer = inSandbox(`
    out.system = await passwd.addGroup("sysgroup", { systemGroup: true });
    out.normal = await passwd.addGroup("normalgroup");
    out.withGid = await passwd.addGroup("gidgroup", { gid: 2345 });
    out.again = await passwd.addGroup("gidgroup", { gid: 2345 });
    out.otherGid = await failure(passwd.addGroup("gidgroup", { gid: 2346 }));
    out.loginDefs = sh("awk '$1 == \\"SYS_GID_MAX\\" || $1 == \\"GID_MIN\\" { print $2 }' /etc/login.defs").trim().split("\\n").map(Number);
    await passwd.addUser("member");
    out.added = await passwd.addUserToGroup("member", "normalgroup");
    out.addedTwice = await passwd.addUserToGroup("member", "normalgroup");
    out.noUser = await failure(passwd.addUserToGroup("ghost", "normalgroup"));
    out.noGroup = await failure(passwd.addUserToGroup("member", "ghostgroup"));
    out.byName = await passwd.userExists("root");
    out.byUid = await passwd.userExists(0);
    out.digitsAreNotAnId = await passwd.userExists("0");
    out.missing = await passwd.userExists("ghost");
    out.missingUid = await passwd.userExists(54321);
    out.groupByGid = await passwd.groupExists(2345);
    out.groupMissing = await passwd.groupExists("ghostgroup");
    out.badKey = await failure(passwd.userExists("a:b"));
    out.badId = await failure(passwd.groupExists(-1));
  `);
  const [sysGidMax, gidMin] = answer["loginDefs"] as number[];
  expect((answer["system"] as { gid: number }).gid).toBeLessThanOrEqual(sysGidMax ?? 999);
  expect((answer["normal"] as { gid: number }).gid).toBeGreaterThanOrEqual(gidMin ?? 1000);
  expect(answer["withGid"]).toEqual({ name: "gidgroup", gid: 2345, members: [] });
  expect(answer["again"]).toEqual(answer["withGid"]);
  expectFailure(answer["otherGid"], { contains: ['"gidgroup"', "2345", "2346"] });
  expect(answer["added"]).toMatchObject({ name: "normalgroup", members: ["member"] });
  expect(answer["addedTwice"]).toMatchObject({ members: ["member"] });
  expectFailure(answer["noUser"], { name: "UnknownUserError", contains: ['"ghost"'] });
  expectFailure(answer["noGroup"], { name: "UnknownGroupError", contains: ['"ghostgroup"'] });
  expect(answer["byName"]).toEqual({ name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash" });
  expect(answer["byUid"]).toEqual(answer["byName"]);
  expect(answer["digitsAreNotAnId"]).toBeUndefined();
  expect(answer["missing"]).toBeUndefined();
  expect(answer["missingUid"]).toBeUndefined();
  expect(answer["groupByGid"]).toMatchObject({ name: "gidgroup" });
  expect(answer["groupMissing"]).toBeUndefined();
  expectFailure(answer["badKey"], { name: "TypeError", contains: ['"a:b"'] });
  expectFailure(answer["badId"], { name: "TypeError", contains: ["-1"] });
});

sandboxed("removeUser (removeHome deletes the home: userdel --remove) and removeGroup (force for a primary group)", () => {
  const answer = inSandbox(`
    await passwd.addUser("keep-home");
    out.removed = await passwd.removeUser("keep-home");
    out.homeKept = fs.existsSync("/home/keep-home");
    out.gone = await passwd.userExists("keep-home");
    await passwd.addUser("drop-home");
    const uid = (await passwd.userExists("drop-home")).uid;
    out.removedByUid = await passwd.removeUser(uid, { removeHome: true });
    out.homeDropped = fs.existsSync("/home/drop-home");
    out.missingUser = await passwd.removeUser("ghost");
    await passwd.addGroup("primarygrp");
    await passwd.addUser("holder", { primaryGroup: "primarygrp" });
    out.primaryRefused = await failure(passwd.removeGroup("primarygrp"));
    out.forced = await passwd.removeGroup("primarygrp", { force: true });
    out.groupGone = await passwd.groupExists("primarygrp");
    out.missingGroup = await passwd.removeGroup("ghostgroup");
  `);
  expect(answer["removed"]).toBe(true);
  expect(answer["homeKept"]).toBe(true);
  expect(answer["gone"]).toBeUndefined();
  expect(answer["removedByUid"]).toBe(true);
  expect(answer["homeDropped"]).toBe(false);
  expect(answer["missingUser"]).toBe(true);
  expectFailure(answer["primaryRefused"], { name: "CommandError", contains: ['remove group "primarygrp"', "groupdel exited 8"] });
  expect(answer["forced"]).toBe(true);
  expect(answer["groupGone"]).toBeUndefined();
  expect(answer["missingGroup"]).toBe(true);
});
