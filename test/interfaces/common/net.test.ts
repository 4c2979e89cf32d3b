// interfaces/common/net.ts against what the Python side does with the same values: pydantic's
// AnyHttpUrl and IPvAnyAddress, and haproxy_route's domain check (validators 0.20), recorded in
// test/fixtures/interfaces/haproxy-route/values.json by that folder's record.py.

import { readFileSync } from "node:fs";

import { describe, expect, test } from "vitest";

import { isValidDomain } from "../../../interfaces/haproxy-route/data.js";
import { fqdn, httpUrl, ipAddress } from "../../../interfaces/common/net.js";

interface Case {
  value: string;
  result?: string;
  refused?: string;
}

const recorded = JSON.parse(readFileSync(new URL("../../fixtures/interfaces/haproxy-route/values.json", import.meta.url), "utf8")) as {
  urls: Case[];
  ips: Case[];
  domains: Case[];
};

describe("httpUrl: pydantic's AnyHttpUrl", () => {
  test.each(recorded.urls.map((c) => [c.value, c] as const))("%j", (_value, c) => {
    expect(httpUrl(c.value)).toBe(c.result);
  });
});

describe("ipAddress: pydantic's IPvAnyAddress, printed as Python prints it", () => {
  test.each(recorded.ips.map((c) => [c.value, c] as const))("%j", (_value, c) => {
    expect(ipAddress(c.value)).toBe(c.result);
  });
});

describe("isValidDomain: haproxy_route's valid_domain_with_wildcard", () => {
  test.each(recorded.domains.map((c) => [c.value, c] as const))("%j", (_value, c) => {
    expect(isValidDomain(c.value)).toBe(c.result !== undefined);
  });
});

test("fqdn gives a non-empty name for this machine", async () => {
  expect(await fqdn()).toMatch(/^[^\s]+$/);
});
