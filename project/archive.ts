// A small zip writer and reader for .charm archives: deflated entries with Unix modes, as Juju unpacks them.
//
// A .charm is a plain zip (https://documentation.ubuntu.com/juju/3.6/reference/charm/). Juju applies each entry's Unix mode
// from the "external attributes", so `dispatch` must be stored with 0755. No zip64: a charm is far
// below 4 GiB and 65,535 entries.

import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeSync,
} from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { crc32, deflateRawSync, inflateRawSync } from "node:zlib";

import { ArchiveError } from "./errors.js";

/**
 * One entry of an archive: its path inside it, its content and its Unix mode (permission bits,
 * and setuid, setgid, sticky as stored). A symlink's content is its target; a directory has none.
 */
export interface ZipEntry {
  name: string;
  data: Buffer;
  mode: number;
  /** What the entry is (a regular file unless said). */
  type?: ZipEntryType;
}

/** What an entry's Unix mode says it is; `other` is a device, fifo or socket. */
export type ZipEntryType = "file" | "directory" | "symlink" | "other";

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const MSDOS_DIRECTORY = 0x10;
const MAC_OSX = 19;
const UNIX = 3;
const VERSION = 20; // 2.0: deflate
const UTF8_NAMES = 0x0800;

/**
 * Writes `entries` to `path` (via a temp file renamed into place).
 * @param modified the entries' modification time (default: now, or SOURCE_DATE_EPOCH)
 */
