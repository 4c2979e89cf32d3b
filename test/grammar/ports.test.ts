// grammar/ports.ts: protocols, port numbers, ranges as Juju's tools print them, and overlaps.

import { describe, expect, test } from "vitest";

import { MAX_PORT, PROTOCOLS, type PortRange, formatPort, isPortNumber, isProtocol, parsePort, portsOverlap } from "../../grammar/ports.js";

describe("protocols and port numbers", () => {
  test("tcp, udp and icmp", () => {
    expect(PROTOCOLS).toEqual(["tcp", "udp", "icmp"]);
    for (const protocol of PROTOCOLS) expect(isProtocol(protocol)).toBe(true);
    for (const other of ["", "TCP", "sctp", "ip"]) expect(isProtocol(other)).toBe(false);
  });

  test("a port is a whole number from 0 to 65535", () => {
    expect(MAX_PORT).toBe(65535);
    for (const port of [0, 1, 80, 65535]) expect(isPortNumber(port)).toBe(true);
    for (const port of [-1, 65536, 1.5, Number.NaN, Infinity, "80", undefined, null]) expect(isPortNumber(port)).toBe(false);
  });
});

describe("formatPort and parsePort", () => {
  const cases: [PortRange, string][] = [
    [{ protocol: "tcp", port: 80 }, "80/tcp"],
    [{ protocol: "udp", port: 53 }, "53/udp"],
    [{ protocol: "tcp", port: 8000, toPort: 8099 }, "8000-8099/tcp"],
    [{ protocol: "udp", port: 0, toPort: 65535 }, "0-65535/udp"],
    [{ protocol: "icmp" }, "icmp"],
  ];

  test.each(cases)("%j is %s, and back", (range, text) => {
    expect(formatPort(range)).toBe(text);
    expect(parsePort(text)).toEqual(range);
    expect(parsePort(formatPort(range))).toEqual(range);
  });

  test("a range of one port is written as the port", () => {
    expect(formatPort({ protocol: "tcp", port: 443, toPort: 443 })).toBe("443/tcp");
  });

  const notRanges = ["", "80", "tcp", "80/", "/tcp", "80/sctp", "80/TCP", "icmp/tcp", "80-/tcp", "-80/tcp", "80-90-100/tcp"];
  notRanges.push(" 80/tcp", "80/tcp (web)");
  test.each(notRanges)("%j is not a range", (text) => {
    expect(parsePort(text)).toBeUndefined();
  });
});

describe("portsOverlap", () => {
  const tcp = (port: number, toPort?: number): PortRange =>
    toPort === undefined ? { protocol: "tcp", port } : { protocol: "tcp", port, toPort };

  test("ranges of one protocol that share a port overlap", () => {
    expect(portsOverlap(tcp(80), tcp(80))).toBe(true);
    expect(portsOverlap(tcp(8000, 8099), tcp(8050))).toBe(true);
    expect(portsOverlap(tcp(8050), tcp(8000, 8099))).toBe(true);
    expect(portsOverlap(tcp(80, 90), tcp(90, 100))).toBe(true);
    expect(portsOverlap(tcp(80, 100), tcp(85, 90))).toBe(true);
  });

  test("neighbours, and different protocols, do not", () => {
    expect(portsOverlap(tcp(80, 90), tcp(91, 100))).toBe(false);
    expect(portsOverlap(tcp(80), tcp(81))).toBe(false);
    expect(portsOverlap(tcp(80), { protocol: "udp", port: 80 })).toBe(false);
    expect(portsOverlap({ protocol: "icmp" }, tcp(0))).toBe(false);
  });

  test("icmp overlaps icmp", () => {
    expect(portsOverlap({ protocol: "icmp" }, { protocol: "icmp" })).toBe(true);
  });
});
