// Custom events: `customEvent(owner, name, class)` and `framework.emit(...)`, the mechanism the
// relation interfaces (tscharm/interfaces/*) emit their own events with, as ops' EventSource.

import { describe, expect, test } from "vitest";

import { CharmBase, EventBase, type Framework, RelationChangedEvent, RelationEvent, customEvent } from "../../runtime/index.js";
import { Context, Relation, State } from "../../testing/index.js";

class GreetingEvent extends RelationEvent {
  get greeting(): string {
    const value = this.snapshot["greeting"];
    return typeof value === "string" ? value : "";
  }
}

class Greeter {
  readonly on = { greeted: customEvent("greet", "greeted", GreetingEvent) };

  constructor(private readonly charm: CharmBase) {
    charm.framework.observe(charm.on.relationChanged("greet"), this.onChanged);
  }

  onChanged = async (event: RelationChangedEvent): Promise<void> => {
    const greeting = event.relation.data.get(event.app ?? this.charm.app).get("greeting");
    if (greeting !== undefined) await this.charm.framework.emit(this.on.greeted, { ...event.snapshot, greeting });
  };
}

const seen: string[] = [];

class GreetingCharm extends CharmBase {
  readonly greeter = new Greeter(this);

  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.greeter.on.greeted, this.onGreeted);
  }

  onGreeted = (event: GreetingEvent): void => {
    seen.push(`${event.greeting} from ${event.app?.name ?? "?"} on relation ${event.relation.id}`);
    if (event.greeting === "later") event.defer();
  };
}

const ctx = new Context(GreetingCharm, { meta: { name: "greeter", requires: { greet: { interface: "greeting" } } } });

describe("custom events", () => {
  test("an emitted event runs its observers at once, with the relation of its snapshot", async () => {
    seen.length = 0;
    const relation = new Relation({ endpoint: "greet", remoteAppName: "friend", remoteAppData: { greeting: "hello" } });
    const before = ctx.emittedEvents.length;
    await ctx.run(ctx.on.relationChanged(relation), new State({ relations: [relation] }));
    expect(seen).toEqual([`hello from friend on relation ${relation.id}`]);
    expect(ctx.emittedEvents.slice(before).map((e) => e.kind)).toEqual(["greet-relation-changed", "greet/greeted"]);
  });

  test("a deferred custom event is rebuilt from its snapshot and re-emitted first in the next dispatch", async () => {
    seen.length = 0;
    const relation = new Relation({ endpoint: "greet", remoteAppName: "friend", remoteAppData: { greeting: "later" } });
    const out = await ctx.run(ctx.on.relationChanged(relation), new State({ relations: [relation] }));
    expect(out.deferred.map((d) => d.kind)).toEqual(["greet/greeted"]);
    const before = ctx.emittedEvents.length;
    await ctx.run(ctx.on.updateStatus(), out);
    expect(seen).toEqual([`later from friend on relation ${relation.id}`, `later from friend on relation ${relation.id}`]);
    expect(ctx.emittedEvents.slice(before).map((e) => [e.kind, e.reemitted])).toEqual([["greet/greeted", true]]);
  });

  test("kinds are owner/kebab-name, so one can never be a hook's", () => {
    expect(customEvent("db", "database-created", GreetingEvent).kind).toBe("db/database-created");
    expect(() => customEvent("db", "databaseCreated", GreetingEvent)).toThrow(/kebab case/);
    expect(() => customEvent("", "x", GreetingEvent)).toThrow(/owner must be lower case/);
  });

  test("Juju's events cannot be emitted, and a snapshot must be JSON", async () => {
    class Emitter extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.start, async () => {
          await framework.emit(this.on.install);
        });
        framework.observe(this.on.configChanged, async () => {
          class Plain extends EventBase {}
          await framework.emit(customEvent("me", "thing", Plain), { when: new Date() as unknown as string });
        });
      }
    }
    const emitter = new Context(Emitter, { meta: { name: "emitter" } });
    await expect(emitter.run(emitter.on.start(), new State())).rejects.toThrow(/emit\(\) takes a custom event .*install is Juju's to emit/);
    await expect(emitter.run(emitter.on.configChanged(), new State())).rejects.toThrow(/the snapshot of me\/thing at \.when is a Date/);
  });
});
