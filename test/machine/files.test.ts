// LocalFiles against the real thing: node:fs and getent in the machine sandbox (a throw-away
// /etc, /home, /srv ...), so files can be given to users that exist only there.

import { beforeAll, expect, test } from "vitest";

import { expectFailure, kitScript, staleKit } from "../support/kit-script.js";
import { runInSandbox, sandboxBlocker, sandboxJson } from "../support/machine-sandbox.js";

const blocker = sandboxBlocker();
if (blocker !== undefined) console.warn(`test/machine/files.test.ts: skipped, ${blocker}`);
const sandboxed = test.skipIf(blocker !== undefined);

beforeAll(() => {
  const stale = blocker === undefined ? staleKit() : undefined;
  if (stale !== undefined) throw new Error(stale);
});

const inSandbox = (body: string): Record<string, unknown> => sandboxJson(runInSandbox(kitScript(body))) as Record<string, unknown>;

sandboxed("ensureContents writes a new file (0o644, parents 0o755 whatever the umask) and says false only when nothing differs", () => {
  const answer = inSandbox(`
    process.umask(0o077);
    const path = "/srv/app/conf/app.ini";
    const mode = (p) => fs.statSync(p).mode & 0o7777;
    out.created = await files.ensureContents(path, "a=1\\n");
    out.text = fs.readFileSync(path, "utf8");
    out.modes = [mode(path), mode("/srv/app"), mode("/srv/app/conf")];
    out.again = await files.ensureContents(path, "a=1\\n");
    out.asBytes = await files.ensureContents(path, new TextEncoder().encode("a=1\\n"));
    out.otherBytes = await files.ensureContents(path, "a=2\\n");
    out.otherMode = await files.ensureContents(path, "a=2\\n", { mode: 0o600 });
    out.modeNow = mode(path);
    out.sameMode = await files.ensureContents(path, "a=2\\n", { mode: 0o600 });
    out.defaultModeBack = await files.ensureContents(path, "a=2\\n");
    sh("useradd --system --user-group svc && groupadd --system other");
    out.withUser = await files.ensureContents(path, "a=2\\n", { user: "svc" });
    out.ownerNow = await files.ownership(path);
    out.withUserAgain = await files.ensureContents(path, "a=2\\n", { user: "svc" });
    out.withGroup = await files.ensureContents(path, "a=2\\n", { user: "svc", group: "other" });
    out.ownerThen = await files.ownership(path);
    out.withGroupAgain = await files.ensureContents(path, "a=2\\n", { group: "other" });
    // A user alone means their primary group too: a file of svc:other is not yet svc:svc.
    out.userAloneFixesGroup = await files.ensureContents(path, "a=2\\n", { user: "svc" });
    out.ownerLast = await files.ownership(path);
  `);
  expect(answer["created"]).toBe(true);
  expect(answer["text"]).toBe("a=1\n");
  expect(answer["modes"]).toEqual([0o644, 0o755, 0o755]);
  expect(answer["again"]).toBe(false);
  expect(answer["asBytes"]).toBe(false);
  expect(answer["otherBytes"]).toBe(true);
  expect(answer["otherMode"]).toBe(true);
  expect(answer["modeNow"]).toBe(0o600);
  expect(answer["sameMode"]).toBe(false);
  expect(answer["defaultModeBack"]).toBe(true);
  expect(answer["withUser"]).toBe(true);
  expect(answer["ownerNow"]).toEqual({ user: "svc", group: "svc", mode: 0o644 });
  expect(answer["withUserAgain"]).toBe(false);
  expect(answer["withGroup"]).toBe(true);
  expect(answer["ownerThen"]).toEqual({ user: "svc", group: "other", mode: 0o644 });
  expect(answer["withGroupAgain"]).toBe(false);
  expect(answer["userAloneFixesGroup"]).toBe(true);
  expect(answer["ownerLast"]).toEqual({ user: "svc", group: "svc", mode: 0o644 });
});

sandboxed("an unknown user or group is an error naming it, before anything is written; a user added later is found (no cache)", () => {
  const answer = inSandbox(`
    out.newFile = await failure(files.ensureContents("/srv/new/file", "x", { user: "nobody-here" }));
    out.newFileExists = fs.existsSync("/srv/new/file");
    out.newDirExists = fs.existsSync("/srv/new");
    fs.writeFileSync("/srv/old", "old");
    out.oldFile = await failure(files.ensureContents("/srv/old", "new", { group: "no-group" }));
    out.oldText = fs.readFileSync("/srv/old", "utf8");
    out.chown = await failure(files.chown("/srv/old", { user: "late" }));
    out.mkdir = await failure(files.mkdir("/srv/dir", { user: "late" }));
    out.mkdirExists = fs.existsSync("/srv/dir");
    sh("useradd --system late");
    out.afterAdd = await files.ensureContents("/srv/old", "new", { user: "late" });
    out.owner = (await files.ownership("/srv/old")).user;
  `);
  expectFailure(answer["newFile"], { name: "UnknownUserError", contains: ['"nobody-here"'] });
  expect(answer["newFileExists"]).toBe(false);
  expect(answer["newDirExists"]).toBe(false);
  expectFailure(answer["oldFile"], { name: "UnknownGroupError", contains: ['"no-group"'] });
  expect(answer["oldText"]).toBe("old");
  expectFailure(answer["chown"], { name: "UnknownUserError", contains: ['"late"'] });
  expectFailure(answer["mkdir"], { name: "UnknownUserError" });
  expect(answer["mkdirExists"]).toBe(false);
  expect(answer["afterAdd"]).toBe(true);
  expect(answer["owner"]).toBe("late");
});

