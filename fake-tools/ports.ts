// Port tools: open-port, close-port, opened-ports
// (juju/juju worker/uniter/runner/jujuc/ports.go, opened-ports.go).

import { MAX_PORT, type PortRange, formatPort, isProtocol, parsePort } from "../grammar/ports.js";
import { type ParsedArgs, UsageError, boolFlag, noMoreArgs, stringFlag } from "./flags.js";
import { ALL_FORMATS, type Handlers, type Invocation, type Printed, value } from "./handler.js";

const PORT_USAGE = "<port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp";

export const PORT_TOOLS: Handlers = {
  "open-port": {
    specs: [{ names: ["endpoints"], kind: "string" }],
    usage: PORT_USAGE,
    deprecatedFormat: true,
    run: (invocation, parsed) => changePort(invocation, parsed, true),
  },

  "close-port": {
    specs: [{ names: ["endpoints"], kind: "string" }],
    usage: PORT_USAGE,
    deprecatedFormat: true,
    run: (invocation, parsed) => changePort(invocation, parsed, false),
  },

  "opened-ports": {
    specs: [{ names: ["endpoints"], kind: "bool" }],
    formats: ALL_FORMATS,
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      if (!boolFlag(parsed, "endpoints")) return value(context.openedPorts().map(formatPort));
      const byPort = new Map<string, Set<string>>();
      for (const opened of context.portEndpoints()) {
        const key = formatPort(opened.range);
        const endpoints = byPort.get(key) ?? new Set();
        endpoints.add(opened.endpoint ?? "*");
        byPort.set(key, endpoints);
      }
      const ports = context.openedPorts().map((port) => {
        const key = formatPort(port);
        return `${key} (${[...(byPort.get(key) ?? new Set(["*"]))].sort().join(", ")})`;
      });
      return value(ports);
    },
  },
};

function changePort(invocation: Invocation, parsed: ParsedArgs, open: boolean): Printed {
  const [spec] = parsed.positionals;
  if (spec === undefined) throw new UsageError("no port or range specified");
  noMoreArgs(parsed.positionals, 1);
  const port = parsePortSpec(spec);
  const endpoints = stringFlag(parsed, "endpoints")
    ?.split(",")
    .map((endpoint) => endpoint.trim())
    .filter((endpoint) => endpoint !== "");
  if (open) invocation.context.openPort(port, endpoints);
  else invocation.context.closePort(port, endpoints);
  return undefined;
}

/** `80`, `80/tcp`, `8000-8099/udp`, `icmp`, with Juju's errors. */
export function parsePortSpec(spec: string): PortRange {
  const lowered = spec.toLowerCase();
  if (lowered === "icmp") return { protocol: "icmp" };
  const [range = "", protocol = "tcp"] = lowered.split("/");
  if (!isProtocol(protocol)) throw new UsageError(`invalid protocol "${protocol}", expected "tcp", "udp", or "icmp"`);
  const bounds = range.split("-");
  if (bounds.length > 2) throw new UsageError(`invalid port range "${range}"`);
  const numbers = bounds.map((bound) => {
    if (!/^\d+$/.test(bound)) throw new UsageError(`invalid port "${bound}": strconv.Atoi: parsing "${bound}": invalid syntax`);
    return Number(bound);
  });
  const [from = 0, to = from] = numbers;
  if (from > MAX_PORT || to > MAX_PORT) {
    throw new UsageError(`port range bounds must be between 0 and ${String(MAX_PORT)}, got ${String(from)}-${String(to)}`);
  }
  if (from > to) throw new UsageError(`invalid port range ${String(from)}-${String(to)}/${protocol}`);
  const parsed = parsePort(`${range}/${protocol}`);
  return parsed ?? { protocol, port: from, ...(to === from ? {} : { toPort: to }) };
}
