// ops' own Scenario tests (canonical/operator testing/tests/test_e2e/*, test_consistency_checker.py),
// ported to tscharm/testing as a charm author would port them. Each test names the ops test it came
// from. Where tscharm answers differently, Juju's source decides, and the comment says so.

import { describe, expect, test } from "vitest";

import {
  ActionEvent,
  type ActionResults,
  ActiveStatus,
  BlockedStatus,
  CharmBase,
  type CollectStatusEvent,
  type ConfigValue,
  ErrorStatus,
  type EventBase,
  type Framework,
  InvalidActionResultError,
  InvalidStatusError,
  type JsonValue,
  MaintenanceStatus,
  ModelError,
  type SecretExpiredEvent,
  type SecretRemoveEvent,
  type StatusBase,
  StorageEvent,
  UnknownStatus,
  WaitingStatus,
  log,
} from "tscharm";
import {
  ActionFailed,
  Context,
  InconsistentScenarioError,
  Network,
  PeerRelation,
  Relation,
  Secret,
  State,
  Storage,
  SubordinateRelation,
  UncaughtCharmError,
} from "tscharm/testing";

import { modelBackend } from "../../runtime/model.js";

/**
 * Scenario's `MyCharm` with a class-level `_call`: observes every standard hook and runs the test's
 * probe in the handler (tscharm has no `with ctx(...) as mgr`: the probe runs inside the event).
 */
let probe: ((charm: ProbeCharm, event: EventBase) => void) | undefined;

class ProbeCharm extends CharmBase {
  constructor(framework: Framework) {
    super(framework);
    const call = (event: EventBase): void => {
      probe?.(this, event);
    };
    for (const event of [this.on.install, this.on.start, this.on.stop, this.on.updateStatus, this.on.configChanged])
      framework.observe(event, call);
    for (const name of Object.keys(framework.meta.relations)) framework.observe(this.on.relationChanged(name), call);
    for (const name of Object.keys(framework.meta.storage)) {
      framework.observe(this.on.storageAttached(name), call);
      framework.observe(this.on.storageDetaching(name), call);
    }
    for (const name of Object.keys(framework.meta.actions)) framework.observe(this.on.action(name), call);
  }
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** The event a probe got, as the action event it must be. */
function actionOf(event: EventBase): ActionEvent {
  if (event instanceof ActionEvent) return event as ActionEvent;
  throw new Error(`expected an action event, got ${event.kind}`);
}

describe("test_network.py", () => {
  // test_ip_get
  test("a relation, an endpoint without relations and an extra-binding all have a network", async () => {
    const ctx = new Context(ProbeCharm, {
      meta: {
        name: "foo",
        requires: { "metrics-endpoint": { interface: "foo" }, deadnodead: { interface: "bar" } },
        "extra-bindings": { foo: null },
      },
    });
    const seen: (string | undefined)[] = [];
    probe = (charm) => {
      const relation = charm.model.getRelation("metrics-endpoint");
      if (relation === undefined) throw new Error("no relation");
      seen.push(charm.model.getBinding(relation).network.bindAddress);
      seen.push(charm.model.getBinding("deadnodead").network.bindAddress);
      seen.push(charm.model.getBinding("foo").network.bindAddress);
    };
    await ctx.run(
      ctx.on.updateStatus(),
      new State({
        relations: [new Relation({ endpoint: "metrics-endpoint", interface: "foo", remoteAppName: "remote", id: 1 })],
        networks: [new Network({ binding: "foo", address: "4.4.4.4" })],
      }),
    );
    expect(seen).toEqual(["192.0.2.0", "192.0.2.0", "4.4.4.4"]);
  });

  // test_no_relation_error: ops raises RelationNotFoundError from the network; tscharm refuses the
  // name at getBinding, with network-get's own words.
  test("a binding the charm does not declare has no network", async () => {
    const ctx = new Context(ProbeCharm, {
      meta: { name: "foo", requires: { "metrics-endpoint": { interface: "foo" } }, "extra-bindings": { bar: null } },
    });
    probe = (charm) => charm.model.getBinding("foo").network;
    const error = await failure(ctx.run(ctx.on.updateStatus(), new State({ networks: [new Network({ binding: "bar" })] })));
    expect(error).toBeInstanceOf(UncaughtCharmError);
    expect((error as UncaughtCharmError).cause).toBeInstanceOf(ModelError);
    expect((error as Error).message).toContain('no network config found for binding "foo"');
  });

  // test_juju_info_network_default
  test("juju-info is a binding of every charm", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" } });
    let address: string | undefined;
    probe = (charm) => {
      address = charm.model.getBinding("juju-info").network.bindAddress;
    };
    await ctx.run(ctx.on.updateStatus(), new State());
    expect(address).toBe("192.0.2.0");
  });

  // test_explicit_juju_info_network_override. Juju refuses a charm that names an endpoint juju-info
  // (a reserved name) unless it is a subordinate's container-scoped requires, so that is the case here.
  test("a subordinate that requires juju-info explicitly gets its network, and a Network overrides it", async () => {
    const ctx = new Context(ProbeCharm, {
      meta: { name: "foo", subordinate: true, requires: { "juju-info": { interface: "juju-info", scope: "container" } } },
    });
    let address: string | undefined;
    probe = (charm) => {
      address = charm.model.getBinding("juju-info").network.bindAddress;
    };
    await ctx.run(ctx.on.updateStatus(), new State());
    expect(address).toBe("192.0.2.0");
    await ctx.run(ctx.on.updateStatus(), new State({ networks: [new Network({ binding: "juju-info", address: "10.0.0.9" })] }));
    expect(address).toBe("10.0.0.9");
  });

  test("the State may give juju-info's network without declaring it", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" } });
    let address: string | undefined;
    probe = (charm) => {
      address = charm.model.getBinding("juju-info").network.ingressAddress;
    };
    await ctx.run(ctx.on.updateStatus(), new State({ networks: [new Network({ binding: "juju-info", address: "10.1.2.3" })] }));
    expect(address).toBe("10.1.2.3");
  });
});

