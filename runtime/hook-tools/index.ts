// The typed interface to Juju's hook tools, composed from one slice per concept, and the production
// implementation that runs each tool as a process.
//
// Each concept's module (leadership.ts, config.ts, relations.ts, status.ts, logging.ts, actions.ts,
// ports.ts, network.ts, secrets.ts, unit-state.ts, storage.ts, one-offs.ts) holds its record types,
// its slice of `HookTools`, and the functions that build each tool's argv (the one ops uses in
// production, see docs/hook-tools.md) and parse its `--format=json` output. call.ts runs a tool and
// maps its failure to an error class; spawn.ts starts the process.

import type { ConfigValue, JsonObject } from "../meta.js";
import * as actions from "./actions.js";
import { ToolCall } from "./call.js";
import * as config from "./config.js";
import * as leadership from "./leadership.js";
import * as logging from "./logging.js";
import * as network from "./network.js";
import * as oneOffs from "./one-offs.js";
import * as ports from "./ports.js";
import * as relations from "./relations.js";
import * as secrets from "./secrets.js";
import type { ToolRunner } from "./spawn.js";
import * as status from "./status.js";
import * as storage from "./storage.js";
import { HookToolTransport } from "./transport.js";
import * as unitState from "./unit-state.js";

export type { ActionTools } from "./actions.js";
export { toolError } from "./call.js";
export type { ConfigTools } from "./config.js";
export type { LeadershipTools } from "./leadership.js";
export type { LogLevel, LoggingTools } from "./logging.js";
export type { NetworkRecord, NetworkTools } from "./network.js";
export type { CloudSpecRecord, GoalStateRecord, OneOffTools } from "./one-offs.js";
export { formatPort, parsePort, type PortRange, type PortTools, type Protocol } from "./ports.js";
export type { RelationRef, RelationTools } from "./relations.js";
export type {
  SecretAddOptions,
  SecretGetOptions,
  SecretInfoRecord,
  SecretMetadataOptions,
  SecretOwner,
  SecretRotatePolicy,
  SecretSetOptions,
  SecretTools,
} from "./secrets.js";
export { spawnChild, spawnSyncBinding, spawnTool, type ToolResult, type ToolRunner } from "./spawn.js";
export { HookToolTransport, type HookToolsMode, type ToolPath, transportSettings } from "./transport.js";
export type { AppStatusRecord, SettableStatusName, StatusRecord, StatusTools } from "./status.js";
export type { StorageRecord, StorageTools } from "./storage.js";
export type { UnitStateTools } from "./unit-state.js";

/**
 * One method per hook tool. The runtime's model layer is written against this interface only;
 * `ProcessHookTools` runs the real tools, and the test kit implements it in memory.
 */
export interface HookTools
  extends
    leadership.LeadershipTools,
    config.ConfigTools,
    relations.RelationTools,
    status.StatusTools,
    logging.LoggingTools,
    actions.ActionTools,
    ports.PortTools,
    network.NetworkTools,
    secrets.SecretTools,
    unitState.UnitStateTools,
    storage.StorageTools,
    oneOffs.OneOffTools {}

/**
 * The production `HookTools`: each call is built and read by the concept modules and made by the
 * runner: by default over the unit agent's socket, or by spawning the tool (transport.ts).
 */
export class ProcessHookTools implements HookTools {
  private readonly call: ToolCall;

  constructor(runner: ToolRunner = new HookToolTransport().run) {
    this.call = new ToolCall(runner);
  }

  isLeader(): boolean {
    return leadership.isLeader(this.call);
  }

  configGet(): Record<string, ConfigValue> {
    return config.configGet(this.call);
  }

