// Files on the machine, after charmlibs.pathops: ensureContents (atomic here: temp file, fsync,
// rename), reading, removing, directories, and ownership by user and group name.

import type { Stats } from "node:fs";
import { chmod, chown, mkdir, open, readFile, realpath, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { basename, dirname, isAbsolute, join } from "node:path";

import type { Commands } from "./commands.js";
import { getent, lookUpGroup, lookUpUser, parseGroupLine, parsePasswdLine } from "./passwd.js";

export interface EnsureContentsOptions {
  /** The file's permission bits; default 0o644 (pathops' DEFAULT_WRITE_MODE). */
  readonly mode?: number;
  /** The owning user's name; given alone, the group becomes the user's primary group (as pathops). */
  readonly user?: string;
  /** The owning group's name. */
  readonly group?: string;
}

export interface MkdirOptions {
  /** Default 0o755 (pathops' DEFAULT_MKDIR_MODE). */
  readonly mode?: number;
  readonly parents?: boolean;
  readonly existOk?: boolean;
  readonly user?: string;
  readonly group?: string;
}

/** A path's owner and permission bits. */
export interface FileOwnership {
  readonly user: string;
  readonly group: string;
  readonly mode: number;
}

/**
 * Every path is absolute (a relative one is a TypeError: a hook's working directory is no place to
 * count on). Failures of the file system keep node's `code` (ENOENT, EEXIST, EISDIR, ENOTDIR,
 * ENOTEMPTY, ...) with a message naming the path.
 */
export interface Files {
  /**
   * Makes `path` hold exactly `content` with this mode and ownership; false when it already did
   * (nothing written), true otherwise. Parent directories are created (0o755). The new content
   * replaces the old atomically: a reader sees the old file or the new one, never a part.
   * A user given alone means their primary group too, when comparing as when writing; without a
   * user or group the file keeps the owner it had. A symbolic link is written through. Unknown
   * names are UnknownUserError/UnknownGroupError before anything is written.
   */
  ensureContents(path: string, content: string | Uint8Array, options?: EnsureContentsOptions): Promise<boolean>;
  readText(path: string): Promise<string>;
  readBytes(path: string): Promise<Uint8Array>;
  exists(path: string): Promise<boolean>;
  isDir(path: string): Promise<boolean>;
  /** Removes a file; a missing one is an error (ENOENT) unless `missingOk`. */
  unlink(path: string, options?: { readonly missingOk?: boolean }): Promise<void>;
  /** Removes an empty directory (ENOENT, ENOTEMPTY otherwise), as pathlib's rmdir. */
  rmdir(path: string): Promise<void>;
  /**
   * Makes a directory with exactly `mode` (whatever the umask) and the owner asked; missing parents
   * (with `parents`) get 0o755. With `existOk` an existing directory is left as it is (mode and owner).
   */
  mkdir(path: string, options?: MkdirOptions): Promise<void>;
  /** The owner's and group's names (an id without a name, as its number) and the permission bits. */
  ownership(path: string): Promise<FileOwnership>;
  /** Changes the owner and/or group, by name (a user alone also sets their primary group). */
  chown(path: string, owner: { readonly user?: string; readonly group?: string }): Promise<void>;
}

/** @internal A node:fs failure, keeping its code (ENOENT, EISDIR, ...) and errno, with a message naming the path. */
export function fsError(error: unknown, path: string, doing: string): Error {
  const cause = error as NodeJS.ErrnoException;
  if (typeof cause.code !== "string") return error instanceof Error ? error : new Error(String(error));
  const reason = cause.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "");
  return Object.assign(new Error(`cannot ${doing} ${path}: ${reason} (${cause.code})`, { cause }), {
    code: cause.code,
    errno: cause.errno,
    syscall: cause.syscall,
    path,
  });
}

