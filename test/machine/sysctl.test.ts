// LocalSysctl: parsing, merging, conflicts and sysctl's refusal texts as plain logic, then the real
// thing in the machine sandbox. Only net.* keys are set there: the sandbox has a network namespace
// of its own, so they are its own; every other key is the host's (and is only used read-only).

import { readFileSync } from "node:fs";

import { beforeAll, describe, expect, test } from "vitest";

import {
  SYSCTL_HEADER,
  badConfigName,
  badKey,
  charmFileText,
  conflictingKeys,
  mergedText,
  parseSysctlText,
  refusedKeys,
} from "../../machine/sysctl.js";
import { expectFailure, kitScript, staleKit } from "../support/kit-script.js";
import { runInSandbox, sandboxBlocker, sandboxJson } from "../support/machine-sandbox.js";

describe("without a machine", () => {
  test("a sysctl file parses as key=value lines; comments (# and ;), blank lines and lines without = are skipped", () => {
    expect(parseSysctlText("# c\n; d\n\nnet.a = 1\nnet.b=x y \nnonsense\nnet.c==2\n")).toEqual({
      "net.a": "1",
      "net.b": "x y",
      "net.c": "=2",
    });
  });

  test("a charm's file is '# name' and its keys; the merged file is our header and the charm files in file-name order", () => {
    expect(charmFileText("app", { "net.a": "1", "net.b": "2" })).toBe("# app\nnet.a=1\nnet.b=2\n");
    const merged = mergedText([
      { file: "/etc/sysctl.d/90-juju-zeta", text: "# zeta\nnet.z=1\n" },
      { file: "/etc/sysctl.d/90-juju-alpha", text: "# alpha\nnet.a=1" },
    ]);
    expect(merged).toBe(`${SYSCTL_HEADER}# alpha\nnet.a=1\n# zeta\nnet.z=1\n`);
    expect(mergedText([])).toBe(SYSCTL_HEADER);
  });

  test("a conflict is a key another file sets to another value (multi-value fields compare by value, not spacing)", () => {
    const others: Record<string, string>[] = [{ "net.a": "1", "net.r": "1024 65000" }, { "net.b": "2" }];
    expect(conflictingKeys({ "net.a": "1", "net.b": "3", "net.c": "9" }, others)).toEqual(["net.b"]);
    expect(conflictingKeys({ "net.r": "1024\t65000" }, others)).toEqual([]);
    expect(conflictingKeys({ "net.b": "x", "net.a": "y" }, others)).toEqual(["net.a", "net.b"]);
  });

  test("sysctl's refusals are read in each wording procps-ng uses", () => {
    const stderr = [
      'sysctl: permission denied on key "kernel.osrelease", ignoring',
      'sysctl: setting key "net.ipv4.tcp_keepalive_time": Invalid argument',
      "sysctl: cannot stat /proc/sys/net/ipv4/no_such_key: No such file or directory",
      'sysctl: "net.x" is an unknown key',
    ].join("\n");
    expect(refusedKeys(stderr)).toEqual(["kernel.osrelease", "net.ipv4.tcp_keepalive_time", "net.ipv4.no_such_key", "net.x"]);
    expect(refusedKeys("net.ipv4.ip_forward = 1\n")).toEqual([]);
  });

  test("names and keys that are not safe are refused", () => {
    expect(badConfigName("tinyproxy")).toBeUndefined();
    for (const bad of ["", "../etc", "a/b", "a b", ".hidden", "-x"]) expect(badConfigName(bad), bad).toBeDefined();
    expect(badKey("net.ipv4.conf.eth0.forwarding")).toBeUndefined();
    for (const bad of ["", "net", "net ipv4.x", "net/ipv4/ip_forward", "-w.x", "net.a=b"]) expect(badKey(bad), bad).toBeDefined();
  });
});

const blocker = sandboxBlocker();
if (blocker !== undefined) console.warn(`test/machine/sysctl.test.ts: sandbox tests skipped, ${blocker}`);
const sandboxed = test.skipIf(blocker !== undefined);

const HOST_KEYS = ["net/ipv4/tcp_keepalive_time", "net/ipv4/tcp_keepalive_intvl", "net/ipv4/ip_forward", "net/ipv4/ip_local_port_range"];
const hostValues = (): string[] => HOST_KEYS.map((key) => readFileSync(`/proc/sys/${key}`, "utf8"));
let before: string[] = [];

beforeAll(() => {
  const stale = blocker === undefined ? staleKit() : undefined;
  if (stale !== undefined) throw new Error(stale);
  before = hostValues();
});

const inSandbox = (body: string): Record<string, unknown> => {
  const answer = sandboxJson(runInSandbox(kitScript(body))) as Record<string, unknown>;
  // What the sandbox set is its own network namespace's, never the host's.
  expect(hostValues()).toEqual(before);
  return answer;
};

