// @ts-check
// A small zip writer for .charm archives: deflated entries with Unix modes, as Juju unpacks them.
//
// A .charm is a plain zip (reference juju-hook-tools.md §6). Juju applies each entry's Unix mode
// from the "external attributes", so `dispatch` must be stored with 0755. No zip64: a charm is far
// below 4 GiB and 65,535 entries.

import { closeSync, openSync, renameSync, writeSync } from "node:fs";
import { crc32, deflateRawSync } from "node:zlib";

/** @typedef {{ name: string, data: Buffer, mode: number }} ZipEntry */

const S_IFREG = 0o100000;
const UNIX = 3;
const VERSION = 20; // 2.0: deflate
const UTF8_NAMES = 0x0800;

/**
 * Writes `entries` to `path` (via a temp file renamed into place).
 * @param {string} path
 * @param {readonly ZipEntry[]} entries
 * @param {Date} [modified] the entries' modification time (default: now, or SOURCE_DATE_EPOCH)
 */
export function writeZip(path, entries, modified = defaultTime()) {
  const { time, date } = dosDateTime(modified);
  const temp = `${path}.tmp`;
  const fd = openSync(temp, "w", 0o644);
  /** @type {Buffer[]} */
  const central = [];
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

/** MS-DOS time and date, as zip stores them (local time, two-second resolution). @param {Date} when */
function dosDateTime(when) {
  const year = Math.max(1980, when.getFullYear());
  return {
    time: (when.getHours() << 11) | (when.getMinutes() << 5) | Math.floor(when.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate(),
  };
}
