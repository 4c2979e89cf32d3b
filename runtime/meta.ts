// The charm's metadata, config and actions as compiled into the bundle at build time (no YAML at run time).

/** A JSON value, as found in metadata, config, action params, stored state and hook-tool output. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type RelationRole = "provides" | "requires" | "peers";

export interface RelationMeta {
  readonly role: RelationRole;
  readonly interface: string;
  readonly scope?: "global" | "container";
  readonly limit?: number;
  readonly optional?: boolean;
}

export interface StorageMeta {
  readonly type: "filesystem" | "block";
  readonly description?: string;
  readonly location?: string;
  readonly multiple?: string;
}

export type ConfigType = "string" | "int" | "float" | "boolean" | "secret";
export type ConfigValue = string | number | boolean;

export interface ConfigOptionMeta {
  readonly type: ConfigType;
  readonly default?: ConfigValue;
  readonly description?: string;
}

export interface ActionMeta {
  readonly description?: string;
  /** JSON-schema properties of the params. */
  readonly params?: Readonly<Record<string, JsonObject>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
}

/** Everything the runtime knows about the charm, produced by `build.mjs` from the YAML files. */
export interface CharmMeta {
  readonly name: string;
  readonly summary?: string;
  readonly subordinate?: boolean;
  /** Every endpoint from `provides`, `requires` and `peers`, keyed by endpoint name. */
  readonly relations: Readonly<Record<string, RelationMeta>>;
  readonly extraBindings?: readonly string[];
  readonly storage: Readonly<Record<string, StorageMeta>>;
  readonly config: Readonly<Record<string, ConfigOptionMeta>>;
  readonly actions: Readonly<Record<string, ActionMeta>>;
}