sandboxed("ensureContents replaces the file by rename: a new inode, no temporary left, a reader never sees a part", () => {
  const answer = inSandbox(`
    const path = "/srv/big.txt";
    const a = "a".repeat(4 * 1024 * 1024);
    const b = "b".repeat(4 * 1024 * 1024);
    await files.ensureContents(path, a);
    const before = fs.statSync(path).ino;
    await files.ensureContents(path, b);
    out.inodeChanged = fs.statSync(path).ino !== before;
    // A reader in another process reads the file as fast as it can while it is rewritten.
    const reader = spawn(process.execPath, ["-e", \`
      const fs = require("node:fs");
      const seen = { whole: 0, partial: 0 };
      const end = Date.now() + 1500;
      while (Date.now() < end) {
        const text = fs.readFileSync(\${JSON.stringify(path)}, "utf8");
        const whole = text.length === \${a.length} && (/^a*$/.test(text) || /^b*$/.test(text));
        whole ? seen.whole++ : seen.partial++;
      }
      console.log(JSON.stringify(seen));
    \`], { stdio: ["ignore", "pipe", "inherit"] });
    let readerOut = "";
    reader.stdout.on("data", (chunk) => (readerOut += chunk));
    const finished = new Promise((done) => reader.on("close", done));
    let rewrites = 0;
    const stop = Date.now() + 1200;
    while (Date.now() < stop) {
      await files.ensureContents(path, rewrites % 2 === 0 ? a : b);
      rewrites++;
    }
    await finished;
    out.rewrites = rewrites;
    out.seen = JSON.parse(readerOut);
    out.leftovers = fs.readdirSync("/srv").filter((name) => name !== "big.txt" && name.includes("big.txt"));
  `);
  expect(answer["rewrites"]).toBeGreaterThan(5);
  const seen = answer["seen"] as { whole: number; partial: number };
  expect(seen.whole).toBeGreaterThan(0);
  expect(seen.partial).toBe(0);
  expect(answer["inodeChanged"]).toBe(true);
  expect(answer["leftovers"]).toEqual([]);
});

sandboxed("a rewrite keeps the old owner unless another is asked for, writes through a symbolic link, and refuses a directory", () => {
  const answer = inSandbox(`
    sh("useradd --system keeper");
    fs.writeFileSync("/srv/kept", "one");
    fs.chownSync("/srv/kept", Number(sh("id -u keeper")), Number(sh("id -g keeper")));
    out.changed = await files.ensureContents("/srv/kept", "two");
    out.owner = await files.ownership("/srv/kept");
    fs.writeFileSync("/srv/target", "old");
    fs.symlinkSync("/srv/target", "/srv/link");
    out.throughLink = await files.ensureContents("/srv/link", "new");
    out.linkIsLink = fs.lstatSync("/srv/link").isSymbolicLink();
    out.targetText = fs.readFileSync("/srv/target", "utf8");
    fs.mkdirSync("/srv/adir");
    out.directory = await failure(files.ensureContents("/srv/adir", "x"));
    fs.writeFileSync("/srv/afile", "x");
    out.parentIsFile = await failure(files.ensureContents("/srv/afile/below", "x"));
  `);
  expect(answer["changed"]).toBe(true);
  expect(answer["owner"]).toEqual({ user: "keeper", group: "keeper", mode: 0o644 });
  expect(answer["throughLink"]).toBe(true);
  expect(answer["linkIsLink"]).toBe(true);
  expect(answer["targetText"]).toBe("new");
  expectFailure(answer["directory"], { code: "EISDIR", contains: ["/srv/adir"] });
  expectFailure(answer["parentIsFile"], { code: "ENOTDIR", contains: ["/srv/afile"] });
});