describe("test_config.py", () => {
  // test_config_get
  test("config values come from the State", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" }, config: { options: { foo: { type: "string" }, baz: { type: "int" } } } });
    let seen: unknown;
    probe = (charm) => {
      seen = { ...charm.config };
    };
    await ctx.run(ctx.on.updateStatus(), new State({ config: { foo: "bar", baz: 1 } }));
    expect(seen).toEqual({ foo: "bar", baz: 1 });
  });

  // test_config_get_default_from_meta
  test("options the State leaves out have their defaults", async () => {
    const ctx = new Context(ProbeCharm, {
      meta: { name: "foo" },
      config: { options: { foo: { type: "string" }, baz: { type: "int", default: 2 }, qux: { type: "boolean", default: false } } },
    });
    let seen: unknown;
    probe = (charm) => {
      seen = { ...charm.config };
    };
    await ctx.run(ctx.on.updateStatus(), new State({ config: { foo: "bar" } }));
    expect(seen).toEqual({ foo: "bar", baz: 2, qux: false });
  });

  // test_config_in_not_mutated
  test.each<Record<string, ConfigValue>>([{ foo: "bar" }, { baz: 4, foo: "bar" }, { baz: 4, foo: "bar", qux: true }])(
    "the State's config is not changed (%o)",
    async (given) => {
      const ctx = new Context(ProbeCharm, {
        meta: { name: "foo" },
        config: { options: { foo: { type: "string" }, baz: { type: "int", default: 2 }, qux: { type: "boolean", default: false } } },
      });
      probe = (charm) => [charm.config["foo"], charm.config["baz"], charm.config["qux"]];
      const out = await ctx.run(ctx.on.updateStatus(), new State({ config: given }));
      expect(out.config).toEqual(given);
    },
  );

  // Not in ops' suite: Juju reads an option without `type` as a string ("Missing type is valid in
  // python", juju/juju internal/charm/config.go). ops' test_bad_config_option_type relies on it too.
  test("an option without a type is a string", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" }, config: { options: { foo: { default: "bar" }, baz: {} } } });
    expect(ctx.meta.config["foo"]).toEqual({ type: "string", default: "bar" });
    let seen: unknown;
    probe = (charm) => {
      seen = { ...charm.config };
    };
    await ctx.run(ctx.on.updateStatus(), new State({ config: { baz: "qux" } }));
    expect(seen).toEqual({ foo: "bar", baz: "qux" });
  });
});

