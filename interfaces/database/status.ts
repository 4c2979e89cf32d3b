// Statuses a provider raises on a relation (data_interfaces' `status` key: a JSON list of
// `{code, message, resolution}`), and the events a requirer gets when one is raised or resolved.

import { RelationEvent, customEvent } from "../../runtime/index.js";
import { type RemoteBag, InterfaceDataError } from "../common/data.js";

export interface RelationStatus {
  readonly code: number;
  readonly message: string;
  readonly resolution: string;
}

/** A status the provider raised (`statusRaised`) or resolved (`statusResolved`). */
export class StatusEvent extends RelationEvent {
  get status(): RelationStatus {
    const raw = this.snapshot["status"];
    const value = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? raw : {};
    return {
      code: typeof value["code"] === "number" ? value["code"] : 0,
      message: typeof value["message"] === "string" ? value["message"] : "",
      resolution: typeof value["resolution"] === "string" ? value["resolution"] : "",
    };
  }
}

export function statusEvents(owner: string) {
  return {
    statusRaised: customEvent(owner, "status-raised", StatusEvent),
    statusResolved: customEvent(owner, "status-resolved", StatusEvent),
  };
}

/** The statuses in a `status` value (from the bag, or from the snapshot of it); [] for nothing. */
export function statusesOf(raw: string | undefined, bag: RemoteBag): RelationStatus[] {
  if (raw === undefined || raw === "" || raw === "null") return [];
  const bad = (): never => {
    throw new InterfaceDataError(bag.source, "status", "a JSON list of {code, message, resolution}", raw);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return bad();
  }
  if (!Array.isArray(parsed)) return bad();
  return parsed.map((item: unknown) => {
    if (typeof item !== "object" || item === null) return bad();
    const { code, message, resolution } = item as Record<string, unknown>;
    if (!Number.isSafeInteger(code)) return bad();
    return {
      code: code as number,
      message: typeof message === "string" ? message : "",
      resolution: typeof resolution === "string" ? resolution : "",
    };
  });
}
