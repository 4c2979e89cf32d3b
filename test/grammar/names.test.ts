// grammar/names.ts: application and unit names (juju/names ApplicationSnippet, UnitSnippet), and unit ordering.

import { describe, expect, test } from "vitest";

import { byUnitNumber, isAppName, isUnitName, parseUnitName } from "../../grammar/names.js";

describe("application names", () => {
  test.each(["demo", "mysql-k8s", "a", "a1", "my-app2", "x-1a", "postgresql-k8s-v2"])("%s is one", (name) => {
    expect(isAppName(name)).toBe(true);
  });

  // Each hyphen-joined word needs a letter, the first starts with one; lowercase only.
  test.each(["", "Demo", "1app", "app-1", "app--x", "-app", "app-", "my_app", "app/0", "ap p", "démo"])("%j is not one", (name) => {
    expect(isAppName(name)).toBe(false);
  });
});

describe("unit names", () => {
  test.each(["demo/0", "demo/10", "mysql-k8s/3"])("%s is one", (name) => {
    expect(isUnitName(name)).toBe(true);
  });

  const notUnits = ["demo", "demo/", "demo/01", "demo/-1", "demo/1.5", "Demo/0", "app-1/0", "/0", "demo/0/1", " demo/0"];
  test.each(notUnits)("%j is not one", (name) => {
    expect(isUnitName(name)).toBe(false);
  });

  test("parseUnitName splits the application and the number", () => {
    expect(parseUnitName("mysql-k8s/12")).toEqual({ app: "mysql-k8s", number: 12 });
    expect(parseUnitName("demo/0")).toEqual({ app: "demo", number: 0 });
    expect(parseUnitName("demo/01")).toBeUndefined();
    expect(parseUnitName("demo")).toBeUndefined();
  });
});

describe("byUnitNumber", () => {
  test("units of one application sort by number, not by text", () => {
    expect(["demo/10", "demo/2", "demo/0", "demo/1"].sort(byUnitNumber)).toEqual(["demo/0", "demo/1", "demo/2", "demo/10"]);
  });

  test("units of different applications, and other names, sort by text", () => {
    expect(["web/0", "db/10", "db/2", "api/5"].sort(byUnitNumber)).toEqual(["api/5", "db/2", "db/10", "web/0"]);
    expect(["b", "a", "demo/1"].sort(byUnitNumber)).toEqual(["a", "b", "demo/1"]);
    expect(byUnitNumber("demo/3", "demo/3")).toBe(0);
    expect(byUnitNumber("x", "x")).toBe(0);
  });
});
