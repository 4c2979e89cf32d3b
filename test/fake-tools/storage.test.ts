// fake-tools/storage.ts: storage-list, storage-get and storage-add, run as processes against the
// fixture model of hook.ts.

import { describe, expect, test } from "vitest";

import { hookInfo } from "../../engine/hook-info.js";
import { demoModel, failure, hook, openHook, serveTools, success } from "./hook.js";

serveTools();

describe("storage-list, storage-get, storage-add", () => {
  test("storage-list: ids attached to the unit, optionally for one storage name", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("storage-list", ["--format=json"])).toEqual(success('["cache/0","data/0","data/1"]\n'));
    expect(await h.run("storage-list", ["data", "--format=json"])).toEqual(success('["data/0","data/1"]\n'));
    expect(await h.run("storage-list", ["data"])).toEqual(success("data/0\ndata/1\n"));
    expect(await h.run("storage-list", ["nosuch", "--format=json"])).toEqual(success("[]\n"));
  });

  test("storage-get -s: kind and location, or one of them", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("storage-get", ["-s", "data/0", "--format=json"])).toEqual(
      success('{"kind":"filesystem","location":"/srv/data"}\n'),
    );
    expect(await h.run("storage-get", ["-s", "data/0"])).toEqual(success("kind: filesystem\nlocation: /srv/data\n"));
    expect(await h.run("storage-get", ["-s", "data/0", "location"])).toEqual(success("/srv/data\n"));
    expect(await h.run("storage-get", ["-s", "cache/0", "kind", "--format=json"])).toEqual(success('"block"\n'));
  });

  test("storage-get: -s defaults to the storage hook's storage", async () => {
    const h = openHook(demoModel(), "demo/0", hookInfo("data-storage-attached", { storage: "data/1" }));
    expect(h.env["JUJU_STORAGE_ID"]).toBe("data/1");
    expect(await h.run("storage-get", ["location"])).toEqual(success("/srv/data1\n"));
  });

  test("storage-get errors: no storage (exit 2), a malformed id, an unknown attribute (exit 1)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("storage-get")).toEqual(failure(2, "no storage instance specified"));
    const bad = await h.run("storage-get", ["-s", "nope"]);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/^ERROR [^\n]*invalid storage ID "nope"\n$/);
    expect(await h.run("storage-get", ["-s", "data/0", "size"])).toEqual(failure(1, 'invalid storage attribute "size"'));
  });

  test("storage-add: buffered requests, count defaults to 1", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("storage-add", ["data"])).toEqual(success());
    expect(model.unit("demo/0").storageRequests).toEqual({});
    h.context.commit();
    expect(model.unit("demo/0").storageRequests).toEqual({ data: 1 });
  });

  test("storage-add takes any name and count; the controller refuses them at commit (storage-add.go buffers only)", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("storage-add", ["nosuch", "cache=2"])).toEqual(success());
    expect(() => h.context.commit()).toThrow('adding storage nosuch for unit-demo-0: storage "nosuch" not found');
    const singular = hook(model, "demo/0");
    expect(await singular.run("storage-add", ["cache"])).toEqual(success());
    expect(() => singular.context.commit()).toThrow('adding "cache" storage to demo/0: cannot attach, storage is singular');
    expect(model.unit("demo/0").storageRequests).toEqual({});
  });

  test("storage-add errors (exit 2): no directive; anything but a count", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("storage-add")).toEqual(failure(2, "storage add requires a storage directive"));
    expect(await h.run("storage-add", ["data=10G"])).toEqual(failure(2, 'only count can be specified for "data"'));
  });
});
