// Juju storage instances attached to this unit (`storage-list`, `storage-get`, `storage-add`).

import type { ModelBackend } from "./model-backend.js";

/** One storage instance, e.g. `data/0`. Its location is read from Juju on first use. */
export class Storage {
  private locationCache: string | undefined;
  private kindCache: "block" | "filesystem" | undefined;

  readonly #backend: ModelBackend;

  /** @internal */
  constructor(
    backend: ModelBackend,
    readonly name: string,
    readonly index: number,
    known: { location?: string | undefined; kind?: "block" | "filesystem" | undefined } = {},
  ) {
    this.#backend = backend;
    this.locationCache = known.location;
    this.kindCache = known.kind;
  }

  /** `<name>/<index>`, as Juju names it. */
  get id(): string {
    return `${this.name}/${this.index}`;
  }

  /** The mount point (filesystem) or device path (block). */
  get location(): string {
    if (this.locationCache === undefined) this.load();
    return this.locationCache as string;
  }

  get kind(): "block" | "filesystem" {
    if (this.kindCache === undefined) this.load();
    return this.kindCache as "block" | "filesystem";
  }

  private load(): void {
    const record = this.#backend.tools.storageGet(this.id);
    this.locationCache = record.location;
    this.kindCache = record.kind;
  }
}

/** The storage instances of this unit, by storage name: `this.model.storages.get("data")`. */
export class JujuStorages {
  readonly #backend: ModelBackend;

  /** @internal */
  constructor(backend: ModelBackend) {
    this.#backend = backend;
  }

  /** The instances of a storage declared in metadata (`storage-list <name>`). */
  get(name: string): Storage[] {
    this.requireDeclared(name);
    return this.#backend.tools.storageList(name).map((id) => {
      const index = Number(id.slice(id.lastIndexOf("/") + 1));
      return new Storage(this.#backend, name, index);
    });
  }

  /** Asks Juju for `count` more instances of `name` (granted when the hook succeeds). */
  request(name: string, count = 1): void {
    this.requireDeclared(name);
    if (!Number.isInteger(count) || count < 1) throw new TypeError(`storage count must be a positive integer, got ${count}`);
    this.#backend.tools.storageAdd(name, count);
  }

  private requireDeclared(name: string): void {
    if (this.#backend.meta.storage[name] === undefined) {
      throw new TypeError(`"${name}" is not a storage declared in ${this.#backend.meta.name}'s metadata`);
    }
  }
}
