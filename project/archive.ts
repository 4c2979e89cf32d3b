// A small zip writer and reader for .charm archives: deflated entries with Unix modes, as Juju unpacks them.
//
// A .charm is a plain zip (https://documentation.ubuntu.com/juju/3.6/reference/charm/). Juju applies each entry's Unix mode
// from the "external attributes", so `dispatch` must be stored with 0755. No zip64: a charm is far
// below 4 GiB and 65,535 entries.

import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { crc32, deflateRawSync, inflateRawSync } from "node:zlib";

import { ArchiveError } from "./errors.js";

/** One file of an archive: its path inside it, its content and its Unix mode. */
export interface ZipEntry {
  name: string;
  data: Buffer;
  mode: number;
}

const S_IFREG = 0o100000;
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
      header.writeUInt32LE(((S_IFREG | entry.mode) << 16) >>> 0, 38);
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
    const mode = (external >>> 16) & 0o7777;
    entries.push({
      name,
      mode: mode === 0 ? 0o644 : mode,
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
  return listZip(zip).map(({ name, mode, method, raw }) => ({ name, mode, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) }));
}

/**
 * Writes the files of a zip archive into `dir`, with their modes. An entry whose name would land
 * outside `dir` (an absolute path, or `..`) is refused before anything is written.
 */
export function extractZip(zipPath: string, dir: string) {
  const root = resolve(dir);
  const files = readZip(readFileSync(zipPath)).filter((entry) => !entry.name.endsWith("/"));
  for (const entry of files) {
    if (!resolve(root, entry.name).startsWith(root + sep))
      throw new ArchiveError(`zip entry "${entry.name}" would be written outside the directory`);
  }
  for (const entry of files) {
    const target = resolve(root, entry.name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entry.data, { mode: entry.mode });
  }
}
