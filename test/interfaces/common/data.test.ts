// interfaces/common: the decoders every interface reads the other side's bags with, the error that
// names the key and the value, Python's json.dumps bytes, and the blocked status a bad bag becomes.

import { readFileSync } from "node:fs";

import { describe, expect, test } from "vitest";

import { InterfaceDataError, RemoteBag, decode, pythonJson, writeJsonFields } from "../../../interfaces/common/data.js";
import { RelationProblems } from "../../../interfaces/common/problems.js";
import { BlockedStatus, CharmBase, type Framework, type RelationChangedEvent } from "../../../runtime/index.js";
import { Context, Relation, State } from "../../../testing/index.js";

const recorded = JSON.parse(readFileSync(new URL("../../fixtures/interfaces/python-json.json", import.meta.url), "utf8")) as {
  cases: { value: unknown; dumps: string }[];
};

describe("pythonJson", () => {
  test.each(recorded.cases.map((c) => [c.dumps, c.value] as const))("writes %s as Python's json.dumps does", (dumps, value) => {
    expect(pythonJson(value)).toBe(dumps);
  });

  test("leaves undefined fields out, and refuses what has no JSON form", () => {
    expect(pythonJson({ a: 1, b: undefined })).toBe('{"a": 1}');
    expect(() => pythonJson(Number.NaN)).toThrow(/no JSON form/);
    expect(() => pythonJson(() => 1)).toThrow(/function has no JSON form/);
  });
});

const source = { endpoint: "db", relationId: 7, from: "postgresql" };

/** A RemoteBag over a plain object, through the test kit's model. */
async function withBag<T>(data: Record<string, string>, read: (bag: RemoteBag) => T): Promise<T> {
  let result: T | undefined;
  class Reader extends CharmBase {
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.on.relationChanged("db"), (event: RelationChangedEvent) => {
        const app = event.app;
        if (app === undefined) throw new Error("no app");
        result = read(new RemoteBag(event.relation.data.get(app), source));
      });
    }
  }
  const ctx = new Context(Reader, { meta: { name: "reader", requires: { db: { interface: "x" } } } });
  const relation = new Relation({ endpoint: "db", remoteAppName: "postgresql", remoteAppData: data });
  await ctx.run(ctx.on.relationChanged(relation), new State({ relations: [relation] }));
  return result as T;
}

describe("RemoteBag", () => {
  const entry = decode.object({ name: decode.string, ca: decode.optional(decode.boolean), port: decode.integer });

  test("nothing is the key absent, empty or null; a list decodes item by item", async () => {
    expect(await withBag({}, (bag) => bag.json("entries", decode.list(entry)))).toBeUndefined();
    expect(await withBag({ entries: "" }, (bag) => bag.json("entries", decode.list(entry)))).toBeUndefined();
    expect(await withBag({ entries: "null" }, (bag) => bag.json("entries", decode.list(entry)))).toBeUndefined();
    expect(await withBag({ entries: '[{"name": "a", "port": 5, "extra": 1}]' }, (bag) => bag.json("entries", decode.list(entry)))).toEqual([
      { name: "a", port: 5 },
    ]);
  });

  test("a bad value names the relation, the key with its path, what was expected and the value", async () => {
    const error = await withBag({ entries: '[{"name": "a", "port": 5, "ca": "false"}]' }, (bag) => {
      try {
        return bag.json("entries", decode.list(entry));
      } catch (e) {
        return e;
      }
    });
    expect(error).toBeInstanceOf(InterfaceDataError);
    expect((error as Error).message).toBe(
      'postgresql sent a bad "entries[0].ca" on db:7: expected true or false (not a string), got "[{\\"name\\": \\"a\\", \\"port\\": 5, \\"ca\\": \\"false\\"}]"',
    );
  });

  test("bad JSON, long values cut, and secret keys never shown", async () => {
    const messages = await withBag({ a: "{not json", b: "x".repeat(200), password: "hunter2-but-malformed" }, (bag) =>
      [
        () => bag.json("a", decode.string),
        () => bag.json("b", decode.string),
        () => bag.json("password", decode.string, { secret: true }),
      ].map((read) => {
        try {
          read();
          return "no error";
        } catch (e) {
          return (e as Error).message;
        }
      }),
    );
    expect(messages[0]).toBe('postgresql sent a bad "a" on db:7: expected JSON, got "{not json"');
    expect(messages[1]).toBe(`postgresql sent a bad "b" on db:7: expected JSON, got "${"x".repeat(77)}..."`);
    expect(messages[2]).toBe('postgresql sent a bad "password" on db:7: expected JSON');
  });

  test("checked plain strings", async () => {
    const hostPorts = (value: string): string | undefined =>
      /^[^,:]+:\d+(,[^,:]+:\d+)*$/.test(value) ? undefined : "host:port[,host:port...]";
    expect(await withBag({ endpoints: "a:1,b:2" }, (bag) => bag.checked("endpoints", hostPorts))).toBe("a:1,b:2");
    await expect(withBag({ endpoints: "a b" }, (bag) => bag.checked("endpoints", hostPorts))).rejects.toThrow(
      'postgresql sent a bad "endpoints" on db:7: expected host:port[,host:port...], got "a b"',
    );
  });
});

describe("RelationProblems", () => {
  class Guarded extends CharmBase {
    readonly problems = new RelationProblems(this, "db");
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.on.relationChanged("db"), async (event: RelationChangedEvent) => {
        const app = event.app;
        if (app === undefined) return;
        const bag = new RemoteBag(event.relation.data.get(app), { endpoint: "db", relationId: event.relation.id, from: app.name });
        await this.problems.guard(event.relation, () => bag.json("port", decode.integer));
        const written: Record<string, unknown> = { seen: "yes", gone: undefined };
        writeJsonFields(event.relation.data.get(this.unit), written);
      });
    }
  }
  const ctx = new Context(Guarded, { meta: { name: "guarded", requires: { db: { interface: "x" } } } });

  test("a bad bag is a blocked status, not a failed hook; it stays until the other side fixes it", async () => {
    const bad = new Relation({ endpoint: "db", remoteAppName: "pg", remoteAppData: { port: '"5432"' } });
    const out = await ctx.run(ctx.on.relationChanged(bad), new State({ relations: [bad] }));
    expect(out.unitStatus).toEqual(
      new BlockedStatus(`pg sent a bad "port" on db:${bad.id}: expected an integer (not a string), got "\\"5432\\""`),
    );
    expect(ctx.jujuLog).toContainEqual({
      level: "ERROR",
      message: `db: pg sent a bad "port" on db:${bad.id}: expected an integer (not a string), got "\\"5432\\""`,
    });
    expect(out.getRelation(bad.id)?.localUnitData).toMatchObject({ seen: '"yes"' });
    // Another hook, which reads nothing: the problem is remembered.
    const later = await ctx.run(ctx.on.updateStatus(), out);
    expect(later.unitStatus.name).toBe("blocked");
    // Fixed by the other side: the problem is gone from stored state (the unit's status is then
    // whatever the charm's own collect-status says).
    const fixed = new Relation({ endpoint: "db", id: bad.id, remoteAppName: "pg", remoteAppData: { port: "5432" } });
    const cured = await ctx.run(ctx.on.relationChanged(fixed), later.with({ relations: [fixed] }));
    expect(cured.getStoredState("tscharm.interfaces/db")?.content).toEqual({ problems: {} });
  });
});
