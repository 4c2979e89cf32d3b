// Ports in one hook: open-port, close-port and opened-ports with Juju's checks (bounds, protocol,
// conflicts with other units on the machine), buffered until commit; endpoints checked at commit.

import type { PortRange } from "../runtime/hook-tools/index.js";
import { MAX_PORT, formatPort, isProtocol, portsOverlap } from "../grammar/ports.js";
import { isBindingOf } from "../runtime/network.js";
import { type CommitChanges, CommitError, type HookConcept, type HookScope } from "./hook-scope.js";
import type { OpenedPort } from "./records.js";
import { fail } from "./tool-errors.js";

export class Ports implements HookConcept {
  private readonly changes: { open: boolean; port: OpenedPort }[] = [];

  constructor(private readonly scope: HookScope) {}

  openPort(port: PortRange, endpoints?: readonly string[]): void {
    this.changePort("open-port", true, port, endpoints);
  }

  closePort(port: PortRange, endpoints?: readonly string[]): void {
    this.changePort("close-port", false, port, endpoints);
  }

  openedPorts(): PortRange[] {
    const ranges = new Map(this.currentPorts().map((opened) => [formatPort(opened.range), opened.range]));
    return [...ranges.values()].sort(
      (a, b) => a.protocol.localeCompare(b.protocol) || (a.port ?? 0) - (b.port ?? 0) || (a.toPort ?? 0) - (b.toPort ?? 0),
    );
  }

  /** The unit's committed opened ports, each with the endpoint it is open on (undefined: all). */
  portEndpoints(): readonly { readonly range: PortRange; readonly endpoint: string | undefined }[] {
    return this.scope.model.unit(this.scope.unitName).ports.map((opened) => ({ range: opened.range, endpoint: opened.endpoint }));
  }

  /** Ports opened or closed for an endpoint the charm does not have are refused here, not by the tool. */
  check(): void {
    const meta = this.scope.model.app(this.scope.appName).meta;
    if (meta === undefined) return;
    for (const change of this.changes) {
      if (change.port.endpoint !== undefined && !isBindingOf(meta, change.port.endpoint)) {
        throw new CommitError(
          `cannot ${change.open ? "open" : "close"} ${formatPort(change.port.range)}: ` +
            `"${change.port.endpoint}" is not an endpoint of the charm`,
        );
      }
    }
  }

  apply(_changes: CommitChanges): void {
    this.scope.model.setOpenedPorts(this.scope.unitName, this.currentPorts());
  }

  reset(): void {
    this.changes.length = 0;
  }

  private currentPorts(): OpenedPort[] {
    let ports = [...this.scope.model.unit(this.scope.unitName).ports];
    for (const change of this.changes) {
      const key = portKey(change.port);
      ports = ports.filter((existing) => portKey(existing) !== key);
      if (change.open) ports.push(change.port);
    }
    return ports;
  }

  private changePort(tool: string, open: boolean, port: PortRange, endpoints: readonly string[] | undefined): void {
    checkPortRange(tool, port);
    if (open) this.checkPortConflict(port);
    for (const endpoint of endpoints === undefined || endpoints.length === 0 ? [undefined] : endpoints) {
      this.changes.push({ open, port: { range: port, endpoint } });
    }
    this.scope.autoCommit();
  }

  private checkPortConflict(port: PortRange): void {
    const { model, unitName } = this.scope;
    const machine = model.unit(unitName).machine;
    for (const other of model.units.values()) {
      if (other.name === unitName || other.machine !== machine) continue;
      for (const opened of other.ports) {
        if (portsOverlap(opened.range, port)) {
          fail(
            "open-port",
            1,
            `cannot open ${formatPort(port)} (unit "${unitName}"): ` +
              `port range conflicts with ${formatPort(opened.range)} (unit "${other.name}")`,
          );
        }
      }
    }
  }
}

/** Juju's checks on an open-port / close-port range (exit 2: the tool checks them while parsing). */
export function checkPortRange(tool: string, port: PortRange): void {
  // The protocol is typed, but the fake hook-tool executables pass what a user typed.
  const protocol: string = port.protocol;
  if (!isProtocol(protocol)) fail(tool, 2, `invalid protocol "${protocol}", expected "tcp", "udp", or "icmp"`);
  if (port.protocol === "icmp") return;
  const from = port.port ?? -1;
  const to = port.toPort ?? from;
  const text = port.toPort === undefined ? `${from}` : `${from}-${to}`;
  if (from < 0 || to > MAX_PORT || !Number.isInteger(from) || !Number.isInteger(to)) {
    fail(tool, 2, `port range bounds must be between 0 and ${MAX_PORT}, got ${text}`);
  }
  if (from > to) fail(tool, 2, `invalid port range ${text}/${port.protocol}`);
}

function portKey(port: OpenedPort): string {
  return `${formatPort(port.range)}@${port.endpoint ?? "*"}`;
}
