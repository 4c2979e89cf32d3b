// What a unit's charm directory gets and what its hooks execute, through the simulator: every
// file of a .charm or charm directory (juju/juju internal/charm/charmarchive.go `ExpandTo`), a
// refresh as Juju's manifest deployer does it (worker/uniter/charm/manifest_deployer.go), dispatch
// of any kind or hooks/<name> without it (worker/uniter/runner/runner.go `discoverHookHandler`),
// and Juju 4's refusal of a charm without manifest bases (internal/charm/meta.go `Meta.Check`).

import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { type ZipEntry, writeZip } from "../../project/archive.js";
import { NO_BASES } from "../../simulator/charm-source.js";
import { Simulator, SimulatorError } from "../../simulator/simulator.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "tscharm-charm-source-"));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

async function simulator(control: string, jujuVersion?: string): Promise<Simulator> {
  const sim = await Simulator.create({ env: { CONTROL: control }, ...(jujuVersion === undefined ? {} : { jujuVersion }) });
  cleanups.unshift(() => sim.close({ remove: true }));
  return sim;
}

const MANIFEST = "bases:\n  - name: ubuntu\n    channel: '22.04'\n    architectures: [amd64]\n";
const text = (name: string, data: string, mode = 0o644): ZipEntry => ({ name, data: Buffer.from(data), mode });
const script = (name: string, body: string): ZipEntry => text(name, `#!/bin/sh\n${body}\n`, 0o755);

function charmFile(dir: string, name: string, entries: readonly ZipEntry[]): string {
  const path = join(dir, `${name}.charm`);
  writeZip(path, [text("metadata.yaml", `name: ${name}\nsummary: s\ndescription: d\n`), text("manifest.yaml", MANIFEST), ...entries]);
  return path;
}

const lines = (path: string): string[] => (existsSync(path) ? readFileSync(path, "utf8").trim().split("\n") : []);

