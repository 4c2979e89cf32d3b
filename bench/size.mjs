// @ts-check
// What a packed .charm weighs per platform, and what it is made of.
//
//   npm run build && node bench/size.mjs
//
// Packs the demo for every platform (with the CLI, from what dist/ holds), lists each archive's
// entries (size and deflated size), then splits each `dispatch` into the stripped Node binary it
// starts from and the SEA blob tscharm adds (the bundle and its source map, plus the code cache
// where there is one).

import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { deflateRawSync } from "node:zlib";

import { HOST_ARCH, NODE_PACKAGES, NODE_VERSION } from "#compiled/cmd/node-binary";
import { strip } from "#compiled/cmd/sea";
import { listZip } from "#compiled/project/archive";
import { fixed, isMain, table } from "./lib.mjs";

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(import.meta.url), "..", "..");
const CACHE = join(ROOT, "node_modules", ".cache", "tscharm");

/**
 * @typedef {{ name: string, bytes: number, deflated: number }} Part
 * @typedef {{ platform: string, charmBytes: number, entries: Part[], dispatch: Part[] }} PlatformSize
 */

/**
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<PlatformSize[]>}
 */
export async function benchSize({ log = () => undefined } = {}) {
  const work = mkdtempSync(join(tmpdir(), "tscharm-bench-size-"));
  try {
    log("packing every platform from dist/");
    await run(process.execPath, [join(ROOT, "cmd", "tscharm.mjs"), "pack", "--no-build", "--output-dir", work, ROOT]);
    const bundle = readFileSync(join(ROOT, "dist", "dispatch.cjs"));
    const sourceMap = readFileSync(join(ROOT, "dist", "dispatch.cjs.map"));
    /** @type {PlatformSize[]} */
    const results = [];
    for (const file of readdirSync(work)
      .filter((name) => name.endsWith(".charm"))
      .sort()) {
      const platform = file.replace(/^.*_/, "").replace(/\.charm$/, "");
      log(`${platform}: measuring ${file}`);
      const charm = readFileSync(join(work, file));
      const entries = listZip(charm).map((entry) => ({ name: entry.name, bytes: entry.size, deflated: entry.compressedSize }));
      const dispatchBytes = entries.find((entry) => entry.name === "dispatch")?.bytes ?? NaN;
      const node = await strippedNode(platform, work);
      const parts = [];
      if (node !== undefined) {
        parts.push({
          name: `Node ${NODE_VERSION} (${platform}), stripped`,
          bytes: node.length,
          deflated: deflateRawSync(node, { level: 6 }).length,
        });
        parts.push({
          name: "what postject adds: the SEA blob, its ELF note, alignment",
          bytes: dispatchBytes - node.length,
          deflated: NaN,
        });
      }
      parts.push({
        name: "  of which: the bundle, dist/dispatch.cjs",
        bytes: bundle.length,
        deflated: deflateRawSync(bundle, { level: 6 }).length,
      });
      parts.push({
        name: "  of which: its source map (read only to format an error)",
        bytes: sourceMap.length,
        deflated: deflateRawSync(sourceMap, { level: 6 }).length,
      });
      if (platform === HOST_ARCH) {
        // Only this machine's architecture carries a code cache (docs/build.md): make it again to weigh it.
        const nodeBinary = join(CACHE, `${NODE_PACKAGES[HOST_ARCH].name}-${NODE_VERSION}`, "node");
        const [source, cache] = [join(work, "dispatch.js"), join(work, "dispatch.cache")];
        await run(nodeBinary, [join(ROOT, "cmd", "sea", "code-cache.cjs"), join(ROOT, "dist", "dispatch.cjs"), source, cache]);
        const cached = readFileSync(cache);
        parts.push({
          name: "  of which: the V8 code cache of every function",
          bytes: cached.length,
          deflated: deflateRawSync(cached, { level: 6 }).length,
        });
      }
      results.push({ platform, charmBytes: charm.length, entries, dispatch: parts });
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The Node binary of `platform` stripped as the build strips it (with the same function).
 * @param {string} platform
 * @param {string} work
 */
async function strippedNode(platform, work) {
  const pkg = NODE_PACKAGES[platform === "arm64" ? "arm64" : "amd64"];
  const binary = join(CACHE, `${pkg.name}-${NODE_VERSION}`, "node");
  if (!existsSync(binary)) return undefined;
  const copy = join(work, `node-${platform}`);
  copyFileSync(binary, copy);
  await strip(copy, platform === HOST_ARCH);
  return readFileSync(copy);
}

/** @param {PlatformSize[]} results */
export function formatSize(results) {
  const mib = (/** @type {number} */ bytes) => (Number.isFinite(bytes) ? `${fixed(bytes / 2 ** 20, 2)} MiB` : "—");
  const kib = (/** @type {number} */ bytes) => (Number.isFinite(bytes) ? `${fixed(bytes / 1024, 1)} KiB` : "—");
  const size = (/** @type {number} */ bytes) => (bytes >= 2 ** 20 ? mib(bytes) : kib(bytes));
  let text = "";
  for (const { platform, charmBytes, entries, dispatch } of results) {
    text += `demo_${platform}.charm: ${mib(charmBytes)} (${String(charmBytes)} bytes)\n\n`;
    text += table([["entry", "size", "in the archive"], ...entries.map((entry) => [entry.name, size(entry.bytes), size(entry.deflated)])]);
    text += `\nits dispatch:\n\n`;
    text += table([
      ["part", "size", "deflated (level 6, as packed)"],
      ...dispatch.map((part) => [part.name, size(part.bytes), size(part.deflated)]),
    ]);
    text += "\n";
  }
  return text;
}

if (isMain(import.meta.url)) {
  const result = await benchSize({ log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(process.argv.includes("--json") ? JSON.stringify(result) : formatSize(result));
}