sandboxed("configure applies the values, writes the charm's file (no .conf) and the merged file; merged() and values() read them", () => {
  const answer = inSandbox(`
    const old = await sysctl.values(["net.ipv4.tcp_keepalive_time"]);
    out.oldDiffers = old["net.ipv4.tcp_keepalive_time"] !== "321";
    await sysctl.configure("proxy", { "net.ipv4.tcp_keepalive_time": 321, "net.ipv4.ip_local_port_range": "20000 40000" });
    out.kernel = sh("sysctl -n net.ipv4.tcp_keepalive_time net.ipv4.ip_local_port_range");
    out.values = await sysctl.values(["net.ipv4.tcp_keepalive_time", "net.ipv4.ip_local_port_range"]);
    out.charmFile = fs.readFileSync("/etc/sysctl.d/90-juju-proxy", "utf8");
    out.mergedFile = fs.readFileSync("/etc/sysctl.d/95-juju-sysctl.conf", "utf8");
    out.mergedMode = fs.statSync("/etc/sysctl.d/95-juju-sysctl.conf").mode & 0o7777;
    out.merged = await sysctl.merged();
    // Configuring again with other values of its own keys is no conflict.
    await sysctl.configure("proxy", { "net.ipv4.tcp_keepalive_time": 322 });
    out.reconfigured = fs.readFileSync("/etc/sysctl.d/90-juju-proxy", "utf8");
    out.valuesAfter = await sysctl.values(["net.ipv4.tcp_keepalive_time"]);
    out.unknownKey = await failure(sysctl.values(["net.ipv4.no_such_key"]));
  `);
  expect(answer["oldDiffers"]).toBe(true);
  expect(answer["kernel"]).toBe("321\n20000\t40000\n");
  expect(answer["values"]).toEqual({ "net.ipv4.tcp_keepalive_time": "321", "net.ipv4.ip_local_port_range": "20000\t40000" });
  expect(answer["charmFile"]).toBe("# proxy\nnet.ipv4.tcp_keepalive_time=321\nnet.ipv4.ip_local_port_range=20000 40000\n");
  expect(answer["mergedFile"]).toBe(`${SYSCTL_HEADER}# proxy\nnet.ipv4.tcp_keepalive_time=321\nnet.ipv4.ip_local_port_range=20000 40000\n`);
  expect(answer["mergedMode"]).toBe(0o644);
  expect(answer["merged"]).toEqual({ "net.ipv4.tcp_keepalive_time": "321", "net.ipv4.ip_local_port_range": "20000 40000" });
  expect(answer["reconfigured"]).toBe("# proxy\nnet.ipv4.tcp_keepalive_time=322\n");
  expect(answer["valuesAfter"]).toEqual({ "net.ipv4.tcp_keepalive_time": "322" });
  expectFailure(answer["unknownKey"], { name: "SysctlApplyError", contains: ["net.ipv4.no_such_key"], keys: ["net.ipv4.no_such_key"] });
});

sandboxed("another charm's other value is a SysctlValidationError naming the keys, and nothing is applied or written", () => {
  const answer = inSandbox(`
    await sysctl.configure("zeta", { "net.ipv4.tcp_keepalive_time": 500, "net.ipv4.tcp_keepalive_intvl": 30 });
    await sysctl.configure("alpha", { "net.ipv4.ip_forward": 1, "net.ipv4.tcp_keepalive_intvl": 30 });
    out.merged = fs.readFileSync("/etc/sysctl.d/95-juju-sysctl.conf", "utf8");
    const mid = { "net.ipv4.ip_forward": 0, "net.ipv4.tcp_keepalive_time": 501, "net.ipv4.tcp_keepalive_intvl": 30 };
    out.conflict = await failure(sysctl.configure("mid", mid));
    out.kernel = await sysctl.values(["net.ipv4.ip_forward", "net.ipv4.tcp_keepalive_time"]);
    out.midFile = fs.existsSync("/etc/sysctl.d/90-juju-mid");
    out.mergedAfter = fs.readFileSync("/etc/sysctl.d/95-juju-sysctl.conf", "utf8");
  `);
  expect(answer["merged"]).toBe(
    SYSCTL_HEADER +
      "# alpha\nnet.ipv4.ip_forward=1\nnet.ipv4.tcp_keepalive_intvl=30\n" +
      "# zeta\nnet.ipv4.tcp_keepalive_time=500\nnet.ipv4.tcp_keepalive_intvl=30\n",
  );
  expectFailure(answer["conflict"], {
    name: "SysctlValidationError",
    contains: ["net.ipv4.ip_forward, net.ipv4.tcp_keepalive_time"],
    keys: ["net.ipv4.ip_forward", "net.ipv4.tcp_keepalive_time"],
  });
  expect(answer["kernel"]).toEqual({ "net.ipv4.ip_forward": "1", "net.ipv4.tcp_keepalive_time": "500" });
  expect(answer["midFile"]).toBe(false);
  expect(answer["mergedAfter"]).toBe(answer["merged"]);
});

