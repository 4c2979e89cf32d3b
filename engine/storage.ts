// Storage in one hook: storage-list, storage-get and storage-add (requests buffered until commit).

import type { StorageRecord } from "../runtime/hook-tools/index.js";
import type { CommitChanges, HookConcept, HookScope } from "./hook-scope.js";
import { fail } from "./tool-errors.js";

export class Storage implements HookConcept {
  private readonly adds: Record<string, number> = {};

  constructor(private readonly scope: HookScope) {}

  storageList(name?: string): string[] {
    return [...this.scope.model.unit(this.scope.unitName).storage.keys()]
      .filter((id) => name === undefined || id.split("/")[0] === name)
      .sort();
  }

  storageGet(id: string): StorageRecord {
    if (!isStorageId(id)) fail("storage-get", 2, `invalid storage ID "${id}"`);
    const storage = this.scope.model.unit(this.scope.unitName).storage.get(id);
    if (storage === undefined) fail("storage-get", 1, `storage "${id}" not found`);
    return storage;
  }

  storageAdd(name: string, count: number): void {
    if (!Number.isInteger(count) || count < 1) fail("storage-add", 2, `only count can be specified for "${name}"`);
    this.adds[name] = (this.adds[name] ?? 0) + count;
    this.scope.autoCommit();
  }

  apply(_changes: CommitChanges): void {
    for (const [name, count] of Object.entries(this.adds)) this.scope.model.requestStorage(this.scope.unitName, name, count);
  }

  reset(): void {
    for (const key of Object.keys(this.adds)) Reflect.deleteProperty(this.adds, key);
  }
}

/** `<storage name>/<number>`, as Juju's storage tags name an instance. */
function isStorageId(id: string): boolean {
  return /^[a-z][a-z0-9-]*\/\d+$/.test(id);
}