describe("test_actions.py", () => {
  const actions = { foo: { params: { bar: { type: "number" }, baz: { type: "boolean" } } } };

  // test_action_event
  test.each([true, false])("the params reach the handler (baz=%s)", async (baz) => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" }, actions });
    let params: unknown;
    probe = (_charm, event) => {
      params = actionOf(event).params;
    };
    await ctx.run(ctx.on.action("foo", { baz, bar: 10 }), new State());
    expect(params).toEqual({ bar: 10, baz });
  });

  // test_action_no_results
  test("an action that sets nothing has no results and no logs", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" }, actions: { act: {} } });
    probe = undefined;
    await ctx.run(ctx.on.action("act"), new State());
    expect(ctx.actionResults).toBeUndefined();
    expect(ctx.actionLogs).toEqual([]);
  });

  // test_action_event_results_invalid: ops raises TypeError/AttributeError for these; tscharm an
  // InvalidActionResultError, for a Set or a Map too (they used to be taken as no results at all).
  test.each([
    ["a string", "one"],
    ["a number", 1],
    ["an array", [2]],
    ["an array of strings", ["bar"]],
    ["a Set", new Set([1, 2])],
    ["a Map", new Map([["a", "b"]])],
    ["a record holding a Set", { a: { b: new Set(["c"]) } }],
    ["a record holding a Map", { a: new Map([["b", "c"]]) }],
  ])("setResults refuses %s", async (_what, value) => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" }, actions: { foo: {} } });
    let thrown: unknown;
    probe = (_charm, event) => {
      try {
        actionOf(event).setResults(value as unknown as ActionResults);
      } catch (error) {
        thrown = error;
      }
    };
    await ctx.run(ctx.on.action("foo"), new State());
    expect(thrown).toBeInstanceOf(InvalidActionResultError);
    expect(ctx.actionResults).toBeUndefined();
  });

  // test_action_event_results_valid (ops' nested set {'c'} has no TypeScript equivalent: see above)
  test("results and logs are recorded", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" }, actions: { foo: {} } });
    probe = (_charm, event) => {
      const action = actionOf(event);
      action.setResults({ d: "e" });
      action.log("foo");
      action.log("bar");
    };
    await ctx.run(ctx.on.action("foo"), new State());
    expect(ctx.actionResults).toEqual({ d: "e" });
    expect(ctx.actionLogs).toEqual(["foo", "bar"]);
  });

  // test_action_event_outputs
  test("a failed action keeps its results and logs", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" }, actions: { foo: {} } });
    probe = (_charm, event) => {
      const action = actionOf(event);
      action.setResults({ "my-res": { d: "e" } });
      action.log("log1");
      action.log("log2");
      action.fail("failed becozz");
    };
    const error = await failure(ctx.run(ctx.on.action("foo"), new State()));
    expect(error).toBeInstanceOf(ActionFailed);
    expect((error as ActionFailed<State>).message).toBe("failed becozz");
    expect(ctx.actionResults).toEqual({ "my-res": { d: "e" } });
    expect(ctx.actionLogs).toEqual(["log1", "log2"]);
  });

  // test_action_continues_after_fail
  test("the handler keeps running after fail()", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" }, actions: { foo: {} } });
    probe = (_charm, event) => {
      const action = actionOf(event);
      action.log("starting");
      action.setResults({ initial: "result" });
      action.fail("oh no!");
      action.setResults({ final: "result" });
    };
    const error = await failure(ctx.run(ctx.on.action("foo"), new State()));
    expect((error as ActionFailed<State>).message).toBe("oh no!");
    expect(ctx.actionLogs).toEqual(["starting"]);
    expect(ctx.actionResults).toEqual({ initial: "result", final: "result" });
  });

  // test_action_event_has_id, test_action_event_has_override_id
  test("an action has an id, the test's own if it gives one", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" }, actions: { foo: {} } });
    const ids: string[] = [];
    probe = (_charm, event) => {
      ids.push(actionOf(event).id);
    };
    await ctx.run(ctx.on.action("foo"), new State());
    await ctx.run(ctx.on.action("foo", {}, { id: "0ddba11-cafe-ba1d-5a1e-dec0debad" }), new State());
    expect(ids[0]).toMatch(/^.+$/);
    expect(ids[1]).toBe("0ddba11-cafe-ba1d-5a1e-dec0debad");
  });

  // test_two_actions_same_context
  test("a second action in the same Context has only its own results and logs", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" }, actions: { foo: {}, bar: {} } });
    probe = (_charm, event) => {
      const action = actionOf(event);
      action.log(action.name);
      action.setResults({ [action.name]: "result" });
    };
    await ctx.run(ctx.on.action("foo"), new State());
    expect(ctx.actionResults).toEqual({ foo: "result" });
    expect(ctx.actionLogs).toEqual(["foo"]);
    await ctx.run(ctx.on.action("bar"), new State());
    expect(ctx.actionResults).toEqual({ bar: "result" });
    expect(ctx.actionLogs).toEqual(["bar"]);
  });

  // test_action_get_returns_copy
  test("params changed by a handler do not leak into a later read", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" }, actions: { foo: { params: { bar: { type: "number" } } } } });
    let fresh: unknown;
    probe = (charm, event) => {
      const first = modelBackend(charm.model).tools.actionGet();
      first["bar"] = "MUTATED";
      fresh = modelBackend(charm.model).tools.actionGet();
      expect(actionOf(event).params).toEqual({ bar: 10 });
    };
    await ctx.run(ctx.on.action("foo", { bar: 10 }), new State());
    expect(fresh).toEqual({ bar: 10 });
  });
});

describe("test_juju_log.py", () => {
  // test_juju_log: the framework's DEBUG records are there too (Scenario records every level).
  test("juju-log records the framework's DEBUG records and the charm's warnings", async () => {
    class Charm extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.start, () => {
          log.warning("bar!");
        });
      }
    }
    const ctx = new Context(Charm, { meta: { name: "foo" } });
    await ctx.run(ctx.on.start(), new State());
    expect(ctx.jujuLog).toContainEqual({ level: "DEBUG", message: "emitting start" });
    expect(ctx.jujuLog).toContainEqual({ level: "WARNING", message: "bar!" });
  });

  test("a charm's own log.debug is recorded", async () => {
    class Charm extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.start, () => {
          log.debug("looking at %s", "the disk");
        });
      }
    }
    const ctx = new Context(Charm, { meta: { name: "foo" } });
    await ctx.run(ctx.on.start(), new State());
    expect(ctx.jujuLog).toContainEqual({ level: "DEBUG", message: "looking at the disk" });
  });
});