describe("what a unit's charm directory gets", () => {
  test("every entry of a .charm, modes kept, big files hard-linked from the stored charm", async () => {
    const dir = scratch();
    const sim = await simulator(dir);
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    sim.deploy(
      charmFile(dir, "files", [
        script("dispatch", 'echo "$JUJU_DISPATCH_PATH" >> "$CONTROL/ran"'),
        text("templates/site.conf", "listen 80\n"),
        text("src/lib/deep/helper.py", "print(1)\n", 0o600),
        { name: "bin/tool", data: big, mode: 0o755 },
        { name: "current", data: Buffer.from("templates"), mode: 0o777, type: "symlink" },
        text("version", "1.2\n"),
      ]),
      { numUnits: 2 },
    );
    await sim.settle();
    for (const unit of ["files/0", "files/1"]) {
      const charm = sim.charmDir(unit);
      expect(readFileSync(join(charm, "templates", "site.conf"), "utf8")).toBe("listen 80\n");
      expect(statSync(join(charm, "src", "lib", "deep", "helper.py")).mode & 0o777).toBe(0o600);
      expect(statSync(join(charm, "bin", "tool")).mode & 0o777).toBe(0o755);
      expect(readlinkSync(join(charm, "current"))).toBe("templates");
      expect(readFileSync(join(charm, "version"), "utf8")).toBe("1.2\n");
    }
    expect(statSync(join(sim.charmDir("files/0"), "bin", "tool")).ino).toBe(statSync(join(sim.charmDir("files/1"), "bin", "tool")).ino);
    expect(lines(join(dir, "ran"))).toContain("hooks/install");
  });

  test("a charm directory deploys with all its files (copied, not linked), less what Juju never packs", async () => {
    const dir = scratch();
    const source = join(dir, "plain");
    mkdirSync(join(source, "templates"), { recursive: true });
    mkdirSync(join(source, ".git"));
    writeFileSync(join(source, "metadata.yaml"), "name: plain\nsummary: s\ndescription: d\n");
    writeFileSync(join(source, "manifest.yaml"), MANIFEST);
    writeFileSync(join(source, "dispatch"), '#!/bin/sh\necho "$JUJU_DISPATCH_PATH" >> "$CONTROL/ran"\n');
    chmodSync(join(source, "dispatch"), 0o775);
    writeFileSync(join(source, "templates", "a.conf"), "a\n");
    chmodSync(join(source, "templates", "a.conf"), 0o600);
    writeFileSync(join(source, ".git", "HEAD"), "ref\n");
    const sim = await simulator(dir);
    sim.deploy(source);
    await sim.settle();
    const charm = sim.charmDir("plain/0");
    expect(readFileSync(join(charm, "templates", "a.conf"), "utf8")).toBe("a\n");
    // As `juju deploy ./dir` packs it: 0755 when the owner may execute, 0644 otherwise.
    expect(statSync(join(charm, "dispatch")).mode & 0o777).toBe(0o755);
    expect(statSync(join(charm, "templates", "a.conf")).mode & 0o777).toBe(0o644);
    expect(existsSync(join(charm, ".git"))).toBe(false);
    expect(statSync(join(charm, "templates", "a.conf")).ino).not.toBe(statSync(join(source, "templates", "a.conf")).ino);
    expect(lines(join(dir, "ran"))).toContain("hooks/start");
  });

  test("refresh: the old charm's files the new one lacks go, the new ones come, what the unit wrote stays", async () => {
    const dir = scratch();
    const sim = await simulator(dir);
    const dispatch = script("dispatch", 'echo "$JUJU_DISPATCH_PATH" >> "$CONTROL/ran"; echo mine > own-file');
    sim.deploy(charmFile(dir, "upg", [dispatch, text("old-only.txt", "old"), text("shared.txt", "v1"), text("gone/deep.txt", "x")]));
    await sim.settle();
    const charm = sim.charmDir("upg/0");
    writeFileSync(join(charm, ".unit-state.json"), "{}\n");
    expect(readFileSync(join(charm, "own-file"), "utf8")).toBe("mine\n");
    const next = join(dir, "next");
    mkdirSync(next);
    sim.refresh("upg", charmFile(next, "upg", [dispatch, text("shared.txt", "v2"), text("new-only.txt", "new")]));
    await sim.settle();
    expect(lines(join(dir, "ran"))).toContain("hooks/upgrade-charm");
    expect(existsSync(join(charm, "old-only.txt"))).toBe(false);
    expect(existsSync(join(charm, "gone"))).toBe(false);
    expect(readFileSync(join(charm, "shared.txt"), "utf8")).toBe("v2");
    expect(readFileSync(join(charm, "new-only.txt"), "utf8")).toBe("new");
    expect(readFileSync(join(charm, ".unit-state.json"), "utf8")).toBe("{}\n");
    expect(readFileSync(join(charm, "own-file"), "utf8")).toBe("mine\n");
  });

  test("a hostile .charm is refused at deploy, naming the entry, and the model is unchanged", async () => {
    const dir = scratch();
    const sim = await simulator(dir);
    const hostile = charmFile(dir, "hostile", [
      script("dispatch", "true"),
      { name: "link", data: Buffer.from("/etc"), mode: 0o777, type: "symlink" },
      text("link/x", "owned"),
    ]);
    expect(() => sim.deploy(hostile)).toThrow(SimulatorError);
    expect(() => sim.deploy(hostile)).toThrow(`cannot unpack ${hostile}: cannot extract "link": symlink "/etc" is absolute`);
    const setuid = charmFile(dir, "setuid", [{ name: "dispatch", data: Buffer.from("#!/bin/sh\ntrue\n"), mode: 0o4755 }]);
    sim.deploy(setuid);
    await sim.settle();
    expect(statSync(join(sim.charmDir("setuid/0"), "dispatch")).mode & 0o7777).toBe(0o755);
    expect(Object.keys((sim.status()["applications"] ?? {}) as object)).toEqual(["setuid"]);
  });
});

