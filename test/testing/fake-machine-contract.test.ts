// FakeMachine against the real modules: one scenario, run by the built kit in the machine sandbox
// (LocalFiles, LocalPasswd over a throw-away /etc, /srv, /home) and by the fake, must give the same
// answers: return values, error classes, node's codes and messages.

import { beforeAll, expect, test } from "vitest";

import type { Files, Passwd, Sysctl } from "tscharm/machine";
import { FakeMachine } from "tscharm/testing";

import { kitScript, staleKit } from "../support/kit-script.js";
import { runInSandbox, sandboxBlocker, sandboxJson } from "../support/machine-sandbox.js";

const blocker = sandboxBlocker();
if (blocker !== undefined) console.warn(`test/testing/fake-machine-contract.test.ts: skipped, ${blocker}`);
const sandboxed = test.skipIf(blocker !== undefined);

beforeAll(() => {
  const stale = blocker === undefined ? staleKit() : undefined;
  if (stale !== undefined) throw new Error(stale);
});

interface Kit {
  readonly files: Files;
  readonly passwd: Passwd;
  readonly sysctl: Sysctl;
  readonly failure: (promise: Promise<unknown>) => Promise<unknown>;
  readonly out: Record<string, unknown>;
}

/** Runs in the sandbox as its source text, and here over the fake: it may use only its argument. */
async function filesAndUsers({ files, passwd, failure, out }: Omit<Kit, "sysctl">): Promise<void> {
  const path = "/srv/contract/app.ini";
  out["created"] = await files.ensureContents(path, "a=1\n");
  out["again"] = await files.ensureContents(path, "a=1\n");
  out["newMode"] = await files.ensureContents(path, "a=1\n", { mode: 0o600 });
  out["dir"] = await files.ownership("/srv/contract");
  out["file"] = await files.ownership(path);
  out["text"] = await files.readText(path);
  out["user"] = (await passwd.addUser("contractsvc", { createHome: false, shell: "/usr/sbin/nologin" })).shell;
  out["userAgain"] = (await passwd.addUser("contractsvc")).name;
  out["withUser"] = await files.ensureContents(path, "a=1\n", { mode: 0o600, user: "contractsvc" });
  out["owned"] = await files.ownership(path);
  out["withUserAgain"] = await files.ensureContents(path, "a=1\n", { mode: 0o600, user: "contractsvc" });
  out["group"] = (await passwd.addGroup("contractgrp")).name;
  out["member"] = (await passwd.addUserToGroup("contractsvc", "contractgrp")).members;
  out["unknownUser"] = await failure(files.ensureContents("/srv/contract/x", "", { user: "nobody-here" }));
  out["unknownGroup"] = await failure(files.chown(path, { group: "nogroup-here" }));
  out["missing"] = await failure(files.readText("/srv/contract/none"));
  out["unlinkMissing"] = await failure(files.unlink("/srv/contract/none"));
  out["notEmpty"] = await failure(files.rmdir("/srv/contract"));
  out["exists"] = await failure(files.mkdir("/srv/contract"));
  out["noParent"] = await failure(files.mkdir("/srv/contract-none/sub"));
  out["userToNoGroup"] = await failure(passwd.addUserToGroup("contractsvc", "nogroup-here"));
  out["removed"] = await passwd.removeUser("contractsvc");
  out["gone"] = (await passwd.userExists("contractsvc")) === undefined;
}

const FAILURE = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
    return null;
  } catch (error) {
    const e = error as Error & { code?: string; keys?: readonly string[] };
    return { name: e.name, code: e.code, message: e.message, keys: e.keys, isError: e instanceof Error };
  }
};

sandboxed("files and passwd: the fake answers as LocalFiles and LocalPasswd do on a real machine", async () => {
  const real = sandboxJson(runInSandbox(kitScript(`await (${filesAndUsers.toString()})({ files, passwd, failure, out });`)));
  const machine = new FakeMachine();
  const out: Record<string, unknown> = {};
  await machine.use(() => filesAndUsers({ files: machine.files, passwd: machine.passwd, failure: FAILURE, out }));
  expect(JSON.parse(JSON.stringify(out))).toEqual(real);
});

/** Kernel parameters of the sandbox's own network namespace only (the host's are never touched). */
async function kernelParameters({ sysctl, failure, out }: Omit<Kit, "files" | "passwd">): Promise<void> {
  const key = "net.ipv4.ip_forward";
  out["before"] = await sysctl.values([key]);
  await sysctl.configure("contract-a", { [key]: 1 });
  out["after"] = await sysctl.values([key]);
  out["merged"] = await sysctl.merged();
  out["conflict"] = await failure(sysctl.configure("contract-b", { [key]: 0 }));
  out["afterConflict"] = await sysctl.values([key]);
  out["same"] = await failure(sysctl.configure("contract-b", { [key]: "1" }));
  out["noSuchKey"] = await failure(sysctl.configure("contract-c", { "net.ipv4.no_such_key_here": 1 }));
  out["noSuchRead"] = await failure(sysctl.values(["net.ipv4.no_such_key_here"]));
  await sysctl.remove("contract-a");
  out["mergedAfterRemove"] = await sysctl.merged();
  await sysctl.remove("contract-b");
  out["mergedEmpty"] = await sysctl.merged();
  out["kernelKept"] = await sysctl.values([key]);
}

sandboxed("sysctl: the fake answers as LocalSysctl does (in the sandbox's own network namespace)", async () => {
  const real = sandboxJson(runInSandbox(kitScript(`await (${kernelParameters.toString()})({ sysctl, failure, out });`)));
  const machine = new FakeMachine({ sysctl: { "net.ipv4.ip_forward": "0" } });
  const out: Record<string, unknown> = {};
  await machine.use(() => kernelParameters({ sysctl: machine.sysctl, failure: FAILURE, out }));
  expect(JSON.parse(JSON.stringify(out))).toEqual(real);
});
