// this.loadConfig(schema): ops' load_config over any Standard Schema validator (runtime/config.ts).
// The validators here are written by hand to the Standard Schema interface, as zod or valibot
// expose it, so the runtime is tested without depending on one.

import { describe, expect, test } from "vitest";

import { ActiveStatus, BlockedStatus, CharmBase, type Framework, InvalidConfigError, type StandardSchemaV1 } from "tscharm";
import { Context, State, StoredState } from "tscharm/testing";

interface TinyproxyConfig {
  readonly port: number;
  readonly slug: string;
}

/** A hand-written validator: `slug` must match ^[a-z0-9-]+$, `port` must be 1..65535; the output adds nothing but types. */
const tinyproxySchema: StandardSchemaV1<Record<string, unknown>, TinyproxyConfig> = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate(value) {
      const config = value as Record<string, unknown>;
      const issues: StandardSchemaV1.Issue[] = [];
      if (typeof config["slug"] !== "string" || !/^[a-z0-9-]+$/.test(config["slug"]))
        issues.push({ message: "must match ^[a-z0-9-]+$", path: ["slug"] });
      const port = config["port"];
      if (typeof port !== "number" || port < 1 || port > 65535) issues.push({ message: "must be a port number", path: [{ key: "port" }] });
      if (issues.length > 0) return { issues };
      return { value: { port: port as number, slug: config["slug"] as string } };
    },
  },
};

const META = { name: "tinyproxy" };
const CONFIG = { options: { port: { type: "int" as const, default: 8888 }, slug: { type: "string" as const, default: "proxy" } } };

let loaded: TinyproxyConfig | undefined;

class ProxyCharm extends CharmBase {
  readonly counter = this.framework.storedState("counter", { runs: 0 });

  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.configChanged, () => {
      this.counter.runs += 1;
      loaded = this.loadConfig(tinyproxySchema, { errors: "blocked" });
      this.unit.status = new ActiveStatus(`proxying ${loaded.slug} on ${String(loaded.port)}`);
    });
    framework.observe(this.on.install, () => {
      loaded = this.loadConfig(tinyproxySchema);
    });
  }
}

function context(): Context<ProxyCharm> {
  return new Context(ProxyCharm, { meta: META, config: CONFIG });
}

describe("loadConfig", () => {
  test("valid config comes back as the schema's typed output", async () => {
    loaded = undefined;
    const ctx = context();
    const out = await ctx.run(ctx.on.configChanged(), new State({ config: { slug: "my-proxy" } }));
    expect(loaded).toEqual({ port: 8888, slug: "my-proxy" });
    expect(out.unitStatus).toEqual(new ActiveStatus("proxying my-proxy on 8888"));
  });

  test('errors: "blocked" sets the unit blocked with every problem and ends the hook with success, saving no state', async () => {
    const ctx = context();
    const before = new State({
      config: { slug: "Not A Slug", port: 0 },
      storedStates: [new StoredState({ name: "counter", content: { runs: 4 } })],
    });
    const out = await ctx.run(ctx.on.configChanged(), before);
    expect(out.unitStatus).toEqual(
      new BlockedStatus('Invalid config: slug ("Not A Slug"): must match ^[a-z0-9-]+$; port (0): must be a port number'),
    );
    // As ops' abort: the hook stops where loadConfig was, and the state file is not saved (runs stays 4).
    expect(out.getStoredState("counter")?.content).toEqual({ runs: 4 });
  });

  test("by default an invalid config throws InvalidConfigError with the option, the value and the message of each issue", async () => {
    const ctx = context();
    const run = ctx.run(ctx.on.install(), new State({ config: { slug: "UPPER" } }));
    await expect(run).rejects.toThrow(/slug \("UPPER"\): must match/);
    const error = await ctx.run(ctx.on.install(), new State({ config: { slug: "UPPER" } })).catch((caught: unknown) => caught);
    const cause = (error as { cause?: unknown }).cause;
    expect(cause).toBeInstanceOf(InvalidConfigError);
    expect((cause as InvalidConfigError).issues).toEqual([{ option: "slug", value: "UPPER", message: "must match ^[a-z0-9-]+$" }]);
  });

  test("an asynchronous validator, or something that is not a Standard Schema, is refused clearly", async () => {
    const asyncSchema: StandardSchemaV1<unknown, unknown> = {
      "~standard": { version: 1, vendor: "later", validate: () => Promise.resolve({ value: {} }) },
    };
    class AsyncCharm extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.install, () => {
          this.loadConfig(asyncSchema);
        });
        framework.observe(this.on.start, () => {
          this.loadConfig({} as StandardSchemaV1);
        });
      }
    }
    const ctx = new Context(AsyncCharm, { meta: META, config: CONFIG });
    await expect(ctx.run(ctx.on.install(), new State())).rejects.toThrow(/synchronous validator: later's validate returned a Promise/);
    await expect(ctx.run(ctx.on.start(), new State())).rejects.toThrow(/needs a Standard Schema validator/);
  });
});
