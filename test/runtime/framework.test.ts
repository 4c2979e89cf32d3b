// runtime/framework and runtime/dispatch: event routing, defer, stored state, collect-status, commit rules.

import { describe, expect, test } from "vitest";

import {
  ActionEvent,
  ActiveStatus,
  BlockedStatus,
  CharmBase,
  type CollectStatusEvent,
  ConfigChangedEvent,
  type CustomHookEvent,
  type EventBase,
  type Framework,
  MaintenanceStatus,
  type RelationChangedEvent,
  type RelationDepartedEvent,
  type SecretChangedEvent,
  type SecretRemoveEvent,
  type StorageAttachedEvent,
  WaitingStatus,
  log,
} from "../../runtime/index.js";
import { MemoryStateStore } from "../../runtime/state-file.js";
import { MODEL_UUID, jujuEnv, relationEnv } from "../support/juju-env.js";
import { dispatch, jujuLogs } from "../support/run.js";

/** Records which handlers ran, in order, across the charms below. */
let journal: string[] = [];

class Recorder extends CharmBase {
  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.install, this.onInstall);
    framework.observe(this.on.configChanged, this.onConfigChanged);
    framework.observe(this.on.relationChanged("db"), this.onDbChanged);
    framework.observe(this.on.start, this.onStart);
  }
  onInstall = (): void => {
    journal.push("install");
  };
  onConfigChanged = (event: ConfigChangedEvent): void => {
    journal.push("config-changed");
    if (process.env["DEFER_CONFIG"] === "1") event.defer();
  };
  onDbChanged = (event: RelationChangedEvent): void => {
    journal.push(`db-changed ${event.unit?.name ?? "?"}`);
    if (process.env["DEFER_DB"] === "1") event.defer();
  };
  onStart = (): void => {
    journal.push("start");
    if (process.env["FAIL_START"] === "1") throw new Error("start blew up");
  };
}

function withEnv<T>(vars: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  Object.assign(process.env, vars);
  return run().finally(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = value;
    }
  });
}

