// fake-tools/runner.ts, through the real executables: the output formats (smart, yaml, json, `-o`), the
// deprecated `--format` of the tools that print nothing, `--help`, and the buffering across tools (writes
// visible to the same hook, in the model only after commit; status-set, juju-log, application-version-set
// and action-log immediate).

import { readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, test } from "vitest";

import { HookContext } from "../../engine/hook-context.js";
import { ACTION_TOOLS } from "../../fake-tools/actions.js";
import { TOOL_CONCEPTS, TOOL_NAMES, runTool } from "../../fake-tools/runner.js";
import { SECRET_TOOLS } from "../../fake-tools/secrets.js";

import { actionHook, APP_SECRET, committedState, demoModel, failure, hook, scratchDir, serveTools, success, UNIT_SECRET } from "./hook.js";

serveTools();

describe("output formats", () => {
  test("is-leader: smart True/False, json true/false, yaml true/false", async () => {
    const model = demoModel();
    const leader = hook(model, "demo/0");
    expect(await leader.run("is-leader")).toEqual(success("True\n"));
    expect(await leader.run("is-leader", ["--format=smart"])).toEqual(success("True\n"));
    expect(await leader.run("is-leader", ["--format=json"])).toEqual(success("true\n"));
    expect(await leader.run("is-leader", ["--format", "yaml"])).toEqual(success("true\n"));
    const follower = hook(model, "demo/1");
    expect(await follower.run("is-leader")).toEqual(success("False\n"));
    expect(await follower.run("is-leader", ["--format", "json"])).toEqual(success("false\n"));
    expect(await follower.run("is-leader", ["--format=yaml"])).toEqual(success("false\n"));
  });

  test("json: Go's json.Marshal with map keys sorted, `<` `>` `&` escaped, one trailing newline", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.out("relation-get", ["-r", "db:2", "--app", "-", "pg", "--format=json"])).toBe(
      '{"database":"demo","flag":"yes","special":"\\u003ca\\u0026b\\u003e"}\n',
    );
  });

  test("json: nil prints null; smart and yaml print nothing", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("config-get", ["no-such-option", "--format=json"])).toEqual(success("null\n"));
    expect(await h.run("config-get", ["no-such-option"])).toEqual(success(""));
    expect(await h.run("config-get", ["no-such-option", "--format=yaml"])).toEqual(success(""));
  });

  test("smart: a string as is, a list one item per line, an empty list or string nothing, a map as YAML", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.out("config-get", ["greeting"])).toBe("hi there\n");
    expect(await h.out("relation-ids", ["db"])).toBe("db:10\ndb:2\n");
    expect(await h.out("relation-list", ["-r", "website:3"])).toBe("");
    expect(await h.out("relation-get", ["-r", "db:2", "-", "pg/0"])).toBe('host: pg-0.internal\nport: "5432"\n');
  });

  test("yaml: strings that look like numbers or booleans are quoted", async () => {
    const h = hook(demoModel(), "demo/0");
    // yaml.v2 quotes keys the same way: "n" is false in YAML 1.1.
    expect(await h.out("leader-get", ["--format=yaml"])).toBe('k: v\n"n": "12345"\n');
    const uri = (await h.out("secret-add", ["flag=true", "count=12345", "ratio=1.0"])).trim();
    expect(await h.out("secret-get", [uri])).toBe('count: "12345"\nflag: "true"\nratio: "1.0"\n');
  });

  test("an unknown --format is a flag error (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("is-leader", ["--format", "xml"])).toEqual(
      failure(2, 'invalid value "xml" for option --format: unknown format "xml"'),
    );
    expect(await h.run("config-get", ["--format=toml"])).toEqual(
      failure(2, 'invalid value "toml" for option --format: unknown format "toml"'),
    );
  });

  test("-o/--output writes the output to a file, relative to the working directory, and prints nothing", async () => {
    const h = hook(demoModel(), "demo/0");
    const cwd = scratchDir();
    expect(await h.run("config-get", ["--format=json", "-o", "config.json"], { cwd })).toEqual(success(""));
    expect(readFileSync(join(cwd, "config.json"), "utf8")).toBe('{"debug":false,"greeting":"hi there","port":8080,"ratio":1.5}\n');
    expect(await h.run("is-leader", ["--output=leader.txt"], { cwd })).toEqual(success(""));
    expect(readFileSync(join(cwd, "leader.txt"), "utf8")).toBe("True\n");
    const absolute = join(scratchDir(), "ids.json");
    expect(await h.run("relation-ids", ["db", "--output", absolute, "--format", "json"], { cwd })).toEqual(success(""));
    expect(readFileSync(absolute, "utf8")).toBe('["db:10","db:2"]\n');
  });
});

