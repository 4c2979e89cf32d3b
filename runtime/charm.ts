// CharmBase, the class a charm extends, and `this.on`: every event a machine charm can observe.

import { classifyHook } from "./dispatch-context.js";
import {
  ActionEvent,
  CollectMetricsEvent,
  CollectStatusEvent,
  ConfigChangedEvent,
  CustomHookEvent,
  type EventBase,
  type EventClass,
  InstallEvent,
  LeaderElectedEvent,
  LeaderSettingsChangedEvent,
  PostSeriesUpgradeEvent,
  PreSeriesUpgradeEvent,
  RelationBrokenEvent,
  RelationChangedEvent,
  RelationCreatedEvent,
  RelationDepartedEvent,
  RelationJoinedEvent,
  RemoveEvent,
  SecretChangedEvent,
  SecretExpiredEvent,
  SecretRemoveEvent,
  SecretRotateEvent,
  StartEvent,
  StopEvent,
  StorageAttachedEvent,
  StorageDetachingEvent,
  UpdateStatusEvent,
  UpgradeCharmEvent,
} from "./events.js";
import { BoundEvent, COLLECT_APP_STATUS, COLLECT_UNIT_STATUS, type Framework } from "./framework.js";
import type { CharmMeta, ConfigValue, JsonValue } from "./meta.js";
import { InvalidConfigError, type StandardSchemaV1, validateConfig } from "./config.js";
import { HookEnded } from "./errors.js";
import type { Application, Model, Unit } from "./model.js";

/**
 * The names a charm's metadata declares, so the compiler can check them. `tscharm types` generates
 * one of these from charmcraft.yaml; without it every name is a plain string.
 */
export interface CharmTypes {
  readonly config: object;
  readonly relations: string;
  readonly storages: string;
  readonly actions: Readonly<Record<string, object>>;
}

/** The types of a charm with no generated types: names are strings, config values are checked at run time. */
export interface UntypedCharm extends CharmTypes {
  readonly config: Readonly<Record<string, ConfigValue>>;
  readonly relations: string;
  readonly storages: string;
  readonly actions: Readonly<Record<string, Readonly<Record<string, JsonValue>>>>;
}

/** Every event of a machine charm. Relation, storage and action events are reached by name. */
export class CharmEvents<T extends CharmTypes = UntypedCharm> {
  readonly install = new BoundEvent("install", InstallEvent);
  readonly start = new BoundEvent("start", StartEvent);
  readonly stop = new BoundEvent("stop", StopEvent);
  readonly remove = new BoundEvent("remove", RemoveEvent);
  readonly configChanged = new BoundEvent("config-changed", ConfigChangedEvent);
  readonly updateStatus = new BoundEvent("update-status", UpdateStatusEvent);
  readonly upgradeCharm = new BoundEvent("upgrade-charm", UpgradeCharmEvent);
  readonly leaderElected = new BoundEvent("leader-elected", LeaderElectedEvent);
  readonly leaderSettingsChanged = new BoundEvent("leader-settings-changed", LeaderSettingsChangedEvent);
  readonly preSeriesUpgrade = new BoundEvent("pre-series-upgrade", PreSeriesUpgradeEvent);
  readonly postSeriesUpgrade = new BoundEvent("post-series-upgrade", PostSeriesUpgradeEvent);
  readonly collectMetrics = new BoundEvent("collect-metrics", CollectMetricsEvent);
  readonly secretChanged = new BoundEvent("secret-changed", SecretChangedEvent);
  readonly secretRotate = new BoundEvent("secret-rotate", SecretRotateEvent);
  readonly secretRemove = new BoundEvent("secret-remove", SecretRemoveEvent);
  readonly secretExpired = new BoundEvent("secret-expired", SecretExpiredEvent);
  /** After every event: add this unit's status with `event.addStatus(...)`; the most severe wins. */
  readonly collectUnitStatus = new BoundEvent(COLLECT_UNIT_STATUS, CollectStatusEvent);
  /** After every event, on the leader only: the application's status. */
  readonly collectAppStatus = new BoundEvent(COLLECT_APP_STATUS, CollectStatusEvent);

  /** @internal */
  constructor(private readonly meta: CharmMeta) {}

  relationCreated(endpoint: T["relations"]): BoundEvent<RelationCreatedEvent> {
    return this.relation(endpoint, "created", RelationCreatedEvent);
  }

  relationJoined(endpoint: T["relations"]): BoundEvent<RelationJoinedEvent> {
    return this.relation(endpoint, "joined", RelationJoinedEvent);
  }

  relationChanged(endpoint: T["relations"]): BoundEvent<RelationChangedEvent> {
    return this.relation(endpoint, "changed", RelationChangedEvent);
  }