describe("hostile charms that were refused before, still refused", () => {
  test("a YAML alias bomb in metadata.yaml: a clear error at once, not a wedged simulator", async () => {
    const dir = scratch();
    const sim = await simulator(dir);
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let n = 1; n < 9; n++)
      levels.push(
        `${String.fromCharCode(97 + n)}: &${String.fromCharCode(97 + n)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + n)}`)
          .join(", ")}]`,
      );
    const path = join(dir, "bomb.charm");
    writeZip(path, [text("metadata.yaml", `name: bomb\nsummary: s\ndescription: d\n${levels.join("\n")}\n`), script("dispatch", "true")]);
    const started = performance.now();
    expect(() => sim.deploy(path)).toThrow(/alias/i);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(sim.status()["applications"]).toEqual({});
  });

  test("a charm directory with a link that leads out, or a fifo: refused in Juju's words (internal/charm/charmdir.go)", async () => {
    const dir = scratch();
    const sim = await simulator(dir);
    const charmDirectory = (name: string): string => {
      const path = join(dir, name);
      mkdirSync(join(path, "x"), { recursive: true });
      writeFileSync(join(path, "metadata.yaml"), `name: ${name}\nsummary: s\ndescription: d\n`);
      writeFileSync(join(path, "dispatch"), "#!/bin/sh\n", { mode: 0o755 });
      return path;
    };
    const absolute = charmDirectory("absolute");
    symlinkSync("/etc", join(absolute, "link"));
    expect(() => sim.deploy(absolute)).toThrow('symlink "link" is absolute: "/etc"');
    const out = charmDirectory("out");
    symlinkSync("../..", join(out, "x", "up"));
    expect(() => sim.deploy(out)).toThrow('symlink "x/up" links out of charm: "../.."');
    const together = charmDirectory("together");
    symlinkSync("..", join(together, "x", "s"));
    symlinkSync("x/s/..", join(together, "b"));
    expect(() => sim.deploy(together)).toThrow('symlink "b" links out of charm: "x/s/.."');
    const fifo = charmDirectory("fifo");
    execFileSync("mkfifo", [join(fifo, "pipe")]);
    expect(() => sim.deploy(fifo)).toThrow('file is a named pipe: "pipe"');
    expect(sim.status()["applications"]).toEqual({});
  });

  test("a .charm that is not a zip", async () => {
    const dir = scratch();
    const sim = await simulator(dir);
    const path = join(dir, "text.charm");
    writeFileSync(path, "not a zip\n");
    expect(() => sim.deploy(path)).toThrow(`cannot unpack ${path}: not a zip archive (no end of central directory)`);
  });
});

describe("what a hook executes", () => {
  test("no dispatch: hooks/<name> runs with JUJU_DISPATCH_PATH hooks/<name>; a hook with no file is skipped as done", async () => {
    const dir = scratch();
    const sim = await simulator(dir);
    const record = 'echo "$(basename "$0") $JUJU_DISPATCH_PATH" >> "$CONTROL/ran"';
    sim.deploy(
      charmFile(dir, "hooky", [
        text("actions.yaml", "greet:\n  description: d\n"),
        script("hooks/install", record),
        text("hooks/start", `#!/bin/sh\n${record}\n`), // 0644 in the zip: Juju makes a hook u+x
        text("hooks/notes.txt", "not a hook\n"),
        script("actions/greet", record),
      ]),
    );
    await sim.settle();
    expect(lines(join(dir, "ran"))).toEqual(["install hooks/install", "start hooks/start"]);
    expect(statSync(join(sim.charmDir("hooky/0"), "hooks", "start")).mode & 0o777).toBe(0o744);
    expect(statSync(join(sim.charmDir("hooky/0"), "hooks", "notes.txt")).mode & 0o777).toBe(0o644);
    const history = sim.history().filter((entry) => entry.unit === "hooky/0");
    expect(history.find((entry) => entry.name === "config-changed")?.outcome).toBe("skipped (missing)");
    expect(history.find((entry) => entry.name === "start")?.outcome).toBe("ok");

    const greet = await sim.runTask(sim.enqueueAction("hooky/0", "greet").id);
    expect(greet.status).toBe("completed");
    expect(lines(join(dir, "ran"))).toContain("greet actions/greet");
  });

  test("an action the charm declares but has no file for fails: action not implemented on unit", async () => {
    const dir = scratch();
    const sim = await simulator(dir);
    sim.deploy(charmFile(dir, "noact", [text("actions.yaml", "absent:\n  description: d\n"), script("hooks/install", "true")]));
    await sim.settle();
    const task = await sim.runTask(sim.enqueueAction("noact/0", "absent").id);
    expect(task.status).toBe("failed");
    expect(task.message).toBe('action not implemented on unit "noact/0"');
  });

  test("dispatch of any kind: a Node script, a compiled executable", async () => {
    const dir = scratch();
    const sim = await simulator(dir);
    const node = `#!${process.execPath}\nrequire("node:fs").appendFileSync(process.env.CONTROL + "/node", process.env.JUJU_DISPATCH_PATH + "\\n");\n`;
    sim.deploy(charmFile(dir, "nodey", [text("dispatch", node, 0o755)]));
    const compiled = join(dir, "true-binary");
    copyFileSync("/bin/true", compiled);
    sim.deploy(charmFile(dir, "binary", [{ name: "dispatch", data: readFileSync(compiled), mode: 0o755 }]));
    await sim.settle();
    expect(lines(join(dir, "node"))).toContain("hooks/start");
    expect(
      readFileSync(join(sim.charmDir("binary/0"), "dispatch"))
        .subarray(1, 4)
        .toString(),
    ).toBe("ELF");
    expect(
      sim
        .history()
        .filter((entry) => entry.unit === "binary/0" && entry.kind === "hook")
        .every((entry) => entry.outcome === "ok"),
    ).toBe(true);
    expect(lstatSync(join(sim.charmDir("binary/0"), "dispatch")).isFile()).toBe(true);
  });
});