describe("deprecated --format", () => {
  test("`--format` on juju-log, relation-set, open-port and close-port: accepted, deprecated, exit 0", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    for (const [tool, args] of [
      ["juju-log", ["--format=json", "hello"]],
      ["relation-set", ["--format", "json", "-r", "db:2", "a=b"]],
      ["open-port", ["--format=yaml", "8080"]],
      ["close-port", ["--format=smart", "8080"]],
    ] as const) {
      expect(await h.run(tool, args)).toEqual({ exitCode: 0, stdout: "", stderr: `--format flag deprecated for command "${tool}"` });
    }
    expect(model.logs.at(-1)?.message).toBe("hello");
    expect(await h.out("relation-get", ["-r", "db:2", "a", "demo/0"])).toBe("b\n");
  });
});

describe("buffered writes and immediate ones", () => {
  test("a hook that is not committed leaves relation data, state, secrets, ports and storage requests untouched", async () => {
    const model = demoModel();
    const before = committedState(model);
    const h = hook(model, "demo/0");
    for (const [tool, args] of [
      ["relation-set", ["-r", "db:2", "x=1"]],
      ["relation-set", ["-r", "cluster:0", "--app", "x=1"]],
      ["state-set", ["x=1"]],
      ["state-delete", ["x"]],
      ["secret-add", ["abc=1"]],
      ["secret-set", [APP_SECRET, "password=changed"]],
      ["secret-remove", [UNIT_SECRET]],
      ["secret-grant", [APP_SECRET, "-r", "db:2"]],
      ["open-port", ["8443"]],
      ["close-port", ["8443"]],
      ["open-port", ["9443/udp"]],
      ["storage-add", ["data"]],
      ["juju-reboot", []],
    ] as const) {
      expect((await h.run(tool, args)).exitCode, `${tool} ${args.join(" ")}`).toBe(0);
    }
    // Read-your-writes in the hook itself.
    expect(await h.out("state-get", ["x"])).toBe("");
    expect(await h.out("opened-ports")).toBe("9443/udp\n");
    expect(await h.out("secret-get", [APP_SECRET, "password", "--peek"])).toBe("changed\n");
    expect(committedState(model)).toBe(before);
  });

  test("status-set, juju-log, application-version-set and action-log take effect at once", async () => {
    const model = demoModel();
    const { hook: h, run } = actionHook(model, "demo/0", "backup");
    expect(await h.run("status-set", ["blocked", "waiting for db"])).toEqual(success());
    expect(await h.run("juju-log", ["-l", "WARNING", "careful"])).toEqual(success());
    expect(await h.run("application-version-set", ["2.0"])).toEqual(success());
    expect(await h.run("action-log", ["halfway"])).toEqual(success());
    expect(model.unit("demo/0").status).toEqual({ status: "blocked", message: "waiting for db", data: {} });
    expect(model.logs).toEqual([{ unit: "demo/0", level: "WARNING", message: "careful" }]);
    expect(model.app("demo").workloadVersion).toBe("2.0");
    expect(run.logs).toEqual(["halfway"]);
  });
});

describe("details of Juju's behaviour", () => {
  test("--help and -h exit 0 with help on stdout", async () => {
    const h = hook(demoModel(), "demo/0");
    for (const flag of ["--help", "-h"]) {
      const result = await h.run("relation-get", [flag]);
      expect({ exitCode: result.exitCode, stderr: result.stderr }, flag).toEqual({ exitCode: 0, stderr: "" });
      expect(result.stdout, flag).not.toBe("");
    }
  });

  test("yaml (goyaml = yaml.v2, YAML 1.1): strings that look like booleans there (yes, on) are quoted", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.out("relation-get", ["-r", "db:2", "--app", "flag", "pg", "--format=yaml"])).toBe('"yes"\n');
    expect(await h.out("relation-get", ["-r", "db:2", "--app", "-", "demo", "--format=yaml"])).toBe('requested: "yes"\n');
  });
});

// --- runTool and TOOL_NAMES, called directly ---------------------------------------------------

