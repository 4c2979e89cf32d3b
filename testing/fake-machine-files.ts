// FakeMachine's files: a tree of files and directories in memory, with modes and owners by name,
// and the Files concept over it, following machine/files.ts (after charmlibs.pathops): the return
// value of ensureContents, parent directories, the user's primary group, UnknownUserError.

import { posix } from "node:path";

import type { EnsureContentsOptions, FileOwnership, Files, MkdirOptions } from "../machine/files.js";
import { UnknownGroupError, UnknownUserError } from "../machine/passwd.js";
import type { FakeAccounts } from "./fake-machine-passwd.js";

/** A file as FakeMachine holds it (what `machine.file(path)` returns). */
export interface FakeFile {
  readonly content: Uint8Array;
  readonly mode: number;
  readonly user: string;
  readonly group: string;
}

/** A file given to `new FakeMachine({ files })`: its text, or its content with mode and owner. */
export type FakeFileInit =
  string | { readonly content: string | Uint8Array; readonly mode?: number; readonly user?: string; readonly group?: string };

type Node =
  ({ readonly kind: "file" } & FakeFile) | { readonly kind: "dir"; readonly mode: number; readonly user: string; readonly group: string };

/** A file system failure as LocalFiles reports it: `cannot read /etc/x: no such file or directory (ENOENT)`, with node's code and the path. */
export function fsError(code: "ENOENT" | "EEXIST" | "EISDIR" | "ENOTDIR" | "ENOTEMPTY" | "EINVAL", syscall: string, path: string): Error {
  const text: Record<typeof code, string> = {
    ENOENT: "no such file or directory",
    EEXIST: "file already exists",
    EISDIR: "illegal operation on a directory",
    ENOTDIR: "not a directory",
    ENOTEMPTY: "directory not empty",
    EINVAL: "invalid argument",
  };
  const doing: Record<string, string> = {
    open: "write",
    read: "read",
    unlink: "remove",
    rmdir: "remove the directory",
    mkdir: "make the directory",
  };
  return Object.assign(new Error(`cannot ${doing[syscall] ?? syscall} ${path}: ${text[code]} (${code})`), { code, syscall, path });
}

/** The tree: absolute, normalised paths to nodes; "/" always exists. */
export class FakeFileSystem {
  private readonly nodes = new Map<string, Node>([["/", { kind: "dir", mode: 0o755, user: "root", group: "root" }]]);

  constructor(private readonly accounts: FakeAccounts) {}

  /** The absolute, normalised form of `path`, or a TypeError naming it. */
  static normalise(path: string): string {
    if (typeof path !== "string" || !posix.isAbsolute(path) || path.includes("\0"))
      throw new TypeError(`a file path must be absolute (and without NUL), not ${JSON.stringify(path)}`);
    const normal = posix.normalize(path);
    return normal.length > 1 && normal.endsWith("/") ? normal.slice(0, -1) : normal;
  }

  file(path: string): FakeFile | undefined {
    const node = this.nodes.get(FakeFileSystem.normalise(path));
    if (node?.kind !== "file") return undefined;
    return { content: node.content.slice(), mode: node.mode, user: node.user, group: node.group };
  }

  isDir(path: string): boolean {
    return this.nodes.get(FakeFileSystem.normalise(path))?.kind === "dir";
  }

  exists(path: string): boolean {
    return this.nodes.has(FakeFileSystem.normalise(path));
  }

  /** Every file's path, sorted. */
  paths(): string[] {
    return [...this.nodes]
      .filter(([, node]) => node.kind === "file")
      .map(([path]) => path)
      .sort();
  }

  /** The names directly in directory `path` (sorted), or undefined when it is not a directory. */
  list(path: string): string[] | undefined {
    const dir = FakeFileSystem.normalise(path);
    if (!this.isDir(dir)) return undefined;
    const prefix = dir === "/" ? "/" : `${dir}/`;
    return [...this.nodes.keys()]
      .filter((p) => p !== dir && p.startsWith(prefix) && !p.slice(prefix.length).includes("/"))
      .map((p) => p.slice(prefix.length))
      .sort();
  }

  /** Writes a file (its parents made 0o755 root:root); the owner is checked against the accounts. */
  write(path: string, content: string | Uint8Array, options: { mode?: number; user?: string; group?: string } = {}): void {
    const target = FakeFileSystem.normalise(path);
    const existing = this.nodes.get(target);
    if (existing?.kind === "dir") throw fsError("EISDIR", "open", target);
    const owner = this.owner(options.user, options.group, existing);
    this.makeParents(target);
    this.nodes.set(target, {
      kind: "file",
      content: typeof content === "string" ? new TextEncoder().encode(content) : content.slice(),
      mode: options.mode ?? existing?.mode ?? 0o644,
      ...owner,
    });
  }

  mkdir(path: string, options: MkdirOptions = {}): void {
    const target = FakeFileSystem.normalise(path);
    const existing = this.nodes.get(target);
    if (existing !== undefined) {
      if (options.existOk === true && existing.kind === "dir") return;
      throw fsError("EEXIST", "mkdir", target);
    }
    const owner = this.owner(options.user, options.group, undefined);
    const parent = posix.dirname(target);
    if (options.parents === true) this.makeParents(target);
    else this.requireDir(parent, "mkdir", target);
    this.nodes.set(target, { kind: "dir", mode: options.mode ?? 0o755, ...owner });
  }

  /** Removes a file; false when there was none. */
  remove(path: string): boolean {
    const target = FakeFileSystem.normalise(path);
    const node = this.nodes.get(target);
    if (node === undefined) return false;
    if (node.kind === "dir") throw fsError("EISDIR", "unlink", target);
    this.nodes.delete(target);
    return true;
  }

