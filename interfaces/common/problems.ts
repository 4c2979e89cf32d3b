// What an interface does when the other side sends something it cannot use: no crashed hook, but
// a blocked status that names the relation, the key and the value, kept until the other side
// fixes its bag (a remote bag changes only with a relation-changed, so the problem is remembered
// in stored state until the next read of that relation succeeds or the relation goes away).

import {
  BlockedStatus,
  type CharmBase,
  type CollectStatusEvent,
  type Relation,
  type RelationBrokenEvent,
  log,
} from "../../runtime/index.js";
import { InterfaceDataError } from "./data.js";

/** The problems of one interface object, by relation id; each shows as a blocked unit status. */
export class RelationProblems {
  private readonly stored: { problems: Record<string, string> };

  constructor(
    charm: CharmBase,
    private readonly endpoint: string,
    options: { readonly status?: boolean } = {},
  ) {
    this.stored = charm.framework.storedState<{ problems: Record<string, string> }>(`tscharm.interfaces/${endpoint}`, { problems: {} });
    if (options.status !== false) charm.framework.observe(charm.on.collectUnitStatus, this.collectStatus);
    charm.framework.observe(charm.on.relationBroken(endpoint), this.forgetBroken);
  }

  /** The problems found so far, by relation id (a copy). */
  get current(): Readonly<Record<number, string>> {
    return { ...this.stored.problems };
  }

  /**
   * Runs `read` (which reads the other side's bags of `relation`): if it throws an
   * `InterfaceDataError`, that becomes the relation's problem (logged at ERROR, a blocked status)
   * and the result is undefined; if it succeeds, the relation's earlier problem is forgotten.
   * Any other error is thrown on: it is a bug or a failed hook tool, not bad data.
   */
  async guard<T>(relation: Relation, read: () => T | Promise<T>): Promise<T | undefined> {
    try {
      const value = await read();
      this.forget(relation.id);
      return value;
    } catch (error) {
      if (!(error instanceof InterfaceDataError)) throw error;
      this.report(relation.id, error);
      return undefined;
    }
  }

  /** Records `error` as the problem of relation `id`. */
  report(id: number, error: InterfaceDataError): void {
    log.error(`${this.endpoint}: ${error.message}`);
    this.stored.problems[String(id)] = error.message;
  }

  forget(id: number): void {
    this.stored.problems = Object.fromEntries(Object.entries(this.stored.problems).filter(([key]) => key !== String(id)));
  }

  private readonly forgetBroken = (event: RelationBrokenEvent): void => {
    this.forget(event.relation.id);
  };

  private readonly collectStatus = (event: CollectStatusEvent): void => {
    for (const message of Object.values(this.stored.problems)) event.addStatus(new BlockedStatus(message));
  };
}
