// project/archive.ts: how a .charm is unpacked, as Juju's unit agent expands it
// (juju/juju internal/charm/charmarchive.go `ExpandTo` over juju/utils zip/zip.go `ExtractAll`),
// and the hostile archives it refuses, each built here with the archive writer.

import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, test } from "vitest";

import { type ZipEntry, extractZip, listZip, writeZip } from "../../project/archive.js";
import { ArchiveError } from "../../project/errors.js";

function work(): string {
  return mkdtempSync(join(tmpdir(), "tscharm-archive-"));
}

function zipOf(dir: string, entries: readonly ZipEntry[]): string {
  const path = join(dir, `a-${String(Math.random()).slice(2)}.zip`);
  writeZip(path, entries);
  return path;
}

const file = (name: string, text: string, mode = 0o644): ZipEntry => ({ name, data: Buffer.from(text), mode });
const link = (name: string, target: string): ZipEntry => ({ name, data: Buffer.from(target), mode: 0o777, type: "symlink" });
const perm = (path: string): number => statSync(path).mode & 0o7777;

describe("extractZip writes every entry, as Juju expands a charm", () => {
  test("files in any directory with their modes, directory entries, and symlinks that stay inside", () => {
    const dir = work();
    const out = join(dir, "out");
    extractZip(
      zipOf(dir, [
        { name: "templates/", data: Buffer.alloc(0), mode: 0o750, type: "directory" },
        file("templates/site.conf", "listen 80\n"),
        file("hooks/install", "#!/bin/sh\n", 0o755),
        file("src/lib/deep/x.py", "print(1)\n", 0o600),
        link("hooks/start", "install"),
        link("current", "templates"),
      ]),
      out,
    );
    expect(readFileSync(join(out, "templates", "site.conf"), "utf8")).toBe("listen 80\n");
    expect(perm(join(out, "templates"))).toBe(0o750);
    expect(perm(join(out, "hooks", "install"))).toBe(0o755);
    expect(perm(join(out, "src", "lib", "deep", "x.py"))).toBe(0o600);
    expect(lstatSync(join(out, "hooks", "start")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(out, "hooks", "start"))).toBe("install");
    expect(readFileSync(join(out, "current", "site.conf"), "utf8")).toBe("listen 80\n");
  });

  test("the writer stores what listZip reads back: type and mode", () => {
    const dir = work();
    const listing = listZip(
      readFileSync(
        zipOf(dir, [file("a", "x", 0o4755), link("b", "a"), { name: "c/", data: Buffer.alloc(0), mode: 0o700, type: "directory" }]),
      ),
    );
    expect(listing.map(({ name, type, mode }) => ({ name, type, mode }))).toEqual([
      { name: "a", type: "file", mode: 0o4755 },
      { name: "b", type: "symlink", mode: 0o777 },
      { name: "c/", type: "directory", mode: 0o700 },
    ]);
  });

  test("setuid, setgid and sticky bits are dropped (juju/utils keeps mode & os.ModePerm)", () => {
    const dir = work();
    const out = join(dir, "out");
    extractZip(
      zipOf(dir, [
        file("suid", "#!/bin/sh\n", 0o4755),
        file("sgid", "#!/bin/sh\n", 0o2755),
        file("both", "#!/bin/sh\n", 0o6755),
        { name: "tmp/", data: Buffer.alloc(0), mode: 0o1777, type: "directory" },
      ]),
      out,
    );
    expect(perm(join(out, "suid"))).toBe(0o755);
    expect(perm(join(out, "sgid"))).toBe(0o755);
    expect(perm(join(out, "both"))).toBe(0o755);
    expect(perm(join(out, "tmp")) & 0o7000).toBe(0);
  });

  test("a later entry replaces what an earlier one wrote at its path", () => {
    const dir = work();
    const out = join(dir, "out");
    extractZip(zipOf(dir, [file("x", "first"), file("x", "second")]), out);
    expect(readFileSync(join(out, "x"), "utf8")).toBe("second");
  });
});

describe("hostile archives are refused with a message naming the entry", () => {
  test("names that leave the directory (absolute, ..): nothing is written", () => {
    const dir = work();
    for (const name of ["../escaped", "/tmp/absolute", "sub/../../escaped"]) {
      const target = join(dir, `bad-${String(Math.random()).slice(2)}`);
      expect(() => {
        extractZip(zipOf(dir, [file("fine", "x"), file(name, "x")]), target);
      }).toThrow(`zip entry "${name}" would be written outside the directory`);
      expect(existsSync(target)).toBe(false);
      expect(existsSync(join(dir, "escaped"))).toBe(false);
    }
  });

  test("a symlink to an absolute path, then a file through it: refused in Juju's words, nothing written there", () => {
    const dir = work();
    const outside = join(dir, "outside");
    mkdirSync(outside);
    const target = join(dir, "out");
    expect(() => {
      extractZip(zipOf(dir, [link("link", outside), file("link/x", "owned")]), target);
    }).toThrow(`cannot extract "link": symlink ${JSON.stringify(outside)} is absolute`);
    expect(existsSync(join(outside, "x"))).toBe(false);
    // The brief's own case: `link -> /etc`, then `link/x`.
    expect(() => {
      extractZip(zipOf(dir, [link("link", "/etc"), file("link/x", "owned")]), target);
    }).toThrow(ArchiveError);
  });

  test("a relative symlink that leads out of the directory", () => {
    const dir = work();
    expect(() => {
      extractZip(zipOf(dir, [link("sub/link", "../../outside")]), join(dir, "out"));
    }).toThrow(`cannot extract "sub/link": symlink "../../outside" leads out of scope`);
  });

  test("symlinks that each look inside but lead out together: no file is written through them", () => {
    const dir = work();
    const out = join(dir, "model", "charm");
    mkdirSync(join(dir, "model"));
    // a/s -> .. is the root; b -> a/s/.. reads as a/ but is the root's parent.
    expect(() => {
      extractZip(zipOf(dir, [link("a/s", ".."), link("b", "a/s/.."), file("b/escaped/x", "owned")]), out);
    }).toThrow(`cannot extract "b/escaped/x": it would be written through a symlink that leads out of scope`);
    expect(existsSync(join(dir, "model", "escaped"))).toBe(false);
    // A link that resolves out, with nothing written through it, is refused too.
    expect(() => {
      extractZip(zipOf(dir, [link("a/s", ".."), link("b", "a/s/..")]), out);
    }).toThrow(`cannot extract "b": symlink leads out of scope`);
  });

  test("a device, fifo or socket entry", () => {
    const dir = work();
    expect(() => {
      extractZip(zipOf(dir, [{ name: "pipe", data: Buffer.alloc(0), mode: 0o644, type: "other" }]), join(dir, "out"));
    }).toThrow(`cannot extract "pipe": not a file, directory or symlink`);
  });

  test("a file under a file: an archive error naming the entry, not a raw one", () => {
    const dir = work();
    let caught: unknown;
    try {
      extractZip(zipOf(dir, [file("a", "x"), file("a/b", "y")]), join(dir, "out"));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ArchiveError);
    expect((caught as Error).message).toMatch(/^cannot extract "a\/b": /);
  });

  test("not a zip at all", () => {
    const dir = work();
    const path = join(dir, "not.charm");
    writeFileSync(path, "just text");
    expect(() => {
      extractZip(path, join(dir, "out"));
    }).toThrow("not a zip archive (no end of central directory)");
  });
});