describe("routing", () => {
  test("the hook's event reaches its handler; nothing else runs, no tool is called", async () => {
    journal = [];
    const { result, scripted } = await dispatch(Recorder, jujuEnv("hooks/install"));
    expect(result.exitCode).toBe(0);
    expect(journal).toEqual(["install"]);
    expect(scripted.calls).toEqual([]);
  });

  test("an unobserved hook succeeds without calling any tool", async () => {
    journal = [];
    const { result, scripted } = await dispatch(Recorder, jujuEnv("hooks/update-status"));
    expect(result.exitCode).toBe(0);
    expect(journal).toEqual([]);
    expect(scripted.calls).toEqual([]);
  });

  test("custom hooks reach `this.on.custom(name)`; unobserved ones are logged at debug and succeed", async () => {
    const seen: string[] = [];
    class Custom extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.custom("meter-status-changed"), (event: CustomHookEvent) => {
          seen.push(event.name);
        });
      }
    }
    expect((await dispatch(Custom, { ...jujuEnv("hooks/meter-status-changed"), JUJU_VERSION: undefined })).result.exitCode).toBe(0);
    expect(seen).toEqual(["meter-status-changed"]);

    const quiet = await dispatch(Custom, jujuEnv("hooks/my-hook"));
    expect(quiet.result.exitCode).toBe(0);
    expect(quiet.scripted.calls).toEqual([]);
    const loud = await dispatch(Custom, { ...jujuEnv("hooks/my-hook"), JUJU_DEBUG: "1" });
    expect(jujuLogs(loud.scripted)).toContain("DEBUG no handler observes my-hook; nothing to do");
  });

  test("relation, storage and secret events carry what the environment says, without tool calls", async () => {
    const seen: unknown[] = [];
    class Props extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.relationDeparted("db"), (event: RelationDepartedEvent) => {
          seen.push([event.relation.name, event.relation.id, event.app?.name, event.unit?.name, event.departingUnit?.name]);
        });
        framework.observe(this.on.storageAttached("data"), (event: StorageAttachedEvent) => {
          seen.push([event.storage.id, event.storage.location, event.storage.kind]);
        });
        framework.observe(this.on.secretRemove, (event: SecretRemoveEvent) => {
          seen.push([event.secret.id, event.secret.label, event.revision]);
        });
      }
    }
    const departed = await dispatch(Props, relationEnv("db", "departed", 7, "pg/1", { departing: "pg/1" }));
    const storage = await dispatch(
      Props,
      jujuEnv("hooks/data-storage-attached", {
        extra: { JUJU_STORAGE_ID: "data/1", JUJU_STORAGE_LOCATION: "/srv/data/1", JUJU_STORAGE_KIND: "filesystem" },
      }),
    );
    const secret = await dispatch(
      Props,
      jujuEnv("hooks/secret-remove", {
        extra: { JUJU_SECRET_ID: "cs9ab3go9ns0ql5jgv6g", JUJU_SECRET_LABEL: "creds", JUJU_SECRET_REVISION: "2" },
      }),
    );
    expect(seen).toEqual([
      ["db", 7, "pg", "pg/1", "pg/1"],
      ["data/1", "/srv/data/1", "filesystem"],
      [`secret://${MODEL_UUID}/cs9ab3go9ns0ql5jgv6g`, "creds", 2],
    ]);
    for (const run of [departed, storage, secret]) expect(run.scripted.calls).toEqual([]);
  });

  test("a standard hook cannot be observed as a custom one", async () => {
    for (const name of ["install", "secret-changed", "db-relation-changed", "data-storage-attached"]) {
      class Misrouted extends CharmBase {
        constructor(framework: Framework) {
          super(framework);
          framework.observe(this.on.custom(name), () => undefined);
        }
      }
      const { result } = await dispatch(Misrouted, jujuEnv("hooks/start"));
      expect(String(result.error)).toContain(`"${name}" is a standard hook of demo: observe it through this.on, not this.on.custom`);
    }
  });

  test("a secret event's secret is one object, so its content is read once", async () => {
    const contents: string[] = [];
    class Reader extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.secretChanged, (event: SecretChangedEvent) => {
          contents.push(event.secret.getContent({ refresh: true })["password"] ?? "");
          contents.push(event.secret.getContent()["password"] ?? "");
        });
      }
    }
    const { scripted } = await dispatch(
      Reader,
      jujuEnv("hooks/secret-changed", { extra: { JUJU_SECRET_ID: "secret:cs9ab3go9ns0ql5jgv6g" } }),
      {
        answers: { "secret-get": '{"password":"new"}' },
      },
    );
    expect(contents).toEqual(["new", "new"]);
    expect(scripted.lines()).toEqual(["secret-get --format=json secret:cs9ab3go9ns0ql5jgv6g --refresh"]);
  });

  test("observing a name the metadata does not declare fails at construction, naming what exists", async () => {
    class Typo extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.relationChanged("dbb"), () => undefined);
      }
    }
    const { result, scripted } = await dispatch(Typo, jujuEnv("hooks/start"));
    expect(result.exitCode).toBe(1);
    expect(String(result.error)).toContain('"dbb" is not a relation endpoint of demo (it declares: cluster, db, website)');
    expect(jujuLogs(scripted)[0]).toMatch(/^ERROR Uncaught TypeError in charm code: TypeError: "dbb" is not a relation endpoint/);
  });
});