describe("test_status.py", () => {
  // test_initial_status
  test("the unit's status is unknown until set", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "local" } });
    let seen: StatusBase | undefined;
    probe = (charm) => {
      seen = charm.unit.status;
    };
    const out = await ctx.run(ctx.on.updateStatus(), new State({ leader: true }));
    expect(seen).toEqual(new UnknownStatus());
    expect(out.unitStatus).toEqual(new UnknownStatus());
  });

  // test_status_history
  test("the history holds the status before each change, the initial one first", async () => {
    class StatusCharm extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.updateStatus, () => {
          for (const target of [this.unit, this.app]) {
            target.status = new ActiveStatus("1");
            target.status = new BlockedStatus("2");
            target.status = new WaitingStatus("3");
          }
        });
      }
    }
    const ctx = new Context(StatusCharm, { meta: { name: "local" } });
    const out = await ctx.run(ctx.on.updateStatus(), new State({ leader: true }));
    expect(out.unitStatus).toEqual(new WaitingStatus("3"));
    expect(ctx.unitStatusHistory).toEqual([new UnknownStatus(), new ActiveStatus("1"), new BlockedStatus("2")]);
    expect(out.appStatus).toEqual(new WaitingStatus("3"));
    expect(ctx.appStatusHistory).toEqual([new UnknownStatus(), new ActiveStatus("1"), new BlockedStatus("2")]);
  });

  // test_status_history_preservation
  test("the history starts from the State's status", async () => {
    class StatusCharm extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.updateStatus, () => {
          for (const target of [this.unit, this.app]) target.status = new WaitingStatus("3");
        });
      }
    }
    const ctx = new Context(StatusCharm, { meta: { name: "local" } });
    const out = await ctx.run(
      ctx.on.updateStatus(),
      new State({ leader: true, unitStatus: new ActiveStatus("foo"), appStatus: new ActiveStatus("bar") }),
    );
    expect(out.unitStatus).toEqual(new WaitingStatus("3"));
    expect(ctx.unitStatusHistory).toEqual([new ActiveStatus("foo")]);
    expect(out.appStatus).toEqual(new WaitingStatus("3"));
    expect(ctx.appStatusHistory).toEqual([new ActiveStatus("bar")]);
  });

  // test_workload_history
  test("the workload version history holds the versions before each change, across runs", async () => {
    class WorkloadCharm extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.install, () => {
          this.unit.setWorkloadVersion("1");
        });
        framework.observe(this.on.start, () => {
          this.unit.setWorkloadVersion("1.1");
        });
        framework.observe(this.on.updateStatus, () => {
          this.unit.setWorkloadVersion("1.2");
        });
      }
    }
    const ctx = new Context(WorkloadCharm, { meta: { name: "local" } });
    let out = await ctx.run(ctx.on.install(), new State({ leader: true }));
    out = await ctx.run(ctx.on.start(), out);
    out = await ctx.run(ctx.on.updateStatus(), out);
    expect(ctx.workloadVersionHistory).toEqual(["1", "1.1"]);
    expect(out.workloadVersion).toBe("1.2");
  });

  // test_status_success
  test.each([new ActiveStatus("foo"), new WaitingStatus("bar"), new BlockedStatus("baz"), new MaintenanceStatus("qux")])(
    "a charm can set %s",
    async (status) => {
      const ctx = new Context(ProbeCharm, { meta: { name: "foo" } });
      probe = (charm) => {
        charm.unit.status = status;
      };
      const out = await ctx.run(ctx.on.updateStatus(), new State());
      expect(out.unitStatus).toEqual(status);
    },
  );

  // test_status_error: the refusal uses status-set's own text.
  test.each([new ErrorStatus("fiz"), new UnknownStatus()])("a charm cannot set %s", async (status) => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo" } });
    probe = (charm) => {
      charm.unit.status = status;
    };
    const error = await failure(ctx.run(ctx.on.updateStatus(), new State()));
    expect(error).toBeInstanceOf(UncaughtCharmError);
    const cause = (error as UncaughtCharmError).cause;
    expect(cause).toBeInstanceOf(InvalidStatusError);
    expect(cause).toBeInstanceOf(ModelError);
    expect((cause as Error).message).toBe(`invalid status "${status.name}", expected one of [maintenance blocked waiting active]`);
  });

  test("collect-status still picks the most severe status", async () => {
    class Charm extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.collectUnitStatus, (event: CollectStatusEvent) => {
          event.addStatus(new ActiveStatus());
          event.addStatus(new BlockedStatus("needs a db"));
        });
      }
    }
    const ctx = new Context(Charm, { meta: { name: "foo" } });
    const out = await ctx.run(ctx.on.updateStatus(), new State());
    expect(out.unitStatus).toEqual(new BlockedStatus("needs a db"));
    expect(ctx.unitStatusHistory).toEqual([new UnknownStatus()]);
  });
});