  rmdir(path: string): void {
    const target = FakeFileSystem.normalise(path);
    const node = this.nodes.get(target);
    if (node === undefined) throw fsError("ENOENT", "rmdir", target);
    if (node.kind !== "dir") throw fsError("ENOTDIR", "rmdir", target);
    if (target === "/" || (this.list(target) ?? []).length > 0) throw fsError("ENOTEMPTY", "rmdir", target);
    this.nodes.delete(target);
  }

  ownership(path: string, syscall = "stat"): FileOwnership {
    const target = FakeFileSystem.normalise(path);
    const node = this.nodes.get(target);
    if (node === undefined) throw fsError("ENOENT", syscall, target);
    return { user: node.user, group: node.group, mode: node.mode };
  }

  chown(path: string, owner: { readonly user?: string; readonly group?: string }): void {
    const target = FakeFileSystem.normalise(path);
    const node = this.nodes.get(target);
    if (node === undefined) throw fsError("ENOENT", "chown", target);
    this.nodes.set(target, { ...node, ...this.owner(owner.user, owner.group, node) });
  }

  /** The owner names a write asks for, checked: a user alone brings their primary group. */
  resolveOwner(user: string | undefined, group: string | undefined): { user?: string; group?: string } {
    let groupName = group;
    if (user !== undefined) {
      const entry = this.accounts.user(user);
      if (entry === undefined) throw new UnknownUserError(`no such user: ${JSON.stringify(user)}`);
      groupName ??= this.accounts.group(entry.gid)?.name ?? String(entry.gid);
    }
    if (group !== undefined && this.accounts.group(group) === undefined)
      throw new UnknownGroupError(`no such group: ${JSON.stringify(group)}`);
    return { ...(user === undefined ? {} : { user }), ...(groupName === undefined ? {} : { group: groupName }) };
  }

  /** The owner a write gives: the named user and group, else the node's, else root. */
  private owner(user: string | undefined, group: string | undefined, existing: Node | undefined): { user: string; group: string } {
    const wanted = this.resolveOwner(user, group);
    return { user: wanted.user ?? existing?.user ?? "root", group: wanted.group ?? existing?.group ?? "root" };
  }

  private makeParents(target: string): void {
    const parts = target.split("/").filter((part) => part !== "");
    let path = "";
    for (const part of parts.slice(0, -1)) {
      path += `/${part}`;
      const node = this.nodes.get(path);
      if (node === undefined) this.nodes.set(path, { kind: "dir", mode: 0o755, user: "root", group: "root" });
      else if (node.kind !== "dir") throw fsError("ENOTDIR", "open", target);
    }
  }

  private requireDir(dir: string, syscall: string, target: string): void {
    const node = this.nodes.get(dir);
    if (node === undefined) throw fsError("ENOENT", syscall, target);
    if (node.kind !== "dir") throw fsError("ENOTDIR", syscall, target);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** The Files concept over the fake tree, as machine/files.ts documents it. */
export class FakeFiles implements Files {
  constructor(private readonly tree: FakeFileSystem) {}

  ensureContents(path: string, content: string | Uint8Array, options: EnsureContentsOptions = {}): Promise<boolean> {
    return attempt(() => {
      const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
      const mode = options.mode ?? 0o644;
      const current = this.tree.file(path);
      if (this.tree.isDir(path)) throw fsError("EISDIR", "open", FakeFileSystem.normalise(path));
      // Checks the owner names first (UnknownUserError even when nothing would change).
      const wanted = this.wantedOwner(options);
      if (
        current !== undefined &&
        current.mode === mode &&
        (wanted.user === undefined || current.user === wanted.user) &&
        (wanted.group === undefined || current.group === wanted.group) &&
        sameBytes(current.content, bytes)
      )
        return false;
      this.tree.write(path, bytes, { mode, ...wanted });
      return true;
    });
  }

  readText(path: string): Promise<string> {
    return attempt(() => new TextDecoder().decode(this.read(path)));
  }

  readBytes(path: string): Promise<Uint8Array> {
    return attempt(() => this.read(path));
  }

  exists(path: string): Promise<boolean> {
    return attempt(() => this.tree.exists(path));
  }

  isDir(path: string): Promise<boolean> {
    return attempt(() => this.tree.isDir(path));
  }

  unlink(path: string, options: { readonly missingOk?: boolean } = {}): Promise<void> {
    return attempt(() => {
      if (!this.tree.remove(path) && options.missingOk !== true) throw fsError("ENOENT", "unlink", FakeFileSystem.normalise(path));
    });
  }

  rmdir(path: string): Promise<void> {
    return attempt(() => {
      this.tree.rmdir(path);
    });
  }

  mkdir(path: string, options: MkdirOptions = {}): Promise<void> {
    return attempt(() => {
      this.tree.mkdir(path, options);
    });
  }

  ownership(path: string): Promise<FileOwnership> {
    return attempt(() => this.tree.ownership(path));
  }

  chown(path: string, owner: { readonly user?: string; readonly group?: string }): Promise<void> {
    return attempt(() => {
      this.tree.chown(path, owner);
    });
  }

  private read(path: string): Uint8Array {
    const file = this.tree.file(path);
    if (file !== undefined) return file.content;
    const target = FakeFileSystem.normalise(path);
    throw this.tree.isDir(target) ? fsError("EISDIR", "read", target) : fsError("ENOENT", "read", target);
  }

  /** The user and group a write asks for, checked (a user alone: their primary group). */
  private wantedOwner(options: EnsureContentsOptions): { user?: string; group?: string } {
    return this.tree.resolveOwner(options.user, options.group);
  }
}

/** Runs a synchronous step as a Promise: what it throws becomes the rejection. */
export async function attempt<T>(step: () => T): Promise<T> {
  return await Promise.resolve().then(step);
}