describe("Juju 4 refuses a charm without manifest bases", () => {
  function noBases(dir: string, bases: string | undefined): string {
    const path = join(dir, `nobases-${String(Math.random()).slice(2)}.charm`);
    writeZip(path, [
      text("metadata.yaml", "name: nobases\nsummary: s\ndescription: d\n"),
      ...(bases === undefined ? [] : [text("manifest.yaml", bases)]),
      script("dispatch", "true"),
    ]);
    return path;
  }

  test.each([
    ["no manifest.yaml", undefined],
    ["empty bases", "bases: []\n"],
    ["no bases key", "analysis: {}\n"],
  ])("%s: refused on 4.0.12, deployed on 3.6.4", async (_what, manifest) => {
    const dir = scratch();
    const four = await simulator(dir, "4.0.12");
    expect(() => four.deploy(noBases(dir, manifest))).toThrow(NO_BASES);
    const three = await simulator(dir, "3.6.4");
    three.deploy(noBases(dir, manifest));
    await three.settle();
    expect(three.history().some((entry) => entry.unit === "nobases/0" && entry.name === "start")).toBe(true);
  });

  test("refresh to a charm without bases is refused on 4.0.12; with bases it goes through", async () => {
    const dir = scratch();
    const four = await simulator(dir, "4.0.12");
    four.deploy(noBases(dir, MANIFEST));
    await four.settle();
    expect(() => {
      four.refresh("nobases", noBases(dir, undefined));
    }).toThrow(NO_BASES);
    four.refresh("nobases", noBases(dir, MANIFEST));
    await four.settle();
    expect(four.history().some((entry) => entry.unit === "nobases/0" && entry.name === "upgrade-charm")).toBe(true);
  });
});