sandboxed(
  "a key the kernel refuses is a SysctlApplyError naming it; the keys set with it get their old values back, no file is written",
  () => {
    const answer = inSandbox(`
    const keys = ["net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_keepalive_intvl"];
    out.old = await sysctl.values(keys);
    out.badValue = await failure(sysctl.configure("bad", { "net.ipv4.tcp_keepalive_time": 777, "net.ipv4.tcp_keepalive_intvl": "abc" }));
    out.afterBadValue = await sysctl.values(keys);
    // A read-only key (only read and refused: never a key of the host that could change).
    out.readOnly = await failure(sysctl.configure("bad", { "net.ipv4.tcp_keepalive_time": 778, "kernel.osrelease": "0.0" }));
    out.afterReadOnly = await sysctl.values(keys);
    out.unknown = await failure(sysctl.configure("bad", { "net.ipv4.tcp_keepalive_time": 779, "net.ipv4.no_such_key": 1 }));
    out.afterUnknown = await sysctl.values(keys);
    out.files = fs.readdirSync("/etc/sysctl.d").filter((name) => name.includes("juju"));
  `);
    expectFailure(answer["badValue"], {
      name: "SysctlApplyError",
      contains: ["net.ipv4.tcp_keepalive_intvl"],
      keys: ["net.ipv4.tcp_keepalive_intvl"],
    });
    expect(answer["afterBadValue"]).toEqual(answer["old"]);
    expectFailure(answer["readOnly"], { name: "SysctlApplyError", contains: ["kernel.osrelease"], keys: ["kernel.osrelease"] });
    expect(answer["afterReadOnly"]).toEqual(answer["old"]);
    expectFailure(answer["unknown"], { name: "SysctlApplyError", contains: ["net.ipv4.no_such_key"], keys: ["net.ipv4.no_such_key"] });
    expect(answer["afterUnknown"]).toEqual(answer["old"]);
    expect(answer["files"]).toEqual([]);
  },
);

sandboxed(
  "remove deletes the charm's file and re-merges the rest; the kernel keeps its values; bad names, keys and values are refused",
  () => {
    const answer = inSandbox(`
    await sysctl.configure("one", { "net.ipv4.tcp_keepalive_time": 601 });
    await sysctl.configure("two", { "net.ipv4.tcp_keepalive_intvl": 31 });
    await sysctl.remove("one");
    out.files = fs.readdirSync("/etc/sysctl.d").filter((name) => name.includes("juju")).sort();
    out.merged = fs.readFileSync("/etc/sysctl.d/95-juju-sysctl.conf", "utf8");
    out.kernel = await sysctl.values(["net.ipv4.tcp_keepalive_time"]);
    // Its key is free now: another charm may set another value.
    await sysctl.configure("three", { "net.ipv4.tcp_keepalive_time": 602 });
    await sysctl.remove("two");
    await sysctl.remove("three");
    await sysctl.remove("never-configured");
    out.emptyMerged = fs.readFileSync("/etc/sysctl.d/95-juju-sysctl.conf", "utf8");
    out.badName = await failure(sysctl.configure("../../tmp/x", { "net.ipv4.ip_forward": 1 }));
    out.badKey = await failure(sysctl.configure("ok", { "net.ipv4.ip_forward=0 net.ipv4.tcp_keepalive_time": 1 }));
    out.badValue = await failure(sysctl.configure("ok", { "net.ipv4.ip_forward": "1\\nnet.ipv4.tcp_keepalive_time=5" }));
    out.noKeys = await failure(sysctl.configure("ok", {}));
    out.okFile = fs.existsSync("/etc/sysctl.d/90-juju-ok");
  `);
    expect(answer["files"]).toEqual(["90-juju-two", "95-juju-sysctl.conf"]);
    expect(answer["merged"]).toBe(`${SYSCTL_HEADER}# two\nnet.ipv4.tcp_keepalive_intvl=31\n`);
    expect(answer["kernel"]).toEqual({ "net.ipv4.tcp_keepalive_time": "601" });
    expect(answer["emptyMerged"]).toBe(SYSCTL_HEADER);
    expectFailure(answer["badName"], { name: "TypeError", contains: ['"../../tmp/x"'] });
    expectFailure(answer["badKey"], { name: "TypeError", contains: ['"net.ipv4.ip_forward=0 net.ipv4.tcp_keepalive_time"'] });
    expectFailure(answer["badValue"], { name: "TypeError", contains: ["net.ipv4.ip_forward", "line break"] });
    expectFailure(answer["noKeys"], { name: "TypeError", contains: ['"ok"'] });
    expect(answer["okFile"]).toBe(false);
  },
);
