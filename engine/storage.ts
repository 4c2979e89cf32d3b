// Storage in one hook: storage-list, storage-get and storage-add (requests buffered until commit,
// when the controller checks them against the charm's storage).

import type { StorageRecord } from "../runtime/hook-tools/index.js";
import type { StorageMeta } from "../runtime/meta.js";
import { type CommitChanges, CommitError, type HookConcept, type HookScope } from "./hook-scope.js";
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

  /**
   * storage-add only records the request, whatever the name: Juju's tool checks the directive's
   * syntax and nothing else (juju/juju worker/uniter/runner/jujuc/storage-add.go, and
   * HookContext.AddUnitStorage in worker/uniter/runner/context/context.go). The controller checks
   * the name and the count when the hook's changes are committed (check below).
   */
  storageAdd(name: string, count: number): void {
    if (!Number.isInteger(count) || count < 1) fail("storage-add", 2, `only count can be specified for "${name}"`);
    this.adds[name] = (this.adds[name] ?? 0) + count;
    this.scope.autoCommit();
  }

  /** The controller refuses the hook's changes if a storage-add names storage the charm lacks, or breaks its count. */
  check(): void {
    const meta = this.scope.model.app(this.scope.appName).meta;
    if (meta === undefined) return;
    const unit = this.scope.model.unit(this.scope.unitName);
    for (const [name, count] of Object.entries(this.adds)) {
      const current = [...unit.storage.keys()].filter((id) => id.split("/")[0] === name).length;
      const problem = storageAddProblem(this.scope.unitName, name, meta.storage[name], current, count);
      if (problem !== undefined) throw new CommitError(problem);
    }
  }

  apply(_changes: CommitChanges): void {
    for (const [name, count] of Object.entries(this.adds)) this.scope.model.requestStorage(this.scope.unitName, name, count);
  }

  reset(): void {
    for (const key of Object.keys(this.adds)) Reflect.deleteProperty(this.adds, key);
  }
}

/** How many instances of a storage a unit may have: `multiple: range` absent is exactly one. */
export interface StorageCount {
  readonly min: number;
  /** Undefined: no upper bound (`range: 2-`). */
  readonly max: number | undefined;
}

/**
 * The count range of a storage, as Juju reads metadata.yaml's `multiple: range`: `n`, `m-n` or
 * `m-` (juju/juju internal/charm/meta.go); absent, the storage is singular (one instance).
 */
export function storageCount(spec: StorageMeta): StorageCount {
  if (spec.multiple === undefined) return { min: 1, max: 1 };
  const match = /^(\d+)(?:(-)(\d*))?$/.exec(spec.multiple.trim());
  if (match === null) return { min: 1, max: 1 };
  const min = Number(match[1]);
  if (match[2] === undefined) return { min, max: min };
  return { min, max: match[3] === undefined || match[3] === "" ? undefined : Number(match[3]) };
}

/**
 * Why the controller refuses `count` more instances of storage `name` for a unit that has
 * `current`, in its words, or undefined. Juju 3.6: an undeclared name fails in the uniter facade
 * (juju/juju apiserver/facades/agent/uniter/storage.go, validConstraints, annotated by
 * addStorageToOneUnitOperation with the unit's tag); the count in state
 * (state/storage.go ensureCharmStorageCountChange, annotated by state/storage_ops.go).
 */
export function storageAddProblem(
  unitName: string,
  name: string,
  spec: StorageMeta | undefined,
  current: number,
  count: number,
): string | undefined {
  if (spec === undefined) return `adding storage ${name} for unit-${unitName.replace("/", "-")}: storage "${name}" not found`;
  const { min, max } = storageCount(spec);
  const total = current + count;
  const attaching = `attaching ${String(count)} storage instance${count === 1 ? "" : "s"} brings the total to ${String(total)}`;
  let problem: string | undefined;
  if (min === 1 && max === 1 && total !== 1) problem = "cannot attach, storage is singular";
  else if (total < min) problem = `${attaching}, which is less than the minimum of ${String(min)}`;
  else if (max !== undefined && total > max) problem = `${attaching}, exceeding the maximum of ${String(max)}`;
  return problem === undefined ? undefined : `adding "${name}" storage to ${unitName}: ${problem}`;
}

/** `<storage name>/<number>`, as Juju's storage tags name an instance. */
function isStorageId(id: string): boolean {
  return /^[a-z][a-z0-9-]*\/\d+$/.test(id);
}
