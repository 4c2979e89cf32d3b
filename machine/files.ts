// Files on the machine, after charmlibs.pathops: ensureContents (atomic here: temp file, fsync,
// rename), reading, removing, directories, and ownership by user and group name.

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

export interface Files {
  /**
   * Makes `path` hold exactly `content` with this mode and ownership; false when it already did
   * (nothing written), true otherwise. Parent directories are created (0o755). The new content
   * replaces the old atomically: a reader sees the old file or the new one, never a part.
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
  mkdir(path: string, options?: MkdirOptions): Promise<void>;
  ownership(path: string): Promise<FileOwnership>;
  /** Changes the owner and/or group, by name (a user alone also sets their primary group). */
  chown(path: string, owner: { readonly user?: string; readonly group?: string }): Promise<void>;
}