describe("defer", () => {
  test("a deferred event runs again first next time, to the handler that deferred it, until it is not deferred", async () => {
    const store = new MemoryStateStore();
    journal = [];
    await withEnv({ DEFER_DB: "1" }, () => dispatch(Recorder, relationEnv("db", "changed", 7, "pg/0"), { store }));
    expect(store.state.deferred).toEqual([
      {
        kind: "db-relation-changed",
        observer: "onDbChanged",
        snapshot: { relationName: "db", relationId: 7, appName: "pg", unitName: "pg/0" },
      },
    ]);

    journal = [];
    await withEnv({ DEFER_DB: "1" }, () => dispatch(Recorder, jujuEnv("hooks/install"), { store }));
    expect(journal).toEqual(["db-changed pg/0", "install"]);
    expect(store.state.deferred).toHaveLength(1);

    journal = [];
    await dispatch(Recorder, jujuEnv("hooks/install"), { store });
    expect(journal).toEqual(["db-changed pg/0", "install"]);
    expect(store.state.deferred).toEqual([]);
  });

  test("deferring an identical event twice keeps one notice; different events keep their order", async () => {
    const store = new MemoryStateStore();
    await withEnv({ DEFER_DB: "1", DEFER_CONFIG: "1" }, async () => {
      await dispatch(Recorder, relationEnv("db", "changed", 7, "pg/0"), { store });
      await dispatch(Recorder, jujuEnv("hooks/config-changed"), { store });
      await dispatch(Recorder, relationEnv("db", "changed", 7, "pg/0"), { store });
      await dispatch(Recorder, relationEnv("db", "changed", 7, "pg/1"), { store });
    });
    expect(store.state.deferred.map((n) => [n.kind, n.snapshot["unitName"]])).toEqual([
      ["db-relation-changed", "pg/0"],
      ["config-changed", undefined],
      ["db-relation-changed", "pg/1"],
    ]);
  });

  test.each([
    ["hooks/stop", "stop"],
    ["hooks/remove", "remove"],
    ["hooks/secret-rotate", "secret-rotate"],
    ["hooks/secret-expired", "secret-expired"],
    ["actions/backup", "action:backup"],
  ])("%s cannot be deferred", async (path, kind) => {
    class Defers extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        const events = [this.on.stop, this.on.remove, this.on.secretRotate, this.on.secretExpired, this.on.action("backup")];
        for (const event of events)
          framework.observe(event, (e: EventBase) => {
            e.defer();
          });
      }
    }
    const extra = { JUJU_SECRET_ID: "secret:cs9ab3go9ns0ql5jgv6g", JUJU_SECRET_REVISION: "1" };
    const { result, store } = await dispatch(Defers, jujuEnv(path, { extra }));
    expect(result.exitCode).toBe(1);
    expect(String(result.error)).toContain(`(${kind}) cannot be deferred: Juju runs it again by itself`);
    expect(store.load().deferred).toEqual([]);
  });

  test("a deferred event whose handler is gone is dropped", async () => {
    const store = new MemoryStateStore({
      stored: {},
      deferred: [{ kind: "config-changed", observer: "onRenamedHandler", snapshot: {} }],
    });
    journal = [];
    await dispatch(Recorder, jujuEnv("hooks/install"), { store });
    expect(journal).toEqual(["install"]);
    expect(store.state.deferred).toEqual([]);
  });

  test("handlers sharing a name are told apart by order", async () => {
    const store = new MemoryStateStore();
    const calls: string[] = [];
    class Twice extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.configChanged, function handle() {
          calls.push("first");
        });
        framework.observe(this.on.configChanged, function handle(event: EventBase) {
          calls.push("second");
          event.defer();
        });
      }
    }
    await dispatch(Twice, jujuEnv("hooks/config-changed"), { store });
    expect(store.state.deferred[0]?.observer).toBe("handle#2");
    calls.length = 0;
    await dispatch(Twice, jujuEnv("hooks/install"), { store });
    expect(calls).toEqual(["second"]);
  });
});

describe("stored state", () => {
  class Counter extends CharmBase {
    readonly counter = this.framework.storedState("counter", { runs: 0, seen: [] as string[] });
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.on.updateStatus, () => {
        this.counter.runs += 1;
        this.counter.seen.push(this.unit.name);
        if (process.env["FAIL_COUNTER"] === "1") throw new Error("after the change");
      });
    }
  }

  test("defaults fill what was never saved; changes persist only when the dispatch succeeds", async () => {
    const store = new MemoryStateStore({ stored: { other: { kept: true } }, deferred: [] });
    await dispatch(Counter, jujuEnv("hooks/update-status"), { store });
    await dispatch(Counter, jujuEnv("hooks/update-status"), { store });
    expect(store.state.stored).toEqual({ other: { kept: true }, counter: { runs: 2, seen: ["demo/0", "demo/0"] } });
    await withEnv({ FAIL_COUNTER: "1" }, () => dispatch(Counter, jujuEnv("hooks/update-status"), { store }));
    expect(store.state.stored["counter"]).toEqual({ runs: 2, seen: ["demo/0", "demo/0"] });
  });

  test("values JSON cannot keep are refused at commit, naming the path", async () => {
    class Bad extends CharmBase {
      readonly state = this.framework.storedState("bad", { when: null as string | null });
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.start, () => {
          // The compiler refuses a Date here; plain JavaScript (or a cast) gets the run-time check.
          this.state.when = new Date() as unknown as string;
        });
      }
    }
    const store = new MemoryStateStore();
    const { result } = await dispatch(Bad, jujuEnv("hooks/start"), { store });
    expect(result.exitCode).toBe(1);
    expect(String(result.error)).toContain('stored state "bad" at .when is a Date; only plain objects');
    expect(store.state.stored).toEqual({});
  });

  test("a name can be used once", async () => {
    class Dup extends CharmBase {
      readonly a = this.framework.storedState("same", {});
      readonly b = this.framework.storedState("same", {});
    }
    const { result } = await dispatch(Dup, jujuEnv("hooks/start"));
    expect(String(result.error)).toContain('stored state "same" is already in use');
  });
});