  relationIds(endpoint: string): number[] {
    return relations.relationIds(this.call, endpoint);
  }
  relationList(relation: relations.RelationRef): string[] {
    return relations.relationList(this.call, relation);
  }
  relationRemoteApp(relation: relations.RelationRef): string | undefined {
    return relations.relationRemoteApp(this.call, relation);
  }
  relationGet(relation: relations.RelationRef, target: string, app: boolean): Record<string, string> {
    return relations.relationGet(this.call, relation, target, app);
  }
  relationSet(relation: relations.RelationRef, data: Readonly<Record<string, string>>, app: boolean): void {
    relations.relationSet(this.call, relation, data, app);
  }
  relationModelGet(relation: relations.RelationRef): { readonly uuid: string } {
    return relations.relationModelGet(this.call, relation);
  }

  statusGet(): status.StatusRecord {
    return status.statusGet(this.call);
  }
  statusGetApplication(): status.AppStatusRecord {
    return status.statusGetApplication(this.call);
  }
  statusSet(name: status.SettableStatusName, message: string, app: boolean): void {
    status.statusSet(this.call, name, message, app);
  }

  jujuLog(level: logging.LogLevel, message: string): void {
    logging.jujuLog(this.call, level, message);
  }

  actionGet(): JsonObject {
    return actions.actionGet(this.call);
  }
  actionSet(results: Readonly<Record<string, string>>): void {
    actions.actionSet(this.call, results);
  }
  actionFail(message: string): void {
    actions.actionFail(this.call, message);
  }
  actionLog(message: string): void {
    actions.actionLog(this.call, message);
  }

  openPort(port: ports.PortRange, endpoints?: readonly string[]): void {
    ports.openPort(this.call, port, endpoints);
  }
  closePort(port: ports.PortRange, endpoints?: readonly string[]): void {
    ports.closePort(this.call, port, endpoints);
  }
  openedPorts(): ports.PortRange[] {
    return ports.openedPorts(this.call);
  }

  networkGet(binding: string, relationId?: number): network.NetworkRecord {
    return network.networkGet(this.call, binding, relationId);
  }

  secretAdd(content: Readonly<Record<string, string>>, options: secrets.SecretAddOptions): string {
    return secrets.secretAdd(this.call, content, options);
  }
  secretGet(options: secrets.SecretGetOptions): Record<string, string> {
    return secrets.secretGet(this.call, options);
  }
  secretSet(id: string, options: secrets.SecretSetOptions): void {
    secrets.secretSet(this.call, id, options);
  }
  secretRemove(id: string, revision?: number): void {
    secrets.secretRemove(this.call, id, revision);
  }
  secretGrant(id: string, relationId: number, unit?: string): void {
    secrets.secretGrant(this.call, id, relationId, unit);
  }
  secretRevoke(id: string, relationId: number, unit?: string): void {
    secrets.secretRevoke(this.call, id, relationId, unit);
  }
  secretIds(): string[] {
    return secrets.secretIds(this.call);
  }
  secretInfoGet(query: { readonly id: string } | { readonly label: string }): secrets.SecretInfoRecord {
    return secrets.secretInfoGet(this.call, query);
  }

  stateGet(): Record<string, string> {
    return unitState.stateGet(this.call);
  }
  stateSet(data: Readonly<Record<string, string>>): void {
    unitState.stateSet(this.call, data);
  }
  stateDelete(key: string): void {
    unitState.stateDelete(this.call, key);
  }

  storageList(name?: string): string[] {
    return storage.storageList(this.call, name);
  }
  storageGet(id: string): storage.StorageRecord {
    return storage.storageGet(this.call, id);
  }
  storageAdd(name: string, count: number): void {
    storage.storageAdd(this.call, name, count);
  }

  applicationVersionSet(version: string): void {
    oneOffs.applicationVersionSet(this.call, version);
  }
  resourceGet(name: string): string {
    return oneOffs.resourceGet(this.call, name);
  }
  goalState(): oneOffs.GoalStateRecord {
    return oneOffs.goalState(this.call);
  }
  credentialGet(): oneOffs.CloudSpecRecord {
    return oneOffs.credentialGet(this.call);
  }
  jujuReboot(now: boolean): void {
    oneOffs.jujuReboot(this.call, now);
  }
}
