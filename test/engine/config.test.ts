// engine/config.ts: Juju's rule for a `secret` option's value (juju/juju internal/charm/config.go,
// secretC.Coerce): Go's url.Parse must accept it and its scheme must be `secret`; "" unsets.

import { describe, expect, test } from "vitest";

import { configValueFits, secretOptionProblem } from "../../engine/config.js";

describe("secretOptionProblem", () => {
  test.each([
    "",
    "secret:d0000000000000000001",
    "secret://5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/d0000000000000000001",
    "SECRET:abc", // Go lowercases the scheme
    "secret:abc?x=%zz", // an opaque URI's query is not unescaped
  ])("%j is accepted", (value) => {
    expect(secretOptionProblem(value)).toBeUndefined();
  });

  test.each([
    ["d0000000000000000001", "secret URI scheme missing not valid"],
    ["https://example.com/x", 'secret URI scheme "https" not valid'],
    ["sekret:abc", 'secret URI scheme "sekret" not valid'],
    [":abc", "missing protocol scheme"],
    ["secret:abc\n", "net/url: invalid control character in URL"],
    ["secret:abc#%zz", 'invalid URL escape "%zz"'],
    ["secret:/path/%4", 'invalid URL escape "%4"'],
    ["secret://host:port/x", 'invalid port ":port" after host'],
    ["secret://ho st/x", 'invalid character " " in host name'],
    ["secret://[::1/x", "missing ']' in host"],
    ["a:b/c:d", 'secret URI scheme "a" not valid'],
    ["ab/c:d", "secret URI scheme missing not valid"],
  ])("%j is refused: %s", (value, problem) => {
    expect(secretOptionProblem(value)).toBe(problem);
  });

  test("configValueFits checks only the type: any string fits a secret option", () => {
    expect(configValueFits("secret", "not a uri")).toBe(true);
    expect(configValueFits("secret", 3)).toBe(false);
  });
});