describe("collect-status", () => {
  class Statuses extends CharmBase {
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.on.collectUnitStatus, (event: CollectStatusEvent) => {
        event.addStatus(new ActiveStatus("db ok"));
        event.addStatus(new WaitingStatus("for peers"));
      });
      framework.observe(this.on.collectUnitStatus, (event: CollectStatusEvent) => {
        event.addStatus(new MaintenanceStatus("upgrading"));
        event.addStatus(new WaitingStatus("second waiting"));
      });
      framework.observe(this.on.collectAppStatus, (event: CollectStatusEvent) => {
        event.addStatus(new BlockedStatus("needs a db"));
      });
    }
  }

  test("after the event, the most severe status wins; app status only on the leader", async () => {
    const leader = await dispatch(Statuses, jujuEnv("hooks/update-status"), { answers: { "is-leader": "true" } });
    expect(leader.scripted.lines()).toEqual([
      "is-leader --format=json",
      "status-set --application=True blocked -- needs a db",
      "status-set --application=False maintenance -- upgrading",
    ]);
    const follower = await dispatch(Statuses, jujuEnv("hooks/update-status"), { answers: { "is-leader": "false" } });
    expect(follower.scripted.lines()).toEqual(["is-leader --format=json", "status-set --application=False maintenance -- upgrading"]);
  });

  test("without app-status observers, leadership is not asked", async () => {
    class UnitOnly extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.collectUnitStatus, (event: CollectStatusEvent) => {
          event.addStatus(new ActiveStatus());
        });
      }
    }
    const { scripted } = await dispatch(UnitOnly, jujuEnv("hooks/start"));
    expect(scripted.lines()).toEqual(["status-set --application=False active -- "]);
  });

  test("collect-metrics is restricted: no deferred events, no collect-status", async () => {
    const store = new MemoryStateStore({ stored: {}, deferred: [{ kind: "install", observer: "onInstall", snapshot: {} }] });
    journal = [];
    const { scripted } = await dispatch(Statuses, jujuEnv("hooks/collect-metrics"), { store });
    expect(scripted.calls).toEqual([]);
    expect(store.state.deferred).toHaveLength(1);
  });
});

describe("actions", () => {
  class Actions extends CharmBase {
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.on.action("backup"), (event: ActionEvent) => {
        const target = typeof event.params["target"] === "string" ? event.params["target"] : "";
        event.log(`backing up to ${target}`);
        event.setResults({ backup: { path: target, size: 3, compressed: true }, "done-at": "now" });
        if (target === "") event.fail("no target");
      });
    }
  }

  test("params are read once; results are flattened; fail and log go straight to Juju", async () => {
    const { result, scripted } = await dispatch(Actions, jujuEnv("actions/backup"), { answers: { "action-get": '{"target":"/srv/b"}' } });
    expect(result.exitCode).toBe(0);
    expect(scripted.lines()).toEqual([
      "action-get --format=json",
      "action-log -- backing up to /srv/b",
      "action-set backup.path=/srv/b backup.size=3 backup.compressed=true done-at=now",
    ]);
    const failed = await dispatch(Actions, jujuEnv("actions/backup"), { answers: { "action-get": '{"target":""}' } });
    expect(failed.result.exitCode).toBe(0);
    expect(failed.scripted.lines().at(-1)).toBe("action-fail -- no target");
  });

  test.each([
    [{ Results: "x" }, 'key "Results" must start and end with lowercase alphanumeric'],
    [{ "bad-": "x" }, 'key "bad-" must start and end'],
    [{ out: { stdout: "x" } }, 'cannot set reserved action key "stdout"'],
    [{ stderr: "x" }, 'cannot set reserved action key "stderr"'],
    [{ "a.b": "1", a: { b: "2" } }, 'action result key "a.b" is given twice'],
    [{ list: ["x"] }, 'action result "list" must be a string, number, boolean or record, not an array'],
  ])("results %o are refused before action-set", async (results, message) => {
    class Bad extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.action("backup"), (event: ActionEvent) => {
          event.setResults(results as never);
        });
      }
    }
    const { result, scripted, stderr } = await dispatch(Bad, jujuEnv("actions/backup"));
    expect(result.exitCode).toBe(1);
    expect(String(result.error)).toContain(message);
    expect(scripted.toolNames()).toEqual(["juju-log"]);
    // Actions also get a one-line summary on stderr, which `juju run` shows the user.
    // It says where in the charm: this file's setResults call, not tscharm's check that refused it.
    const where = `${import.meta.filename.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+`;
    expect(stderr).toMatch(
      new RegExp(`^Uncaught InvalidActionResultError in charm code: [^\\n]+ at ${where} \\(the traceback is in juju debug-log\\)\\n$`),
    );
    expect(
      stderr.startsWith(`Uncaught InvalidActionResultError in charm code: ${(result.error as Error).message.split("\n")[0] ?? ""} at `),
    ).toBe(true);
  });
});

