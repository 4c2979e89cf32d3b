import { describe, expect, it } from "vitest";

import { DEFAULT_JUJU_VERSION, isJuju4, jujuMajor } from "../../grammar/juju-version.js";

describe("juju versions", () => {
  it("reads the major version of released and tagged versions", () => {
    expect(jujuMajor("3.6.4")).toBe(3);
    expect(jujuMajor("4.0.12")).toBe(4);
    expect(jujuMajor("4.1-beta2")).toBe(4);
    expect(jujuMajor("4.1-beta2.1")).toBe(4);
    expect(jujuMajor("4")).toBeUndefined();
    expect(jujuMajor("four")).toBeUndefined();
  });

  it("tells Juju 4 from the 3.6 LTS line", () => {
    expect(isJuju4("4.0.0")).toBe(true);
    expect(isJuju4("3.6.28")).toBe(false);
    expect(isJuju4(DEFAULT_JUJU_VERSION)).toBe(false);
    expect(isJuju4("nonsense")).toBe(false);
  });
});
