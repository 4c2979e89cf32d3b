// engine/ports.ts: port bounds, protocols and conflicts with other units on the machine.

import { describe, expect, test } from "vitest";

import { HookToolError, HookToolUsageError } from "../../runtime/errors.js";
import type { PortRange, Protocol } from "../../runtime/hook-tools/index.js";
import { demoModel, hook, committedHook, expectToolError, text, tcp } from "../support/engine.js";

describe("ports: 0–65535, tcp/udp/icmp, no overlap with other units on the machine", () => {
  test("a bound above 65535: port range bounds must be between 0 and 65535, got 1-70000 (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => {
        context.openPort(tcp(1, 70_000));
      },
      HookToolUsageError,
      "open-port",
      2,
      "port range bounds must be between 0 and 65535, got 1-70000",
    );
    expectToolError(
      () => {
        context.closePort(tcp(1, 70_000));
      },
      HookToolUsageError,
      "close-port",
      2,
      "port range bounds must be between 0 and 65535, got 1-70000",
    );
  });

  test("from > to: invalid port range 9-1/tcp (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => {
        context.openPort(tcp(9, 1));
      },
      HookToolUsageError,
      "open-port",
      2,
      "invalid port range 9-1/tcp",
    );
  });

  test('another protocol: invalid protocol "sctp", expected "tcp", "udp", or "icmp" (exit 2)', () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => {
        context.openPort({ protocol: text("sctp") as Protocol, port: 80 });
      },
      HookToolUsageError,
      "open-port",
      2,
      'invalid protocol "sctp", expected "tcp", "udp", or "icmp"',
    );
  });

  test("tcp, udp and icmp, up to 65535, are opened", () => {
    const model = demoModel();
    const ports: PortRange[] = [tcp(65_535), { protocol: "udp", port: 1, toPort: 65_535 }, { protocol: "icmp" }];
    committedHook(model, "demo/0", (c) => {
      for (const port of ports) c.openPort(port);
    });
    expect(model.unit("demo/0").ports.map((opened) => opened.range)).toEqual(ports);
  });

  test(
    "overlap with another unit on the machine: cannot open 80/tcp (unit ...): " +
      'port range conflicts with 79-81/tcp (unit "other/0") (exit 1)',
    () => {
      const model = demoModel();
      model.addApp("other");
      model.addUnit("other", { machine: model.unit("demo/0").machine }).ports = [{ range: tcp(79, 81), endpoint: undefined }];
      const context = hook(model, "demo/0");
      expectToolError(
        () => {
          context.openPort(tcp(80));
        },
        HookToolError,
        "open-port",
        1,
        'cannot open 80/tcp (unit "demo/0"): port range conflicts with 79-81/tcp (unit "other/0")',
      );
    },
  );

  test("no conflict with another protocol, another machine, or this unit's own ports", () => {
    const model = demoModel();
    model.addApp("other");
    model.addUnit("other", { machine: model.unit("demo/0").machine }).ports = [{ range: tcp(79, 81), endpoint: undefined }];
    model.addUnit("other", { machine: model.unit("demo/1").machine });
    committedHook(model, "demo/0", (c) => {
      c.openPort({ protocol: "udp", port: 80 });
      c.openPort(tcp(8080));
    });
    committedHook(model, "demo/0", (c) => {
      c.openPort(tcp(8080));
    });
    committedHook(model, "demo/1", (c) => {
      c.openPort(tcp(80));
    });
    expect(model.unit("demo/0").ports.map((opened) => opened.range)).toEqual([{ protocol: "udp", port: 80 }, tcp(8080)]);
    expect(model.unit("demo/1").ports.map((opened) => opened.range)).toEqual([tcp(80)]);
  });
});