describe("logging", () => {
  class Chatty extends CharmBase {
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.on.start, () => {
        log.debug("debug %s", "detail");
        log.info("info %d", 42);
        log.warning("warn");
        log.error("error", { a: 1 });
        log.critical("critical");
      });
    }
  }

  test("INFO and above by default: nothing below the threshold spawns a process", async () => {
    const { scripted } = await dispatch(Chatty, jujuEnv("hooks/start"));
    expect(scripted.lines()).toEqual([
      "juju-log --log-level INFO -- info 42",
      "juju-log --log-level WARNING -- warn",
      "juju-log --log-level ERROR -- error { a: 1 }",
      "juju-log --log-level CRITICAL -- critical",
    ]);
  });

  test("DEBUG too when JUJU_DEBUG is set", async () => {
    const { scripted } = await dispatch(Chatty, { ...jujuEnv("hooks/start"), JUJU_DEBUG: "1" });
    expect(jujuLogs(scripted)).toContain("DEBUG debug detail");
    expect(jujuLogs(scripted)).toContain("DEBUG emitting start");
  });

  test("records over 128 KiB are split", async () => {
    class Long extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.start, () => {
          log.info("x".repeat(131071 * 2 + 5));
        });
      }
    }
    const { scripted } = await dispatch(Long, jujuEnv("hooks/start"));
    expect(scripted.calls.map((c) => (c.args[3] ?? "").length)).toEqual([64, 131071, 131071, 5]);
  });

  test("an uncaught error goes to juju-log at ERROR with its stack; exit 1; hooks print nothing on stderr", async () => {
    journal = [];
    const { result, scripted, stderr } = await withEnv({ FAIL_START: "1" }, () => dispatch(Recorder, jujuEnv("hooks/start")));
    expect(result.exitCode).toBe(1);
    const [line] = jujuLogs(scripted);
    expect(line).toMatch(/^ERROR Uncaught Error in charm code: Error: start blew up\n\s+at /);
    expect(line).toContain("framework.test.ts");
    expect(stderr).toBe("");
  });

  test("if juju-log itself fails, the record goes to stderr", async () => {
    const { result, stderr } = await withEnv({ FAIL_START: "1" }, () =>
      dispatch(Recorder, jujuEnv("hooks/start"), { answers: { "juju-log": { exitCode: 1, stdout: "", stderr: "ERROR down" } } }),
    );
    expect(result.exitCode).toBe(1);
    expect(stderr).toMatch(/^ERROR Uncaught Error in charm code: Error: start blew up/);
  });

  test("a bad environment is one line on stderr, exit 1, and no tool call", async () => {
    const { result, scripted, stderr } = await dispatch(Recorder, relationEnv("db", "joined", 7, ""));
    expect(result.exitCode).toBe(1);
    expect(stderr).toBe("tscharm: cannot run the charm: JUJU_REMOTE_UNIT is not set; Juju sets it for this event\n");
    expect(scripted.calls).toEqual([]);
  });
});

test("reboot --now stops the hook without committing, and Juju sees success", async () => {
  class Rebooter extends CharmBase {
    readonly state = this.framework.storedState("s", { rebooted: false });
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.on.install, () => {
        this.state.rebooted = true;
        this.unit.reboot({ now: true });
        throw new Error("not reached");
      });
    }
  }
  const store = new MemoryStateStore();
  const { result, scripted } = await dispatch(Rebooter, jujuEnv("hooks/install"), { store });
  expect(result.exitCode).toBe(0);
  expect(scripted.lines()).toEqual(["juju-reboot --now"]);
  expect(store.state.stored).toEqual({});
});