describe("test_relations.py", () => {
  // test_relation_remote_model
  test("relation.remoteModel is this model unless the relation crosses models", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "foo", requires: { foo: { interface: "foo" } } } });
    const seen: { remote: string; local: string }[] = [];
    probe = (charm) => {
      const relation = charm.model.getRelation("foo");
      if (relation === undefined) throw new Error("no relation");
      seen.push({ remote: relation.remoteModel.uuid, local: charm.model.uuid });
      // Read once: a second read is the same object, from the same relation-model-get call.
      expect(relation.remoteModel).toBe(relation.remoteModel);
    };
    await ctx.run(ctx.on.start(), new State({ relations: [new Relation({ endpoint: "foo" })] }));
    await ctx.run(ctx.on.start(), new State({ relations: [new Relation({ endpoint: "foo", remoteModelUuid: "UUID" })] }));
    expect(seen[0]?.remote).toBe(seen[0]?.local);
    expect(seen[1]).toEqual({ remote: "UUID", local: seen[0]?.local });
  });

  // test_peer_relation_units_does_not_contain_this_unit
  test("a peer relation's units leave out this unit", async () => {
    const ctx = new Context(ProbeCharm, { meta: { name: "charm-name", peers: { "relation-name": { interface: "interface-name" } } } });
    probe = (charm) => {
      const relation = charm.model.getRelation("relation-name");
      if (relation === undefined) throw new Error("no relation");
      expect(relation.units.has(charm.unit)).toBe(false);
      relation.data.get(charm.unit).set("this-unit", charm.unit.name);
    };
    const peers = new PeerRelation({ endpoint: "relation-name", peersData: { 1: {} } });
    const out = await ctx.run(ctx.on.updateStatus(), new State({ relations: [peers] }));
    expect(out.getRelation(peers.id)?.localUnitData["this-unit"]).toBe("charm-name/0");
  });

  // test_trigger_sub_relation
  test("a subordinate's relations with two principals each have one remote unit", async () => {
    const meta = { name: "mycharm", subordinate: true, requires: { foo: { interface: "bar", scope: "container" } } };
    const ctx = new Context(ProbeCharm, { meta });
    let sizes: number[] = [];
    probe = (charm) => {
      sizes = charm.model.relations("foo").map((relation) => relation.units.size);
    };
    const sub1 = new SubordinateRelation({ endpoint: "foo", remoteUnitData: { 1: "2" }, remoteAppName: "primary1" });
    const sub2 = new SubordinateRelation({ endpoint: "foo", remoteUnitData: { 3: "4" }, remoteAppName: "primary2" });
    await ctx.run(ctx.on.updateStatus(), new State({ relations: [sub1, sub2] }));
    expect(sizes).toEqual([1, 1]);
  });

  // test_broken_relation_not_in_model_relations
  test("in relation-broken the relation is not among the live ones", async () => {
    class Charm extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.relationBroken("foo"), () => {
          expect(this.model.getRelation("foo")).toBeUndefined();
          expect(this.model.relations("foo")).toEqual([]);
          this.unit.status = new ActiveStatus("checked");
        });
      }
    }
    const ctx = new Context(Charm, { meta: { name: "local", requires: { foo: { interface: "foo" } } } });
    const relation = new Relation({ endpoint: "foo" });
    const out = await ctx.run(ctx.on.relationBroken(relation), new State({ relations: [relation] }));
    expect(out.unitStatus).toEqual(new ActiveStatus("checked"));
  });
});

describe("test_secrets.py", () => {
  // test_secret_removed_event
  test("the revisions a charm removed are recorded", async () => {
    class SecretCharm extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.secretRemove, (event: SecretRemoveEvent) => {
          event.secret.removeRevision(event.revision);
        });
      }
    }
    const ctx = new Context(SecretCharm, { meta: { name: "foo" } });
    const secret = new Secret({ trackedContent: { a: "b" }, owner: "app" });
    const out = await ctx.run(ctx.on.secretRemove(secret, { revision: 42 }), new State({ leader: true, secrets: [secret] }));
    expect(out.getSecret({ id: secret.id })).toBeDefined();
    expect(ctx.removedSecretRevisions).toEqual([42]);
  });

  // test_secret_expired_event
  test("an expired revision removed after a new one is added is recorded", async () => {
    class SecretCharm extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.secretExpired, (event: SecretExpiredEvent) => {
          event.secret.setContent({ password: "newpass" });
          event.secret.removeRevision(event.revision);
        });
      }
    }
    const ctx = new Context(SecretCharm, { meta: { name: "foo" } });
    const secret = new Secret({ trackedContent: { password: "oldpass" }, owner: "app" });
    const out = await ctx.run(ctx.on.secretExpired(secret, { revision: 42 }), new State({ leader: true, secrets: [secret] }));
    expect(out.getSecret({ id: secret.id })?.latestContent).toEqual({ password: "newpass" });
    expect(ctx.removedSecretRevisions).toEqual([42]);
  });

  test("removing every revision is not a removed revision, and a failed hook removes nothing", async () => {
    class SecretCharm extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.secretRemove, (event: SecretRemoveEvent) => {
          if (event.revision === 1) event.secret.removeAllRevisions();
          else {
            event.secret.removeRevision(event.revision);
            throw new Error("after the removal");
          }
        });
      }
    }
    const ctx = new Context(SecretCharm, { meta: { name: "foo" } });
    const secret = new Secret({ trackedContent: { a: "b" }, owner: "app" });
    const out = await ctx.run(ctx.on.secretRemove(secret, { revision: 1 }), new State({ leader: true, secrets: [secret] }));
    expect(out.getSecret({ id: secret.id })).toBeUndefined();
    expect(ctx.removedSecretRevisions).toEqual([]);
    const fresh = new Context(SecretCharm, { meta: { name: "foo" } });
    await expect(fresh.run(fresh.on.secretRemove(secret, { revision: 7 }), new State({ leader: true, secrets: [secret] }))).rejects.toThrow(
      UncaughtCharmError,
    );
    expect(fresh.removedSecretRevisions).toEqual([]);
  });
});