/** runTool in an update-status hook of demo/0, with stdout as text. */
function direct(tool: string, args: readonly string[]): { exitCode: number; stdout: string; stderr: string } {
  const output = runTool(new HookContext(demoModel(), "demo/0"), {}, tool, args, undefined, scratchDir());
  return { ...output, stdout: output.stdout.toString("utf8") };
}

describe("runTool and TOOL_NAMES", () => {
  test("TOOL_NAMES: every concept module's tools, each name handled by one concept only", () => {
    const perConcept = TOOL_CONCEPTS.flatMap((tools) => Object.keys(tools));
    expect(new Set(perConcept).size).toBe(perConcept.length);
    expect([...TOOL_NAMES].sort()).toEqual([...perConcept].sort());
    expect(TOOL_NAMES).toEqual(expect.arrayContaining([...Object.keys(SECRET_TOOLS), ...Object.keys(ACTION_TOOLS)]));
    // Every hook tool of Juju 3.6 that a machine charm can call, and the four the simulator refuses.
    expect([...TOOL_NAMES].sort()).toEqual(
      [
        "action-fail",
        "action-get",
        "action-log",
        "action-set",
        "add-metric",
        "application-version-set",
        "close-port",
        "config-get",
        "credential-get",
        "goal-state",
        "is-leader",
        "juju-log",
        "juju-reboot",
        "leader-get",
        "leader-set",
        "network-get",
        "open-port",
        "opened-ports",
        "payload-register",
        "payload-status-set",
        "payload-unregister",
        "relation-get",
        "relation-ids",
        "relation-list",
        "relation-model-get",
        "relation-set",
        "resource-get",
        "secret-add",
        "secret-get",
        "secret-grant",
        "secret-ids",
        "secret-info-get",
        "secret-remove",
        "secret-revoke",
        "secret-set",
        "state-delete",
        "state-get",
        "state-set",
        "status-get",
        "status-set",
        "storage-add",
        "storage-get",
        "storage-list",
        "unit-get",
      ].sort(),
    );
  });

  test("an unknown tool, or a name no handler owns (an Object.prototype key), is `unknown command` (exit 1)", () => {
    expect(direct("nope", [])).toEqual(failure(1, 'unknown command "nope"'));
    expect(direct("toString", [])).toEqual(failure(1, 'unknown command "toString"'));
  });

  test("--help: the usage line with the tool's own arguments, its options, and the formats it prints", () => {
    expect(direct("relation-get", ["--help"])).toEqual(
      success(
        "Usage: relation-get [options] <key> <unit id>\n\nOptions:\n  -r, --relation (= ...)\n  --app\n  --format (= ...)\n" +
          "  -o, --output (= ...)\n\nFormats: smart, yaml, json (default smart)\n",
      ),
    );
    expect(direct("secret-info-get", ["-h"]).stdout).toBe(
      "Usage: secret-info-get [options] <ID>\n\nOptions:\n  --label (= ...)\n  --format (= ...)\n  -o, --output (= ...)\n\n" +
        "Formats: yaml, json (default yaml)\n",
    );
    expect(direct("juju-reboot", ["--help"]).stdout).toBe("Usage: juju-reboot [options]\n\nOptions:\n  --now\n");
    expect(direct("leader-set", ["--help"]).stdout).toBe("Usage: leader-set [options] <key>=<value> [...]\n");
    // After `--`, `--help` is an argument like any other.
    expect(direct("leader-set", ["--", "--help"])).toEqual(failure(2, 'expected "key=value", got "--help"'));
  });

  test("a tool that prints nothing has no --format or -o; the deprecated ones take --format with a warning", () => {
    expect(direct("leader-set", ["--format=json", "a=1"])).toEqual(failure(2, "option provided but not defined: --format"));
    expect(direct("state-set", ["-o", "x", "a=1"])).toEqual(failure(2, "option provided but not defined: -o"));
    expect(direct("open-port", ["--format", "json", "8080"])).toEqual({
      exitCode: 0,
      stdout: "",
      stderr: '--format flag deprecated for command "open-port"',
    });
  });

  test("an unexpected failure inside a tool is exit 1 with the simulator named, not a crash", () => {
    expect(direct("state-set", ["--file", "missing.yaml"])).toMatchObject({ exitCode: 1, stdout: "" });
    const { stderr } = direct("state-set", ["--file", "missing.yaml"]);
    expect(stderr).toMatch(/^ERROR tscharm simulator: ENOENT: no such file or directory, open '.*missing\.yaml'\n$/);
  });
});