export function writeZip(path: string, entries: readonly ZipEntry[], modified: Date = defaultTime()) {
  const { time, date } = dosDateTime(modified);
  const temp = `${path}.tmp`;
  const fd = openSync(temp, "w", 0o644);
  const central: Buffer[] = [];
  let offset = 0;
  try {
    for (const entry of entries) {
      const name = Buffer.from(entry.name, "utf8");
      const compressed = deflateRawSync(entry.data, { level: 6 });
      const crc = crc32(entry.data);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(VERSION, 4);
      local.writeUInt16LE(UTF8_NAMES, 6);
      local.writeUInt16LE(8, 8); // deflate
      local.writeUInt16LE(time, 10);
      local.writeUInt16LE(date, 12);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(compressed.length, 18);
      local.writeUInt32LE(entry.data.length, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      writeSync(fd, local);
      writeSync(fd, name);
      writeSync(fd, compressed);

      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE((UNIX << 8) | VERSION, 4);
      header.writeUInt16LE(VERSION, 6);
      header.writeUInt16LE(UTF8_NAMES, 8);
      header.writeUInt16LE(8, 10);
      header.writeUInt16LE(time, 12);
      header.writeUInt16LE(date, 14);
      header.writeUInt32LE(crc, 16);
      header.writeUInt32LE(compressed.length, 20);
      header.writeUInt32LE(entry.data.length, 24);
      header.writeUInt16LE(name.length, 28);
      header.writeUInt32LE(((fileTypeBits(entry.type) | (entry.mode & 0o7777)) << 16) >>> 0, 38);
      header.writeUInt32LE(offset, 42);
      central.push(header, name);
      offset += local.length + name.length + compressed.length;
    }
    const directory = Buffer.concat(central);
    writeSync(fd, directory);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    writeSync(fd, end);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

function fileTypeBits(type: ZipEntryType | undefined): number {
  switch (type) {
    case "directory":
      return S_IFDIR;
    case "symlink":
      return S_IFLNK;
    case "other":
      return 0o010000; // a fifo
    default:
      return S_IFREG;
  }
}

function defaultTime() {
  const epoch = process.env["SOURCE_DATE_EPOCH"];
  return epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
}

/** MS-DOS time and date, as zip stores them (local time, two-second resolution). */
function dosDateTime(when: Date) {
  const year = Math.max(1980, when.getFullYear());
  return {
    time: (when.getHours() << 11) | (when.getMinutes() << 5) | Math.floor(when.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate(),
  };
}

/** One entry as stored: `raw` is its data as it is in the archive (deflated when `method` is 8). */
export interface ZipListing {
  name: string;
  mode: number;
  type: ZipEntryType;
  method: number;
  size: number;
  compressedSize: number;
  raw: Buffer;
}

/**
 * The entries of a zip written by `writeZip` or by charmcraft (stored or deflated, no zip64),
 * without inflating anything.
 */
export function listZip(zip: Buffer): ZipListing[] {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new ArchiveError("not a zip archive (no end of central directory)");
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipListing[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new ArchiveError("corrupt zip central directory");
    const creator = zip.readUInt16LE(offset + 4) >>> 8;
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const external = zip.readUInt32LE(offset + 38);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString("utf8");
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    if (method !== 0 && method !== 8) throw new ArchiveError(`zip entry ${name}: compression method ${String(method)} is not supported`);
    // As Go's archive/zip reads it (juju/utils zip.go unpacks with it): a Unix mode from a Unix or
    // macOS zipper, else MS-DOS attributes; a name ending in "/" is a directory either way.
    const unix = creator === UNIX || creator === MAC_OSX ? external >>> 16 : 0;
    const format = unix & S_IFMT;
    const type: ZipEntryType =
      name.endsWith("/") || format === S_IFDIR || (unix === 0 && (external & MSDOS_DIRECTORY) !== 0)
        ? "directory"
        : format === S_IFLNK
          ? "symlink"
          : format === 0 || format === S_IFREG
            ? "file"
            : "other";
    const mode = unix & 0o7777;
    entries.push({
      name,
      mode: mode === 0 ? (type === "directory" ? 0o755 : 0o644) : mode,
      type,
      method,
      size,
      compressedSize,
      raw: zip.subarray(dataStart, dataStart + compressedSize),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Reads a zip written by `writeZip` or by charmcraft: every entry, inflated.
 */
export function readZip(zip: Buffer): ZipEntry[] {
  return listZip(zip).map(({ name, mode, type, method, raw }) => ({
    name,
    mode,
    type,
    data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw),
  }));
}

/**
 * Writes every entry of a zip archive into `dir`, as Juju's unit agent expands a charm
 * (juju/juju internal/charm/charmarchive.go `ExpandTo`, which calls juju/utils zip/zip.go
 * `ExtractAll`): files with their permission bits only (setuid, setgid and sticky are dropped:
 * Go's `mode & os.ModePerm`), directories, and symlinks that stay inside `dir`; an entry that is
 * a device, fifo or socket is refused. Every name is checked before anything is written: one
 * that would land outside `dir` (absolute, or through `..`) is refused, where Juju strips the
 * leading `/` and `../`. A later entry replaces what an earlier one wrote at its path, as Juju's
 * does; nothing is ever written through a symlink to outside `dir`.
 */
export function extractZip(zipPath: string, dir: string) {
  const root = resolve(dir);
  const entries = readZip(readFileSync(zipPath));
  for (const entry of entries) {
    const target = resolve(root, entry.name);
    if (target === root && entry.type === "directory") continue;
    if (!target.startsWith(root + sep)) throw new ArchiveError(`zip entry "${entry.name}" would be written outside the directory`);
    if (entry.type === "other") throw new ArchiveError(`cannot extract "${cleanName(entry.name)}": not a file, directory or symlink`);
    if (entry.type === "symlink") checkSymlink(root, target, entry);
  }
  mkdirSync(root, { recursive: true });
  const realRoot = realpathSync.native(root);
  const links: string[] = [];
  for (const entry of entries) {
    if (resolve(root, entry.name) === root) continue;
    try {
      const link = writeEntry(realRoot, root, entry);
      if (link !== undefined) links.push(link);
    } catch (error) {
      if (error instanceof ArchiveError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ArchiveError(`cannot extract "${cleanName(entry.name)}": ${reason}`, { cause: error });
    }
  }
  // A symlink that is lexically inside but resolves out through another one (`a -> ..` in a
  // subdirectory, then `b -> a/..`) is refused too, and the whole directory with it.
  for (const link of links) {
    if (!existsSync(link)) continue;
    const resolved = realpathSync.native(link);
    if (resolved !== realRoot && !resolved.startsWith(realRoot + sep)) {
      rmSync(root, { recursive: true, force: true });
      throw new ArchiveError(`cannot extract "${relative(realRoot, link)}": symlink leads out of scope`);
    }
  }
}

/** Writes one entry; returns the path of the symlink it made, if it made one. */
function writeEntry(realRoot: string, root: string, entry: ZipEntry): string | undefined {
  const target = resolve(root, entry.name);
  const parent = dirname(target);
  const real = join(insideParent(realRoot, parent, entry.name), relative(parent, target));
  const existing = lstatOrUndefined(real);
  const perm = entry.mode & 0o777;
  if (entry.type === "directory") {
    if (existing?.isDirectory() === true) chmodSync(real, perm);
    else {
      if (existing !== undefined) rmSync(real, { recursive: true, force: true });
      mkdirSync(real, { mode: perm });
    }
    return undefined;
  }
  if (existing !== undefined) rmSync(real, { recursive: true, force: true });
  if (entry.type === "symlink") {
    symlinkSync(entry.data.toString("utf8"), real);
    return real;
  }
  // O_EXCL: never through a link; the mode as Go's os.OpenFile gives it (the umask applies).
  const fd = openSync(real, "wx", perm);
  try {
    for (let done = 0; done < entry.data.length;) done += writeSync(fd, entry.data, done);
  } finally {
    closeSync(fd);
  }
  return undefined;
}

/**
 * Makes the directory an entry goes in, after checking that the part of it that exists already
 * resolves inside the root (an earlier symlink entry may lead out); returns its real path.
 */
function insideParent(realRoot: string, parent: string, name: string): string {
  const inside = (path: string): boolean => path === realRoot || path.startsWith(realRoot + sep);
  let existing = parent;
  while (lstatOrUndefined(existing) === undefined) existing = dirname(existing);
  const refuse = (): never => {
    throw new ArchiveError(`cannot extract "${cleanName(name)}": it would be written through a symlink that leads out of scope`);
  };
  if (!existsSync(existing) || !inside(realpathSync.native(existing))) refuse();
  mkdirSync(parent, { recursive: true });
  const real = realpathSync.native(parent);
  if (!inside(real)) refuse();
  return real;
}

/** Juju's checks of a symlink entry (juju/utils zip.go `checkSymlink`), in its words. */
function checkSymlink(root: string, target: string, entry: ZipEntry): void {
  const link = entry.data.toString("utf8");
  const name = cleanName(entry.name);
  if (link === "" || link.includes("\0"))
    throw new ArchiveError(`cannot extract "${name}": symlink ${JSON.stringify(link)} not comprehensible`);
  if (isAbsolute(link)) throw new ArchiveError(`cannot extract "${name}": symlink ${JSON.stringify(link)} is absolute`);
  const final = resolve(dirname(target), link);
  if (final !== root && !final.startsWith(root + sep)) {
    throw new ArchiveError(`cannot extract "${name}": symlink ${JSON.stringify(link)} leads out of scope`);
  }
}

/** An entry's name as Juju's errors show it (Go's path.Clean). */
function cleanName(name: string): string {
  const parts: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(part);
  }
  return (name.startsWith("/") ? "/" : "") + (parts.join("/") || ".");
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