describe("test_storage.py", () => {
  const meta = { name: "charlene", storage: { foo: { type: "filesystem" } } };

  // test_storage_add. Juju checks the count against the charm's `multiple: range` when the hook
  // commits (juju/juju state/storage.go ensureCharmStorageCountChange): ops' test declares none,
  // which Juju reads as singular storage, so here the storage takes any count.
  test.each([1, 3, 5])("the storage a charm requested is recorded (%i)", async (n) => {
    const ctx = new Context(ProbeCharm, { meta: { ...meta, storage: { foo: { type: "filesystem", multiple: { range: "0-" } } } } });
    probe = (charm) => {
      charm.model.storages.request("foo", n);
    };
    await ctx.run(ctx.on.updateStatus(), new State());
    expect(ctx.requestedStorages).toEqual({ foo: n });
  });

  test("more of a singular storage than one is refused when the hook commits, as Juju does", async () => {
    const ctx = new Context(ProbeCharm, { meta });
    probe = (charm) => {
      charm.model.storages.request("foo", 3);
    };
    await expect(ctx.run(ctx.on.updateStatus(), new State())).rejects.toThrow(
      'adding "foo" storage to charlene/0: cannot attach, storage is singular',
    );
  });

  // test_storage_get_some
  test("declared storage with nothing attached is an empty list", async () => {
    const ctx = new Context(ProbeCharm, { meta });
    let count: number | undefined;
    probe = (charm) => {
      count = charm.model.storages.get("foo").length;
    };
    await ctx.run(ctx.on.updateStatus(), new State());
    expect(count).toBe(0);
  });

  // test_storage_attached_event, test_storage_detaching_event
  test("storage events run with the storage in the State", async () => {
    const ctx = new Context(ProbeCharm, { meta });
    const storage = new Storage({ name: "foo" });
    const locations: string[] = [];
    probe = (_charm, event) => {
      locations.push(`${event.kind} ${event instanceof StorageEvent ? event.storage.location : "not a storage event"}`);
    };
    await ctx.run(ctx.on.storageAttached(storage), new State({ storages: [storage] }));
    await ctx.run(ctx.on.storageDetaching(storage), new State({ storages: [storage] }));
    expect(locations).toEqual([`foo-storage-attached ${storage.location}`, `foo-storage-detaching ${storage.location}`]);
  });
});

