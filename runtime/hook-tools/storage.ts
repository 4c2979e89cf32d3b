// Storage: `storage-list`, `storage-get`, `storage-add`.

import type { ToolCall } from "./call.js";
import { expectObject, expectStringArray, malformed } from "./output.js";

export interface StorageRecord {
  readonly kind: "block" | "filesystem";
  readonly location: string;
}

export interface StorageTools {
  storageList(name?: string): string[];
  storageGet(id: string): StorageRecord;
  storageAdd(name: string, count: number): void;
}

export function storageList(call: ToolCall, name?: string): string[] {
  return expectStringArray("storage-list", call.json("storage-list", ["--format=json", ...(name === undefined ? [] : [name])]));
}

export function storageGet(call: ToolCall, id: string): StorageRecord {
  const raw = expectObject("storage-get", call.json("storage-get", ["--format=json", "-s", id]));
  const { kind, location } = raw;
  if ((kind !== "block" && kind !== "filesystem") || typeof location !== "string") {
    throw malformed("storage-get", "expected kind and location");
  }
  return { kind, location };
}

export function storageAdd(call: ToolCall, name: string, count: number): void {
  call.run("storage-add", [`${name}=${count}`]);
}