async function fsDo<T>(path: string, doing: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw fsError(error, path, doing);
  }
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function checkPath(path: string): void {
  if (typeof path !== "string" || !isAbsolute(path) || path.includes("\0"))
    throw new TypeError(`a file path must be absolute (and without NUL), not ${JSON.stringify(path)}`);
}

function checkMode(mode: number): void {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777)
    throw new TypeError(`invalid mode ${String(mode)}: permission bits 0 to 0o7777 are needed`);
}

/** A new node:fs-shaped error (for the checks node does not make itself), naming the path. */
function newFsError(code: string, path: string, what: string): Error {
  return Object.assign(new Error(`${path}: ${what} (${code})`), { code, path });
}

/**
 * The machine's own files, through node:fs; owners by name through `getent` (run by the given
 * Commands), looked up at each call: a charm may add a user and then give it a file.
 */
export class LocalFiles implements Files {
  constructor(private readonly commands: Commands) {}

  async ensureContents(path: string, content: string | Uint8Array, options: EnsureContentsOptions = {}): Promise<boolean> {
    checkPath(path);
    const mode = options.mode ?? 0o644;
    checkMode(mode);
    const bytes =
      typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    // Unknown names fail here, before anything is written.
    const wanted = await this.ids(options);
    const current = await statIfAny(path);
    if (current?.isDirectory() === true) throw newFsError("EISDIR", path, "is a directory, not a file");
    if (
      current !== undefined &&
      (current.mode & 0o7777) === mode &&
      (wanted.uid === undefined || current.uid === wanted.uid) &&
      (wanted.gid === undefined || current.gid === wanted.gid) &&
      current.size === bytes.length &&
      bytes.equals(await fsDo(path, "read", () => readFile(path)))
    )
      return false;
    // As pathops, a symbolic link is written through: its target gets the new content.
    const target = current === undefined ? path : await fsDo(path, "resolve", () => realpath(path));
    const directory = dirname(target);
    await makeParents(directory);
    // The replacement keeps the old file's owner and group unless others were asked for.
    const uid = wanted.uid ?? current?.uid;
    const gid = wanted.gid ?? current?.gid;
    // Unique enough with the pid and a random part; opened with O_EXCL ("wx"), so a clash is an error, never a clobber.
    const unique = `${String(process.pid)}-${Math.random().toString(36).slice(2, 10)}`;
    const temporary = join(directory, `.${basename(target)}.tscharm-${unique}`);
    await fsDo(target, "write", async () => {
      const handle = await open(temporary, "wx", 0o600);
      try {
        await handle.writeFile(bytes);
        // chown first: it clears set-user-id and set-group-id bits, which chmod then sets.
        if (uid !== undefined && gid !== undefined) await handle.chown(uid, gid);
        await handle.chmod(mode);
        await handle.sync();
      } catch (error) {
        await handle.close();
        await rm(temporary, { force: true });
        throw error;
      }
      await handle.close();
    });
    await fsDo(target, "replace", () => rename(temporary, target)).catch(async (error: unknown) => {
      await rm(temporary, { force: true });
      throw error;
    });
    await syncDirectory(directory);
    return true;
  }

  async readText(path: string): Promise<string> {
    checkPath(path);
    return await fsDo(path, "read", () => readFile(path, "utf8"));
  }