describe("test_consistency_checker.py", () => {
  class MyCharm extends CharmBase {}

  async function inconsistent(ctx: Context, run: Promise<unknown>, problem: string): Promise<void> {
    const error = await failure(run);
    expect(error, `${ctx.meta.name}: ${problem}`).toBeInstanceOf(InconsistentScenarioError);
    expect((error as Error).message).toContain(problem);
  }

  // test_evt_bad_relation_name: an event on an endpoint the charm does not declare, whose relation
  // is not in the State either.
  test.each(["created", "joined", "changed", "departed", "broken"] as const)(
    "an event on an undeclared endpoint (relation-%s)",
    async (phase) => {
      const ctx = new Context(MyCharm, { meta: { name: "foo", requires: { foo: { interface: "xxx" } } } });
      const relation = new Relation({ endpoint: "bar" });
      const event = {
        created: () => ctx.on.relationCreated(relation),
        joined: () => ctx.on.relationJoined(relation),
        changed: () => ctx.on.relationChanged(relation),
        departed: () => ctx.on.relationDeparted(relation),
        broken: () => ctx.on.relationBroken(relation),
      }[phase]();
      await inconsistent(
        ctx,
        ctx.run(event, new State()),
        `bar-relation-${phase} is about endpoint "bar", which is not declared in foo's metadata (declared: foo)`,
      );
    },
  );

  // test_bad_config_option_type
  test("a config value whose type does not fit, with and without a declared type", async () => {
    const typed = new Context(MyCharm, { meta: { name: "foo" }, config: { options: { foo: { type: "string" } } } });
    await inconsistent(
      typed,
      typed.run(typed.on.start(), new State({ config: { foo: true } })),
      'config option "foo" is a string, but the state gives true',
    );
    const untyped = new Context(MyCharm, { meta: { name: "foo" }, config: { options: { foo: {} } } });
    await inconsistent(
      untyped,
      untyped.run(untyped.on.start(), new State({ config: { foo: true } })),
      'config option "foo" is a string, but the state gives true',
    );
    const boolean = new Context(MyCharm, { meta: { name: "foo" }, config: { options: { foo: { type: "boolean" } } } });
    await boolean.run(boolean.on.start(), new State({ config: { foo: true } }));
  });

  // test_config_types
  test.each([
    ["string", "foo", 1],
    ["int", 1, "1"],
    ["float", 1.0, "1"],
    ["boolean", false, "foo"],
  ] as const)("a %s option", async (type, good, bad) => {
    const ctx = new Context(MyCharm, { meta: { name: "foo" }, config: { options: { foo: { type } } } });
    await ctx.run(ctx.on.start(), new State({ config: { foo: good } }));
    await inconsistent(ctx, ctx.run(ctx.on.start(), new State({ config: { foo: bad } })), `config option "foo" is a ${type}`);
  });

  // test_config_secret: Juju checks only that the value is a URI with the secret scheme
  // (juju/juju internal/charm/config.go, secretC); ops also refuses "secret:secret", Juju does not.
  test("a secret option holds a secret URI", async () => {
    const ctx = new Context(MyCharm, { meta: { name: "foo" }, config: { options: { foo: { type: "secret" } } } });
    await ctx.run(ctx.on.start(), new State({ config: { foo: "secret:co28kefmp25c77utl3n0" } }));
    await ctx.run(ctx.on.start(), new State({ config: { foo: "secret://5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/co28kefmp25c77utl3n0" } }));
    await inconsistent(ctx, ctx.run(ctx.on.start(), new State({ config: { foo: 1 } })), 'config option "foo" is a secret');
    await inconsistent(
      ctx,
      ctx.run(ctx.on.start(), new State({ config: { foo: "co28kefmp25c77utl3n0" } })),
      'config option "foo" is a secret, but "co28kefmp25c77utl3n0" is not a secret URI: secret URI scheme missing not valid',
    );
    await inconsistent(
      ctx,
      ctx.run(ctx.on.start(), new State({ config: { foo: "https://example.com/x" } })),
      'config option "foo" is a secret, but "https://example.com/x" is not a secret URI: secret URI scheme "https" not valid',
    );
  });

  // test_peer_relation_consistency
  test("a peer endpoint takes a PeerRelation", async () => {
    const ctx = new Context(MyCharm, { meta: { name: "foo", peers: { foo: { interface: "bar" } } } });
    await inconsistent(
      ctx,
      ctx.run(ctx.on.start(), new State({ relations: [new Relation({ endpoint: "foo" })] })),
      '"foo" is a peer endpoint',
    );
    await ctx.run(ctx.on.start(), new State({ relations: [new PeerRelation({ endpoint: "foo" })] }));
  });

  // test_duplicate_endpoints_inconsistent: refused with the metadata, before any State.
  test("an endpoint declared twice", () => {
    expect(
      () =>
        new Context(MyCharm, { meta: { name: "foo", requires: { foo: { interface: "bar" } }, provides: { foo: { interface: "baz" } } } }),
    ).toThrow('endpoint "foo" is declared twice');
  });

  // test_sub_relation_consistency: a container-scoped relation sees one unit of the other side (the
  // one on its machine); Scenario also refuses a Relation there, tscharm only what Juju cannot do.
  test("a container-scoped relation has at most one remote unit", async () => {
    const ctx = new Context(MyCharm, { meta: { name: "foo", requires: { foo: { interface: "bar", scope: "container" } } } });
    const two = new Relation({ endpoint: "foo", remoteAppName: "main", remoteUnitsData: { 0: {}, 1: {} } });
    await inconsistent(
      ctx,
      ctx.run(ctx.on.start(), new State({ relations: [two] })),
      `relation ${two.id} on container-scoped endpoint "foo" has 2 remote units (main/0, main/1): ` +
        "a container-scoped relation has one, the unit on the same machine",
    );
    await ctx.run(ctx.on.start(), new State({ relations: [new SubordinateRelation({ endpoint: "foo" })] }));
    await ctx.run(ctx.on.start(), new State({ relations: [new Relation({ endpoint: "foo" })] }));
  });

  // test_relation_sub_inconsistent
  test("a SubordinateRelation needs a container-scoped endpoint", async () => {
    const ctx = new Context(MyCharm, { meta: { name: "foo", requires: { foo: { interface: "bar" } } } });
    await inconsistent(
      ctx,
      ctx.run(ctx.on.start(), new State({ relations: [new SubordinateRelation({ endpoint: "foo" })] })),
      "needs a container-scoped endpoint",
    );
  });

  // test_relation_not_in_state
  test("a relation event needs its relation in the State", async () => {
    const ctx = new Context(MyCharm, { meta: { name: "foo", requires: { foo: { interface: "bar" } } } });
    const relation = new Relation({ endpoint: "foo" });
    await inconsistent(
      ctx,
      ctx.run(ctx.on.relationChanged(relation), new State()),
      `foo-relation-changed is about relation ${relation.id}, which is not in the state's relations`,
    );
    await ctx.run(ctx.on.relationChanged(relation), new State({ relations: [relation] }));
  });

  // test_action_not_in_meta_inconsistent
  test("an action the charm does not declare", async () => {
    const ctx = new Context(MyCharm, { meta: { name: "foo" } });
    await inconsistent(ctx, ctx.run(ctx.on.action("foo", { bar: "baz" }), new State()), 'action "foo" is not declared');
  });

  // test_action_name: a declared param of the right type; an action with no params takes none.
  test("params the action declares, and none where it declares none", async () => {
    const typed = new Context(MyCharm, { meta: { name: "foo" }, actions: { foo: { params: { bar: { type: "string" } } } } });
    await typed.run(typed.on.action("foo", { bar: "baz" }), new State());
    const bare = new Context(MyCharm, { meta: { name: "foo" }, actions: { foo: null } });
    await bare.run(bare.on.action("foo"), new State());
    // An undeclared param, where the action does not say additionalProperties: Juju 3.6 takes it,
    // Juju 4 refuses it (juju/juju internal/charm/actions.go ReadActionsYaml; juju/juju issue 21294).
    await bare.run(bare.on.action("foo", { bar: "baz" }), new State());
    const bare4 = new Context(MyCharm, { meta: { name: "foo" }, actions: { foo: null }, jujuVersion: "4.0.1" });
    await inconsistent(
      bare4,
      bare4.run(bare4.on.action("foo", { bar: "baz" }), new State()),
      'action "foo": validation failed: (root) : additional property "bar" is not allowed, given {"bar":"baz"}',
    );
    const closed = new Context(MyCharm, { meta: { name: "foo" }, actions: { foo: { additionalProperties: false } } });
    await inconsistent(
      closed,
      closed.run(closed.on.action("foo", { bar: "baz" }), new State()),
      'additional property "bar" is not allowed',
    );
    const open = new Context(MyCharm, { meta: { name: "foo" }, actions: { foo: { additionalProperties: true } }, jujuVersion: "4.0.1" });
    await open.run(open.on.action("foo", { bar: "baz" }), new State());
  });

  // test_action_params_type: a string is not an array to Juju's JSON schema (ops accepts one).
  test.each<[string, JsonValue, JsonValue | undefined, string]>([
    ["string", "baz", undefined, ""],
    ["boolean", true, "baz", 'must be of type boolean, given "baz"'],
    ["integer", 42, 1.5, "must be of type integer, given 1.5"],
    ["number", 28.8, "baz", 'must be of type number, given "baz"'],
    ["array", ["a", "b", "c"], 1.5, "must be of type array, given 1.5"],
    ["object", { k: "v" }, "baz", 'must be of type object, given "baz"'],
  ])("a param of type %s", async (type, good, bad, problem) => {
    const ctx = new Context(MyCharm, { meta: { name: "foo" }, actions: { foo: { params: { bar: { type } } } } });
    await ctx.run(ctx.on.action("foo", { bar: good }), new State());
    if (bad !== undefined) {
      await inconsistent(
        ctx,
        ctx.run(ctx.on.action("foo", { bar: bad }), new State()),
        `action "foo": validation failed: (root).bar : ${problem}`,
      );
    }
  });

  test("a missing required param, in Juju's words", async () => {
    const ctx = new Context(MyCharm, {
      meta: { name: "foo" },
      actions: { foo: { params: { bar: { type: "string" }, n: { type: "integer" } }, required: ["bar"] } },
    });
    await inconsistent(
      ctx,
      ctx.run(ctx.on.action("foo", { n: 1 }), new State()),
      'action "foo": validation failed: (root) : "bar" property is missing and required, given {"n":1}',
    );
  });

  // test_networks_consistency: an extra-binding named like an endpoint is refused with the metadata.
  test("networks: only declared bindings, and an extra-binding may not be named like an endpoint", async () => {
    const plain = new Context(MyCharm, { meta: { name: "wonky" } });
    await inconsistent(
      plain,
      plain.run(plain.on.start(), new State({ networks: [new Network({ binding: "foo" })] })),
      'network binding "foo" is neither an endpoint nor an extra-binding of wonky',
    );
    expect(
      () => new Context(MyCharm, { meta: { name: "pinky", "extra-bindings": { foo: null }, requires: { foo: { interface: "bar" } } } }),
    ).toThrow('charm "pinky" has invalid extra bindings: relation names (foo) cannot be used in extra bindings');
    const good = new Context(MyCharm, {
      meta: { name: "pinky", "extra-bindings": { foo: null }, requires: { bar: { interface: "bar" } } },
    });
    await good.run(good.on.start(), new State({ networks: [new Network({ binding: "foo" })] }));
  });

  // test_own_unit_in_peers_data_consistency
  test.each([0, 1, 42])("peer data may not include the unit under test (unit %i)", async (unitId) => {
    const ctx = new Context(MyCharm, { meta: { name: "foo", peers: { foo: { interface: "bar" } } }, unitId });
    await ctx.run(
      ctx.on.start(),
      new State({ relations: [new PeerRelation({ endpoint: "foo", peersData: { [unitId + 1]: { foo: "bar" } } })] }),
    );
    const peers = new PeerRelation({ endpoint: "foo", peersData: { [unitId]: { foo: "bar" }, [unitId + 1]: { foo: "baz" } } });
    await inconsistent(
      ctx,
      ctx.run(ctx.on.start(), new State({ relations: [peers] })),
      `relation ${peers.id} peersData has foo/${unitId}, the unit under test: ` +
        "peersData holds the other units (use localUnitData for this one)",
    );
  });

  // test_duplicate_relation_ids
  test("two relations with one id", async () => {
    const ctx = new Context(MyCharm, { meta: { name: "foo", requires: { foo: { interface: "foo" }, bar: { interface: "bar" } } } });
    await inconsistent(
      ctx,
      ctx.run(
        ctx.on.start(),
        new State({ relations: [new Relation({ endpoint: "foo", id: 1 }), new Relation({ endpoint: "bar", id: 1 })] }),
      ),
      "two relations have id 1",
    );
  });

  // test_storage_not_in_state, test_storage_event
  test("a storage event needs declared storage in the State", async () => {
    const ctx = new Context(MyCharm, { meta: { name: "sam", storage: { foo: { type: "filesystem" } } } });
    const storage = new Storage({ name: "foo" });
    await inconsistent(ctx, ctx.run(ctx.on.storageAttached(storage), new State()), "which is not in the state's storages");
    await ctx.run(ctx.on.storageAttached(storage), new State({ storages: [storage] }));
    const bare = new Context(MyCharm, { meta: { name: "rupert" } });
    await inconsistent(
      bare,
      bare.run(bare.on.storageAttached(storage), new State({ storages: [storage] })),
      'storage "foo" is not declared',
    );
  });
});
