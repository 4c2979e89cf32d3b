// A unit as `juju show-unit <unit> --format json` prints it (juju/juju
// cmd/juju/application/showunit.go, UnitInfo and RelationData), parsed.

/** A unit's bag in one relation, and whether the unit is in the relation's scope. */
export interface UnitRelationData {
  readonly inScope: boolean;
  readonly data: Readonly<Record<string, unknown>>;
}

/** One relation of the unit: its endpoint, the other side's endpoint and bags. */
export interface RelationData {
  readonly relationId: number;
  readonly endpoint: string;
  readonly relatedEndpoint: string;
  /** The related application's bag. */
  readonly appData: Readonly<Record<string, unknown>>;
  readonly crossModel: boolean;
  /** The unit's own bag. */
  readonly localUnit: UnitRelationData | undefined;
  /** The related application's units (the other peers, on a peer relation). */
  readonly relatedUnits: Readonly<Record<string, UnitRelationData>>;
}

export interface UnitInfo {
  readonly openedPorts: readonly string[];
  readonly charm: string;
  readonly leader: boolean;
  readonly workloadVersion: string;
  readonly machine: string;
  readonly publicAddress: string;
  readonly life: string;
  readonly relationInfo: readonly RelationData[];
  readonly providerId: string;
  readonly address: string;
}

/** The one entry of `juju show-unit --format json` (keyed by the unit's name). */
export function parseUnitInfo(json: unknown): UnitInfo {
  const entry = record(Object.values(record(json))[0]);
  const text = (key: string): string => (typeof entry[key] === "string" ? entry[key] : "");
  return {
    openedPorts: Array.isArray(entry["opened-ports"]) ? entry["opened-ports"].map(String) : [],
    charm: text("charm"),
    leader: entry["leader"] === true,
    workloadVersion: text("workload-version"),
    machine: text("machine"),
    publicAddress: text("public-address"),
    life: text("life"),
    relationInfo: (Array.isArray(entry["relation-info"]) ? entry["relation-info"] : []).map((relation) => {
      const item = record(relation);
      const related = record(item["related-units"]);
      return {
        relationId: typeof item["relation-id"] === "number" ? item["relation-id"] : -1,
        endpoint: typeof item["endpoint"] === "string" ? item["endpoint"] : "",
        relatedEndpoint: typeof item["related-endpoint"] === "string" ? item["related-endpoint"] : "",
        appData: record(item["application-data"]),
        crossModel: item["cross-model"] === true,
        localUnit: item["local-unit"] === undefined ? undefined : unitData(item["local-unit"]),
        relatedUnits: Object.fromEntries(Object.entries(related).map(([unit, data]) => [unit, unitData(data)])),
      };
    }),
    providerId: text("provider-id"),
    address: text("address"),
  };
}

function unitData(json: unknown): UnitRelationData {
  const item = record(json);
  return { inScope: item["in-scope"] === true, data: record(item["data"]) };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