  async readBytes(path: string): Promise<Uint8Array> {
    checkPath(path);
    const buffer = await fsDo(path, "read", () => readFile(path));
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  async exists(path: string): Promise<boolean> {
    return (await this.statOrUndefined(path)) !== undefined;
  }

  async isDir(path: string): Promise<boolean> {
    return (await this.statOrUndefined(path))?.isDirectory() === true;
  }

  async unlink(path: string, options: { readonly missingOk?: boolean } = {}): Promise<void> {
    checkPath(path);
    try {
      await unlink(path);
    } catch (error) {
      if (codeOf(error) === "ENOENT" && options.missingOk === true) return;
      throw fsError(error, path, "remove");
    }
  }

  async rmdir(path: string): Promise<void> {
    checkPath(path);
    await fsDo(path, "remove the directory", () => rmdir(path));
  }

  async mkdir(path: string, options: MkdirOptions = {}): Promise<void> {
    checkPath(path);
    const mode = options.mode ?? 0o755;
    checkMode(mode);
    const wanted = await this.ids(options);
    if (options.parents === true) await makeParents(dirname(path));
    try {
      await mkdir(path, mode);
    } catch (error) {
      // exist_ok, as pathlib: an existing directory is left as it is; an existing file is still an error.
      if (codeOf(error) === "EEXIST" && options.existOk === true && (await this.isDir(path))) return;
      throw fsError(error, path, "make the directory");
    }
    await fsDo(path, "set up the directory", async () => {
      // mkdir's mode passes through the umask; the asked mode is set exactly.
      await chmod(path, mode);
      if (wanted.uid !== undefined || wanted.gid !== undefined) await chown(path, wanted.uid ?? -1, wanted.gid ?? -1);
    });
  }

  async ownership(path: string): Promise<FileOwnership> {
    checkPath(path);
    const info = await fsDo(path, "inspect", () => stat(path));
    const user = await getent(this.commands, "passwd", info.uid, parsePasswdLine);
    const group = await getent(this.commands, "group", info.gid, parseGroupLine);
    // An id without a name (a file from another machine, a removed user) is shown as the number.
    return { user: user?.name ?? String(info.uid), group: group?.name ?? String(info.gid), mode: info.mode & 0o7777 };
  }

  async chown(path: string, owner: { readonly user?: string; readonly group?: string }): Promise<void> {
    checkPath(path);
    if (owner.user === undefined && owner.group === undefined) throw new TypeError(`chown ${path}: a user or a group is needed`);
    const { uid, gid } = await this.ids(owner);
    await fsDo(path, "change the owner of", () => chown(path, uid ?? -1, gid ?? -1));
  }

  /** The ids of a user and group by name: a user alone brings their primary group (pathops' rule). */
  private async ids(names: { readonly user?: string; readonly group?: string }): Promise<{ uid?: number; gid?: number }> {
    const user = names.user === undefined ? undefined : await lookUpUser(this.commands, names.user);
    const group = names.group === undefined ? undefined : await lookUpGroup(this.commands, names.group);
    const gid = group?.gid ?? user?.gid;
    return { ...(user === undefined ? {} : { uid: user.uid }), ...(gid === undefined ? {} : { gid }) };
  }

  private async statOrUndefined(path: string): Promise<Stats | undefined> {
    checkPath(path);
    try {
      return await stat(path);
    } catch (error) {
      if (codeOf(error) === "ENOENT" || codeOf(error) === "ENOTDIR") return undefined;
      throw fsError(error, path, "inspect");
    }
  }
}

/** stat of `path` (through links), or undefined when there is nothing there (ENOENT); other failures name the path. */
async function statIfAny(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if (codeOf(error) === "ENOENT") return undefined;
    throw fsError(error, path, "inspect");
  }
}

/** Makes `directory` and its missing parents, each 0o755 exactly (whatever the umask); existing ones are left as they are. */
async function makeParents(directory: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = directory; ; dir = dirname(dir)) {
    const info = await statIfAny(dir);
    if (info !== undefined) break;
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    await fsDo(dir, "make the directory", async () => {
      try {
        await mkdir(dir, 0o755);
      } catch (error) {
        // Made meanwhile by another process: then it is not ours to chmod.
        if (codeOf(error) === "EEXIST") return;
        throw error;
      }
      await chmod(dir, 0o755);
    });
  }
}

/** fsync on the directory, so that the rename in it is on disk too. */
async function syncDirectory(directory: string): Promise<void> {
  await fsDo(directory, "sync the directory", async () => {
    const handle = await open(directory, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}
