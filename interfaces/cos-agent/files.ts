// The files a charm ships for cos_agent, read in the charm directory: rule files (for rules.ts)
// and dashboards. A path given relative (the library's defaults are `./src/...`) is relative to the
// charm directory, where Juju runs the hook; `tscharm pack` ships the project's `src/` for them.

import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";

import { log } from "../../runtime/index.js";
import { pythonJson } from "../common/data.js";
import type { RuleFiles } from "./rules.js";
import { lzmaBase64 } from "./xz.js";

/** `path` as Python's `str(Path(path))` spells it: no `.` parts, no doubled or trailing slashes. */
export function pythonPath(path: string): string {
  const absolute = path.startsWith("/");
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  const joined = parts.join("/");
  return absolute ? `/${joined}` : joined === "" ? "." : joined;
}

function resolve(charmDir: string, path: string): string {
  return path.startsWith("/") ? path : `${charmDir}/${path}`;
}

/** The charm directory's files, for the rule reader; `cos-tool-<arch>` is run if the charm has it. */
export function charmFiles(charmDir: string): RuleFiles {
  return {
    kind(path) {
      try {
        const stat = statSync(resolve(charmDir, path));
        return stat.isDirectory() ? "dir" : stat.isFile() ? "file" : undefined;
      } catch {
        return undefined;
      }
    },
    list: (path) => readdirSync(resolve(charmDir, path)).sort(),
    read: (path) => readFileSync(resolve(charmDir, path), "utf8"),
    cosTool(args) {
      // Python's platform.machine(), with x86_64 spelled amd64 as cosl does: cos-tool-amd64, cos-tool-aarch64.
      const arch = process.arch === "x64" ? "amd64" : process.arch === "arm64" ? "aarch64" : process.arch;
      const tool = `${charmDir}/cos-tool-${arch}`;
      if (!existsSync(tool)) return undefined;
      const { spawnSync } = process.getBuiltinModule("node:child_process");
      const result = spawnSync(tool, args, { encoding: "utf8" });
      if (result.error !== undefined) return result.error;
      if (result.status !== 0) return new Error(`${tool} exited ${String(result.status)}: ${result.stdout}${result.stderr}`);
      return `${result.stdout}${result.stderr}`;
    },
  };
}

/** cosl's `DashboardPath40UID.generate(charm, path)`: 40 hex digits of SHAKE-256 of `charm-path`. */
export function dashboardUid(charmName: string, path: string): string {
  const { createHash } = process.getBuiltinModule("node:crypto");
  return createHash("shake256", { outputLength: 20 }).update(`${charmName}-${path}`, "utf8").digest("hex");
}

/**
 * The dashboards of `dirs` as the library sends them: each file's JSON with `uid` set from the
 * charm's name and the file's path, a `charm: <name>` tag unless it has a `charm: ` tag, then
 * `json.dumps` bytes, xz, base64. Files in a directory go in name order (Python's glob gives the
 * directory's order). A file that is not JSON is skipped with an error (the library's hook fails).
 */
export function dashboards(charmDir: string, charmName: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(resolve(charmDir, dir)).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const path = `${pythonPath(dir)}/${name}`;
      const file = resolve(charmDir, path);
      if (!statSync(file).isFile()) continue;
      let dashboard: unknown;
      try {
        dashboard = JSON.parse(readFileSync(file, "utf8"));
      } catch (error) {
        log.error(`dashboard ${path} is not JSON, left out: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      if (typeof dashboard !== "object" || dashboard === null || Array.isArray(dashboard)) {
        log.error(`dashboard ${path} is not a JSON object, left out`);
        continue;
      }
      const relative = path.startsWith(`${charmDir}/`) ? path.slice(charmDir.length + 1) : path;
      const fields = dashboard as Record<string, unknown>;
      fields["uid"] = dashboardUid(charmName, relative);
      const tags = Array.isArray(fields["tags"]) ? (fields["tags"] as unknown[]) : [];
      if (!tags.some((tag) => typeof tag === "string" && tag.startsWith("charm: "))) tags.push(`charm: ${charmName}`);
      fields["tags"] = tags;
      out.push(lzmaBase64(pythonJson(fields)));
    }
  }
  return out;
}
