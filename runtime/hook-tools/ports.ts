// Ports: `open-port`, `close-port`, `opened-ports`; ranges written and read as Juju's tools print them.

import { type PortRange, formatPort, parsePort as parseRange } from "../../grammar/ports.js";
import type { ToolCall } from "./call.js";
import { expectStringArray, malformed } from "./output.js";

export { formatPort } from "../../grammar/ports.js";
export type { PortRange, Protocol } from "../../grammar/ports.js";

export interface PortTools {
  openPort(port: PortRange, endpoints?: readonly string[]): void;
  closePort(port: PortRange, endpoints?: readonly string[]): void;
  openedPorts(): PortRange[];
}

export function openPort(call: ToolCall, port: PortRange, endpoints?: readonly string[]): void {
  call.run("open-port", [...endpointsFlag(endpoints), formatPort(port)]);
}

export function closePort(call: ToolCall, port: PortRange, endpoints?: readonly string[]): void {
  call.run("close-port", [...endpointsFlag(endpoints), formatPort(port)]);
}

export function openedPorts(call: ToolCall): PortRange[] {
  return expectStringArray("opened-ports", call.json("opened-ports", ["--format=json"])).map((text) => {
    const port = parsePort(text);
    if (!port) throw malformed("opened-ports", `"${text}" is not a port`);
    return port;
  });
}

/** Parses `opened-ports` items (`80/tcp`, `8000-8099/udp`, `icmp`, optionally followed by ` (endpoints)`). */
export function parsePort(text: string): PortRange | undefined {
  return parseRange(text.replace(/\s+\(.*\)$/, ""));
}

function endpointsFlag(endpoints: readonly string[] | undefined): string[] {
  return endpoints === undefined || endpoints.length === 0 ? [] : ["--endpoints", endpoints.join(",")];
}