sandboxed("reading, removing, directories, ownership and chown: node's error codes, with the path in the message", () => {
  const answer = inSandbox(`
    process.umask(0o077);
    fs.writeFileSync("/srv/t", "héllo");
    out.text = await files.readText("/srv/t");
    out.bytes = Array.from(await files.readBytes("/srv/t"));
    out.readMissing = await failure(files.readText("/srv/missing"));
    out.readDir = await failure(files.readBytes("/srv"));
    out.exists = [];
    for (const path of ["/srv/t", "/srv/missing", "/srv/t/below", "/srv"]) out.exists.push(await files.exists(path));
    out.isDir = [await files.isDir("/srv"), await files.isDir("/srv/t"), await files.isDir("/srv/missing")];
    out.unlinkMissing = await failure(files.unlink("/srv/missing"));
    out.unlinkMissingOk = await failure(files.unlink("/srv/missing", { missingOk: true }));
    await files.unlink("/srv/t");
    out.unlinked = fs.existsSync("/srv/t");
    out.mkdirNoParent = await failure(files.mkdir("/srv/a/b"));
    await files.mkdir("/srv/a/b/c", { parents: true, mode: 0o750 });
    out.modes = ["/srv/a", "/srv/a/b", "/srv/a/b/c"].map((p) => fs.statSync(p).mode & 0o7777);
    out.mkdirExists = await failure(files.mkdir("/srv/a/b/c"));
    out.mkdirExistOk = await failure(files.mkdir("/srv/a/b/c", { existOk: true, mode: 0o700 }));
    out.modeKept = fs.statSync("/srv/a/b/c").mode & 0o7777;
    fs.writeFileSync("/srv/a/file", "");
    out.mkdirOverFile = await failure(files.mkdir("/srv/a/file", { existOk: true }));
    out.rmdirFull = await failure(files.rmdir("/srv/a/b"));
    await files.rmdir("/srv/a/b/c");
    out.rmdirGone = fs.existsSync("/srv/a/b/c");
    sh("useradd --system owner1 && groupadd --system team");
    await files.mkdir("/srv/owned", { user: "owner1" });
    out.dirOwner = await files.ownership("/srv/owned");
    await files.mkdir("/srv/grouped", { group: "team", mode: 0o2775 });
    out.groupedOwner = await files.ownership("/srv/grouped");
    out.passwdOwner = await files.ownership("/etc/passwd");
    fs.writeFileSync("/srv/c", "");
    await files.chown("/srv/c", { user: "owner1" });
    out.chownUser = await files.ownership("/srv/c");
    await files.chown("/srv/c", { group: "team" });
    out.chownGroup = await files.ownership("/srv/c");
    fs.chownSync("/srv/c", 4242, 4343);
    out.numeric = await files.ownership("/srv/c");
    out.chownNothing = await failure(files.chown("/srv/c", {}));
    out.chownMissing = await failure(files.chown("/srv/missing", { user: "owner1" }));
    out.relative = await failure(files.readText("etc/passwd"));
    out.badMode = await failure(files.ensureContents("/srv/m", "", { mode: 0o10000 }));
  `);
  expect(answer["text"]).toBe("héllo");
  expect(answer["bytes"]).toEqual([...Buffer.from("héllo")]);
  expectFailure(answer["readMissing"], { code: "ENOENT", contains: ["/srv/missing"] });
  expectFailure(answer["readDir"], { code: "EISDIR", contains: ["/srv"] });
  expect(answer["exists"]).toEqual([true, false, false, true]);
  expect(answer["isDir"]).toEqual([true, false, false]);
  expectFailure(answer["unlinkMissing"], { code: "ENOENT", contains: ["/srv/missing"] });
  expect(answer["unlinkMissingOk"]).toBeNull();
  expect(answer["unlinked"]).toBe(false);
  expectFailure(answer["mkdirNoParent"], { code: "ENOENT", contains: ["/srv/a/b"] });
  expect(answer["modes"]).toEqual([0o755, 0o755, 0o750]);
  expectFailure(answer["mkdirExists"], { code: "EEXIST", contains: ["/srv/a/b/c"] });
  expect(answer["mkdirExistOk"]).toBeNull();
  expect(answer["modeKept"]).toBe(0o750);
  expectFailure(answer["mkdirOverFile"], { code: "EEXIST", contains: ["/srv/a/file"] });
  expectFailure(answer["rmdirFull"], { code: "ENOTEMPTY", contains: ["/srv/a/b"] });
  expect(answer["rmdirGone"]).toBe(false);
  expect(answer["dirOwner"]).toEqual({ user: "owner1", group: "owner1", mode: 0o755 });
  expect(answer["groupedOwner"]).toEqual({ user: "root", group: "team", mode: 0o2775 });
  expect(answer["passwdOwner"]).toEqual({ user: "root", group: "root", mode: 0o644 });
  expect(answer["chownUser"]).toMatchObject({ user: "owner1", group: "owner1" });
  expect(answer["chownGroup"]).toMatchObject({ user: "owner1", group: "team" });
  expect(answer["numeric"]).toMatchObject({ user: "4242", group: "4343" });
  expectFailure(answer["chownNothing"], { name: "TypeError", contains: ["/srv/c"] });
  expectFailure(answer["chownMissing"], { code: "ENOENT", contains: ["/srv/missing"] });
  expectFailure(answer["relative"], { name: "TypeError", contains: ['"etc/passwd"'] });
  expectFailure(answer["badMode"], { name: "TypeError", contains: ["4096"] });
});
