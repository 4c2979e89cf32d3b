// runtime/storage through runtime/dispatch: .unit-state.json is committed atomically, only on success.

import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { beforeEach, expect, test } from "vitest";

import { CharmBase, type EventBase, type Framework } from "../../runtime/index.js";
import { FileStateStore, STATE_FILE } from "../../runtime/state-file.js";
import { jujuEnv, relationEnv } from "../support/juju-env.js";
import { dispatch } from "../support/run.js";

const ran: string[] = [];
const behaviour = { deferDb: false, failStart: false };

class Charm extends CharmBase {
  readonly counters = this.framework.storedState("counters", { starts: 0 });
  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.relationChanged("db"), this.onDbChanged);
    framework.observe(this.on.start, this.onStart);
    framework.observe(this.on.updateStatus, () => undefined);
  }
  onDbChanged = (event: EventBase): void => {
    ran.push("db-changed");
    if (behaviour.deferDb) event.defer();
  };
  onStart = (): void => {
    ran.push("start");
    this.counters.starts += 1;
    if (behaviour.failStart) throw new Error("start failed after changing state");
  };
}

let charmDir: string;
let stateFile: string;

beforeEach(() => {
  charmDir = mkdtempSync(join(tmpdir(), "tscharm-state-"));
  stateFile = join(charmDir, STATE_FILE);
  ran.length = 0;
  behaviour.deferDb = false;
  behaviour.failStart = false;
});

/** A dispatch in charmDir with the production file store. */
async function run(env: Record<string, string>) {
  return dispatch(Charm, env, { store: new FileStateStore(stateFile) });
}

const inCharmDir = (env: Record<string, string>) => ({ ...env, JUJU_CHARM_DIR: charmDir });

test("nothing is written while there is nothing to keep", async () => {
  class Stateless extends CharmBase {
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.on.start, () => undefined);
    }
  }
  const { result } = await dispatch(Stateless, inCharmDir(jujuEnv("hooks/start")), { store: new FileStateStore(stateFile) });
  expect(result.exitCode).toBe(0);
  expect(readdirSync(charmDir)).toEqual([]);
});

test("the state file is created with mode 0600 and no temp file is left behind", async () => {
  behaviour.deferDb = true;
  await run(inCharmDir(relationEnv("db", "changed", 7, "pg/0")));
  expect(readdirSync(charmDir)).toEqual([STATE_FILE]);
  expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(stateFile, "utf8"))).toEqual({
    version: 1,
    stored: { counters: { starts: 0 } },
    deferred: [
      {
        kind: "db-relation-changed",
        observer: "onDbChanged",
        snapshot: { relationName: "db", relationId: 7, appName: "pg", unitName: "pg/0" },
      },
    ],
  });
});

test("a throwing handler leaves the file byte-identical and the deferred queue intact; deferred events run first next time", async () => {
  behaviour.deferDb = true;
  await run(inCharmDir(relationEnv("db", "changed", 7, "pg/0")));
  await run(inCharmDir(jujuEnv("hooks/start")));
  const before = readFileSync(stateFile);
  const inode = statSync(stateFile).ino;
  expect(JSON.parse(before.toString())).toMatchObject({ stored: { counters: { starts: 1 } } });

  behaviour.deferDb = false;
  behaviour.failStart = true;
  ran.length = 0;
  const failed = await run(inCharmDir(jujuEnv("hooks/start")));
  expect(failed.result.exitCode).toBe(1);
  // The deferred event ran (and was not deferred again), then start threw: nothing is committed.
  expect(ran).toEqual(["db-changed", "start"]);
  expect(readFileSync(stateFile).equals(before)).toBe(true);
  expect(statSync(stateFile).ino).toBe(inode);

  behaviour.failStart = false;
  ran.length = 0;
  const retried = await run(inCharmDir(jujuEnv("hooks/start")));
  expect(retried.result.exitCode).toBe(0);
  expect(ran).toEqual(["db-changed", "start"]);
  expect(JSON.parse(readFileSync(stateFile, "utf8"))).toMatchObject({ stored: { counters: { starts: 2 } }, deferred: [] });
});

test("an unchanged state is not rewritten; a changed one replaces the file by rename", async () => {
  await run(inCharmDir(jujuEnv("hooks/start")));
  const inode = statSync(stateFile).ino;
  await run(inCharmDir(jujuEnv("hooks/update-status")));
  expect(statSync(stateFile).ino).toBe(inode);
  // A temp file left by a crash during an earlier commit does not get in the way.
  writeFileSync(`${stateFile}.tmp`, "torn");
  await run(inCharmDir(jujuEnv("hooks/start")));
  expect(statSync(stateFile).ino).not.toBe(inode);
  expect(existsSync(`${stateFile}.tmp`)).toBe(false);
  expect(statSync(stateFile).mode & 0o777).toBe(0o600);
});

test("a state file that is not tscharm's stops the hook without touching it", async () => {
  writeFileSync(stateFile, "{ not json", { mode: 0o600 });
  const { result, scripted } = await run(inCharmDir(jujuEnv("hooks/start")));
  expect(result.exitCode).toBe(1);
  expect(String(result.error)).toBe(`StateError: ${stateFile} is not valid JSON; it was not written by tscharm or was edited by hand`);
  expect(readFileSync(stateFile, "utf8")).toBe("{ not json");
  expect(scripted.calls.map((c) => c.tool)).toEqual(["juju-log"]);
  expect(ran).toEqual([]);

  writeFileSync(stateFile, '{"version": 9}');
  expect(String((await run(inCharmDir(jujuEnv("hooks/start")))).result.error)).toContain("is not a tscharm state file of version 1");
  writeFileSync(stateFile, '{"version": 1, "stored": {}, "deferred": [{"kind": 1}]}');
  expect(String((await run(inCharmDir(jujuEnv("hooks/start")))).result.error)).toContain('"deferred" must be a list');
});

test("the default store is .unit-state.json in JUJU_CHARM_DIR", async () => {
  const { runDispatch } = await import("../../runtime/dispatch.js");
  const { testMeta } = await import("../support/meta.js");
  const { ScriptedTools } = await import("../support/scripted-tools.js");
  const result = await runDispatch(Charm, {
    env: inCharmDir(jujuEnv("hooks/start")),
    meta: testMeta,
    tools: new ScriptedTools().tools,
  });
  expect(result.exitCode).toBe(0);
  expect(JSON.parse(readFileSync(stateFile, "utf8"))).toMatchObject({ stored: { counters: { starts: 1 } } });
});
