// grammar/secrets.ts: content keys and sizes, rotate policies, expiry times and durations, secret ids.

import { describe, expect, test } from "vitest";

import {
  MAX_SECRET_CONTENT_BYTES,
  SECRET_ROTATE_POLICIES,
  base64Length,
  goDurationMs,
  isExactSecretId,
  isGoDuration,
  isPositiveGoDuration,
  isRfc3339Time,
  isSecretKey,
  isSecretRotatePolicy,
  parseSecretUri,
  secretUri,
} from "../../grammar/secrets.js";

const XID = "cs9ab3go9ns0ql5jgv6g";
const MODEL = "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

describe("content keys", () => {
  test.each(["abc", "password", "tls-cert", "a-b-c", "a1b", "key2", "a-bc"])("%s is one", (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  // A lowercase letter first, then letters, digits and single hyphens; 3 characters or more.
  test.each(["", "ab", "a-", "Abc", "1abc", "-abc", "abc-", "a--bc", "ab_c", "a.bc", "ab c", "tls_cert"])("%j is not one", (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});

describe("sizes", () => {
  test("base64Length is the length Buffer's base64 encoding has, for ASCII and multi-byte text", () => {
    for (const value of ["", "a", "ab", "abc", "abcd", "é", "✓✓", "🙂", "x".repeat(1001), `${"ü".repeat(333)}z`]) {
      expect(base64Length(value), JSON.stringify(value)).toBe(Buffer.from(value, "utf8").toString("base64").length);
    }
  });

  test("the cap is Juju's 1,000,000 bytes of base64", () => {
    expect(MAX_SECRET_CONTENT_BYTES).toBe(1_000_000);
    expect(base64Length("x".repeat(750_000))).toBe(MAX_SECRET_CONTENT_BYTES);
    expect(base64Length("x".repeat(750_001))).toBeGreaterThan(MAX_SECRET_CONTENT_BYTES);
  });
});

describe("rotate policies", () => {
  test("the seven of Juju, in its order", () => {
    expect(SECRET_ROTATE_POLICIES).toEqual(["never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"]);
    for (const policy of SECRET_ROTATE_POLICIES) expect(isSecretRotatePolicy(policy)).toBe(true);
  });

  test.each(["", "Daily", "biweekly", "never ", "1h"])("%j is not one", (policy) => {
    expect(isSecretRotatePolicy(policy)).toBe(false);
  });
});

describe("expiry: RFC 3339 times", () => {
  const times = ["2025-01-02T03:04:05Z", "2025-01-02T03:04:05.123Z", "2025-01-02T03:04:05+02:00", "2025-01-02T03:04:05"];
  test.each(times)("%s is one", (time) => {
    expect(isRfc3339Time(time)).toBe(true);
  });

  // Shape alone is not enough: the time must name a real instant.
  test.each(["", "2025-01-02", "2025-01-02 03:04:05Z", "2025-13-02T03:04:05Z", "2025-01-02T25:04:05Z", "24h", "2025-01-02T03:04:05+0200"])(
    "%j is not one",
    (time) => {
      expect(isRfc3339Time(time)).toBe(false);
    },
  );
});

describe("expiry: Go durations", () => {
  test.each(["24h", "1h30m", "-5s", "0.5ms", "300ms", "1us", "1µs", "10ns", "0s", "1h0m0s"])("%s is one", (text) => {
    expect(isGoDuration(text)).toBe(true);
  });

  test.each(["", "24", "h", "1d", "1 h", "1H", "+5s", "1.s", ".5s", "5s-"])("%j is not one", (text) => {
    expect(isGoDuration(text)).toBe(false);
  });

  test("secret-add --expire wants one greater than zero", () => {
    expect(isPositiveGoDuration("24h")).toBe(true);
    expect(isPositiveGoDuration("0.5s")).toBe(true);
    expect(isPositiveGoDuration("0s")).toBe(false);
    expect(isPositiveGoDuration("0h0m0.0s")).toBe(false);
    expect(isPositiveGoDuration("-5s")).toBe(false);
    expect(isPositiveGoDuration("5")).toBe(false);
  });

  test("goDurationMs adds the parts up, in milliseconds", () => {
    expect(goDurationMs("24h")).toBe(86_400_000);
    expect(goDurationMs("1h30m")).toBe(5_400_000);
    expect(goDurationMs("1h0m1s")).toBe(3_601_000);
    expect(goDurationMs("-5s")).toBe(-5000);
    expect(goDurationMs("0.5ms")).toBe(0.5);
    expect(goDurationMs("1.5h")).toBe(5_400_000);
    expect(goDurationMs("2us")).toBeCloseTo(0.002, 12);
    expect(goDurationMs("2µs")).toBeCloseTo(0.002, 12);
    expect(goDurationMs("500ns")).toBeCloseTo(0.0005, 12);
    expect(goDurationMs("0s")).toBe(0);
  });
});

describe("secret ids", () => {
  test("parseSecretUri reads the three forms", () => {
    expect(parseSecretUri(`secret://${MODEL}/${XID}`)).toEqual({ xid: XID, modelUuid: MODEL });
    expect(parseSecretUri(`secret:${XID}`)).toEqual({ xid: XID, modelUuid: undefined });
    expect(parseSecretUri(XID)).toEqual({ xid: XID, modelUuid: undefined });
    expect(parseSecretUri(`  secret:${XID}\n`)).toEqual({ xid: XID, modelUuid: undefined });
  });

  test.each([
    "",
    "secret:",
    "secret:short",
    `secret:${XID}x`,
    XID.slice(1),
    `secret:${XID.toUpperCase()}`,
    "cs9ab3go9ns0ql5jgv6w",
    `secret:/${MODEL}/${XID}`,
    `secret:///${XID}`,
    `secret://${MODEL}/a/${XID}`,
    `secret//${MODEL}/${XID}`,
    `${MODEL}/${XID}`,
    `secrets:${XID}`,
  ])("parseSecretUri refuses %j", (id) => {
    expect(parseSecretUri(id)).toBeUndefined();
  });

  test("secretUri writes what parseSecretUri reads", () => {
    expect(secretUri(MODEL, XID)).toBe(`secret://${MODEL}/${XID}`);
    expect(parseSecretUri(secretUri(MODEL, XID))).toEqual({ xid: XID, modelUuid: MODEL });
  });

  test("isExactSecretId takes the three forms only as Juju writes them", () => {
    expect(isExactSecretId(`secret://${MODEL}/${XID}`)).toBe(true);
    expect(isExactSecretId(`secret:${XID}`)).toBe(true);
    expect(isExactSecretId(XID)).toBe(true);
    expect(isExactSecretId(` secret:${XID}`)).toBe(false);
    expect(isExactSecretId(`secret:${XID}\n`)).toBe(false);
    expect(isExactSecretId(`secret://Model-X/${XID}`)).toBe(false);
    expect(isExactSecretId(`secret://uuid/${XID}`)).toBe(false);
    expect(isExactSecretId("secret:short")).toBe(false);
  });
});
