// fake-tools/formats.ts: goyaml's quoting of strings that look like timestamps, which Juju's
// goal-state times (`2026-11-23 06:27:37Z`) depend on.

import { describe, expect, test } from "vitest";

import { goYaml } from "../../fake-tools/formats.js";

describe("goYaml: timestamps as gopkg.in/yaml.v2 resolves them (resolve.go, parseTimestamp)", () => {
  test("a string Go would read back as a timestamp is quoted", () => {
    for (const text of ["2026-11-23", "2026-11-23 06:27:37", "2026-11-23 06:27:37.5", "2026-11-23T06:27:37Z", "2026-1-2t6:7:8+01:00"]) {
      expect(goYaml({ since: text })).toBe(`since: "${text}"\n`);
    }
  });

  test("Juju's FormatTime (a space, then Z) is no timestamp to Go: plain", () => {
    expect(goYaml({ since: "2026-11-23 06:27:37Z" })).toBe("since: 2026-11-23 06:27:37Z\n");
    expect(goYaml({ since: "2026-11-23 06:27:37 +0000" })).toBe("since: 2026-11-23 06:27:37 +0000\n");
  });
});