  relationDeparted(endpoint: T["relations"]): BoundEvent<RelationDepartedEvent> {
    return this.relation(endpoint, "departed", RelationDepartedEvent);
  }

  relationBroken(endpoint: T["relations"]): BoundEvent<RelationBrokenEvent> {
    return this.relation(endpoint, "broken", RelationBrokenEvent);
  }

  storageAttached(storage: T["storages"]): BoundEvent<StorageAttachedEvent> {
    return this.storage(storage, "attached", StorageAttachedEvent);
  }

  storageDetaching(storage: T["storages"]): BoundEvent<StorageDetachingEvent> {
    return this.storage(storage, "detaching", StorageDetachingEvent);
  }

  /** The event of an action declared in the charm's actions. */
  action<N extends keyof T["actions"] & string>(name: N): BoundEvent<ActionEvent<T["actions"][N]>> {
    if (this.meta.actions[name] === undefined) throw unknownName("action", name, Object.keys(this.meta.actions), this.meta.name);
    return new BoundEvent(`action:${name}`, ActionEvent<T["actions"][N]>);
  }

  /**
   * Any other hook Juju may run (`hooks/<name>`), for instance a hook of an endpoint this charm
   * no longer declares. Unobserved custom hooks are logged at debug and succeed.
   */
  custom(hookName: string): BoundEvent<CustomHookEvent> {
    if (classifyHook(hookName, this.meta).type !== "custom") {
      throw new TypeError(`"${hookName}" is a standard hook of ${this.meta.name}: observe it through this.on, not this.on.custom`);
    }
    return new BoundEvent(hookName, CustomHookEvent);
  }

  private relation<E extends EventBase>(endpoint: string, phase: string, eventClass: EventClass<E>): BoundEvent<E> {
    if (this.meta.relations[endpoint] === undefined) {
      throw unknownName("relation endpoint", endpoint, Object.keys(this.meta.relations), this.meta.name);
    }
    return new BoundEvent(`${endpoint}-relation-${phase}`, eventClass);
  }

  private storage<E extends EventBase>(name: string, phase: string, eventClass: EventClass<E>): BoundEvent<E> {
    if (this.meta.storage[name] === undefined) throw unknownName("storage", name, Object.keys(this.meta.storage), this.meta.name);
    return new BoundEvent(`${name}-storage-${phase}`, eventClass);
  }
}

/**
 * The base class of a charm. The constructor receives the framework and registers handlers:
 * `framework.observe(this.on.start, this.onStart)`.
 */
export class CharmBase<T extends CharmTypes = UntypedCharm> {
  readonly on: CharmEvents<T>;

  constructor(readonly framework: Framework) {
    this.on = new CharmEvents<T>(framework.meta);
  }

  get model(): Model {
    return this.framework.model;
  }

  /** The unit this charm runs on. */
  get unit(): Unit {
    return this.framework.model.unit;
  }

  /** The application this unit belongs to. */
  get app(): Application {
    return this.framework.model.app;
  }

  /** Config option values, read from Juju once per hook on first access. */
  get config(): Readonly<T["config"]> {
    return this.framework.model.config;
  }

  /** The charm's metadata, config options and actions, as compiled into the executable. */
  get meta(): CharmMeta {
    return this.framework.meta;
  }

  /** The charm's directory, where the files packed with the charm are (ops' `charm_dir`; see `Model.charmDir`). */
  get charmDir(): string {
    return this.framework.model.charmDir;
  }

  /**
   * The config, validated by `schema` (any Standard Schema validator: zod, valibot, arktype, …),
   * as ops' `load_config`: the validator gets the options by their Juju names (a `secret` option
   * is its secret's URI: `this.model.getSecret({ id })` reads it). On invalid config it throws an
   * `InvalidConfigError` (each issue: option, value, message), or, with `{ errors: "blocked" }`,
   * sets the unit blocked with the problems and ends the hook successfully: Juju does not retry
   * it, the user fixes the config and config-changed runs again.
   */
  loadConfig<S extends StandardSchemaV1>(
    schema: S,
    options: { readonly errors?: "raise" | "blocked" } = {},
  ): StandardSchemaV1.InferOutput<S> {
    try {
      return validateConfig(schema, this.framework.model.config);
    } catch (error) {
      if (!(error instanceof InvalidConfigError) || options.errors !== "blocked") throw error;
      this.unit.status = error.status;
      throw new HookEnded(`the config is invalid (${error.message}): the unit is blocked and the hook ends here`);
    }
  }
}

function unknownName(what: string, name: string, known: readonly string[], charm: string): Error {
  return new TypeError(
    `"${name}" is not a ${what} of ${charm}` + (known.length === 0 ? ` (it declares none)` : ` (it declares: ${known.join(", ")})`),
  );
}
