// Juju's ports: protocols and port ranges as `open-port` takes them.

export const PROTOCOLS = ["tcp", "udp", "icmp"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** A port or range of one protocol; icmp has none. */
export interface PortRange {
  readonly protocol: Protocol;
  readonly port?: number;
  /** The last port of a range (`8000-8099/tcp`). */
  readonly toPort?: number;
}

export const MAX_PORT = 65535;

export function isProtocol(value: string): value is Protocol {
  return (PROTOCOLS as readonly string[]).includes(value);
}

/** A whole number from 0 to 65535. */
export function isPortNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_PORT;
}

/** `80/tcp`, `8000-8099/udp`, `icmp`: how Juju's tools print a range. */
export function formatPort(port: PortRange): string {
  if (port.protocol === "icmp") return "icmp";
  const range = port.toPort === undefined || port.toPort === port.port ? String(port.port) : `${String(port.port)}-${String(port.toPort)}`;
  return `${range}/${port.protocol}`;
}

/**
 * Juju's order of port ranges: by protocol name, then first port, then last port (juju/juju
 * core/network/portrange.go, PortRange.LessThan and SortPortRanges). A single port ends where it starts.
 */
export function comparePortRanges(a: PortRange, b: PortRange): number {
  if (a.protocol !== b.protocol) return a.protocol < b.protocol ? -1 : 1;
  const from = (a.port ?? 0) - (b.port ?? 0);
  return from !== 0 ? from : (a.toPort ?? a.port ?? 0) - (b.toPort ?? b.port ?? 0);
}

/** The reverse of `formatPort`; undefined for text that is not a range. */
export function parsePort(text: string): PortRange | undefined {
  if (text === "icmp") return { protocol: "icmp" };
  const match = /^(\d+)(?:-(\d+))?\/(tcp|udp)$/.exec(text);
  if (match === null) return undefined;
  const protocol = match[3] === "udp" ? "udp" : "tcp";
  const port = Number(match[1]);
  return match[2] === undefined ? { protocol, port } : { protocol, port, toPort: Number(match[2]) };
}

/** Two ranges of one protocol that share a port. */
export function portsOverlap(a: PortRange, b: PortRange): boolean {
  if (a.protocol !== b.protocol) return false;
  if (a.protocol === "icmp") return true;
  const aFrom = a.port ?? 0;
  const bFrom = b.port ?? 0;
  return aFrom <= (b.toPort ?? bFrom) && bFrom <= (a.toPort ?? aFrom);
}
