// engine/storage.ts: storage-add is buffered, whatever the name (juju/juju
// worker/uniter/runner/jujuc/storage-add.go); the controller checks the name and count at commit
// (apiserver/facades/agent/uniter/storage.go validConstraints; state/storage.go
// ensureCharmStorageCountChange), and a refused commit applies none of the hook's changes.

import { describe, expect, test } from "vitest";

import type { CharmMeta } from "../../runtime/meta.js";
import { JujuModel } from "../../engine/model.js";
import { storageAddProblem, storageCount } from "../../engine/storage.js";
import { commitRefusal, hook } from "../support/engine.js";

const META: CharmMeta = {
  name: "db",
  relations: {},
  storage: { data: { type: "filesystem" }, logs: { type: "filesystem", multiple: "1-2" }, cache: { type: "block", multiple: "0-" } },
  config: {},
  actions: {},
};

function model(): JujuModel {
  const juju = new JujuModel();
  juju.addApp("db", META);
  juju.addUnit("db");
  juju.attachStorage("db/0", "data/0", { kind: "filesystem", location: "/srv/data" });
  juju.attachStorage("db/0", "logs/1", { kind: "filesystem", location: "/srv/logs" });
  return juju;
}

describe("storage-add, checked at commit", () => {
  test("an undeclared name: the tool accepts it, the commit is refused in the uniter facade's words", () => {
    const juju = model();
    const context = hook(juju, "db/0");
    context.stateSet({ k: "v" });
    context.storageAdd("nosuch", 1);
    expect(commitRefusal(context).message).toBe('adding storage nosuch for unit-db-0: storage "nosuch" not found');
    expect(juju.unit("db/0").state).toEqual({});
    expect(juju.takeStorageRequests("db/0")).toEqual({});
  });

  test("singular storage (no multiple) that is attached: cannot attach, storage is singular", () => {
    const context = hook(model(), "db/0");
    context.storageAdd("data", 1);
    expect(commitRefusal(context).message).toBe('adding "data" storage to db/0: cannot attach, storage is singular');
  });

  test("a range: within it is requested, past its maximum is refused; no maximum takes any count", () => {
    const juju = model();
    const ok = hook(juju, "db/0");
    ok.storageAdd("logs", 1);
    ok.storageAdd("cache", 5);
    ok.commit();
    expect(juju.takeStorageRequests("db/0")).toEqual({ logs: 1, cache: 5 });
    const over = hook(juju, "db/0");
    over.storageAdd("logs", 1);
    over.storageAdd("logs", 1);
    expect(commitRefusal(over).message).toBe(
      'adding "logs" storage to db/0: attaching 2 storage instances brings the total to 3, exceeding the maximum of 2',
    );
  });

  test("storageCount reads multiple: range as Juju does: n, m-n, m-; absent is exactly one", () => {
    expect(storageCount({ type: "filesystem" })).toEqual({ min: 1, max: 1 });
    expect(storageCount({ type: "filesystem", multiple: "3" })).toEqual({ min: 3, max: 3 });
    expect(storageCount({ type: "filesystem", multiple: "0-4" })).toEqual({ min: 0, max: 4 });
    expect(storageCount({ type: "filesystem", multiple: "2-" })).toEqual({ min: 2, max: undefined });
    expect(storageAddProblem("db/0", "x", { type: "block", multiple: "2" }, 2, 1)).toBe(
      'adding "x" storage to db/0: attaching 1 storage instance brings the total to 3, exceeding the maximum of 2',
    );
  });
});
