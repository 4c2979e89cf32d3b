// FakeMachine's users and groups: the passwd and group tables in memory ("root" always there), and
// the Passwd concept over them, with charmlibs.passwd's idempotence (an existing user or group is
// returned unchanged) and useradd/groupadd's refusals as the CommandError the real tools would give.

import { CommandError, failureMessage } from "../machine/commands.js";
import { attempt } from "./fake-machine-files.js";
import {
  type AddUserOptions,
  type GroupEntry,
  type Passwd,
  UnknownGroupError,
  UnknownUserError,
  type UserEntry,
} from "../machine/passwd.js";

/** A user given to `new FakeMachine({ users })`; gid defaults to the group named after the user (made if missing, gid = uid). */
export interface FakeUserInit {
  readonly name: string;
  readonly uid: number;
  readonly gid?: number;
  readonly home?: string;
  readonly shell?: string;
}

/** A group given to `new FakeMachine({ groups })`. */
export interface FakeGroupInit {
  readonly name: string;
  readonly gid: number;
  readonly members?: readonly string[];
}

/** The tables: users and groups by name, looked up by name or id. */
export class FakeAccounts {
  readonly users = new Map<string, UserEntry>([["root", { name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash" }]]);
  readonly groups = new Map<string, GroupEntry>([["root", { name: "root", gid: 0, members: [] }]]);
  /** The (already encrypted) passwords given to addUser, by user: never in calls, errors or messages. */
  readonly passwords = new Map<string, string>();

  constructor(users: readonly FakeUserInit[] = [], groups: readonly FakeGroupInit[] = []) {
    for (const group of groups) this.groups.set(group.name, { name: group.name, gid: group.gid, members: [...(group.members ?? [])] });
    for (const user of users) {
      let gid = user.gid;
      if (gid === undefined) {
        const own = this.groups.get(user.name) ?? { name: user.name, gid: user.uid, members: [] };
        this.groups.set(user.name, own);
        gid = own.gid;
      }
      this.users.set(user.name, {
        name: user.name,
        uid: user.uid,
        gid,
        home: user.home ?? `/home/${user.name}`,
        shell: user.shell ?? "/bin/bash",
      });
    }
  }

  user(user: string | number): UserEntry | undefined {
    if (typeof user === "number") return [...this.users.values()].find((entry) => entry.uid === user);
    return this.users.get(user);
  }

  group(group: string | number): GroupEntry | undefined {
    if (typeof group === "number") return [...this.groups.values()].find((entry) => entry.gid === group);
    return this.groups.get(group);
  }

  /** The first free id from `start` upwards (or downwards, for system accounts as useradd --system picks them). */
  freeId(taken: (id: number) => boolean, system: boolean): number {
    if (system) {
      for (let id = 999; id >= 100; id--) if (!taken(id)) return id;
    }
    let id = 1000;
    while (taken(id)) id++;
    return id;
  }
}

/** A tool's refusal, as LocalPasswd reports a failed groupadd or groupdel: what was being done, the tool's argv and message. */
function toolRefused(what: string, argv: readonly string[], exitCode: number, stderr: string): CommandError {
  const result = { argv, exitCode, signal: undefined, stdout: "", stderr };
  return new CommandError(`cannot ${what}: ${failureMessage(result)}`, result);
}

/** A user or group name as shadow's tools take it, or a TypeError naming it. */
function checkName(kind: "user" | "group", name: string): void {
  if (typeof name !== "string" || !/^[a-z_][a-z0-9_-]*\$?$/.test(name) || name.length > 32)
    throw new TypeError(
      `invalid ${kind} name ${JSON.stringify(name)}: lower-case letters, digits, "_" and "-" (at most 32), not starting with a digit or "-"`,
    );
}

export interface PasswdSideEffects {
  /** Makes a home directory owned by the user (useradd --create-home). */
  makeHome(path: string, user: string): void;
  /** Removes a home directory and what is in it. */
  removeTree(path: string): void;
}

/** The Passwd concept over the fake tables, as machine/passwd.ts documents it (after charmlibs.passwd). */
export class FakePasswd implements Passwd {
  constructor(
    private readonly accounts: FakeAccounts,
    private readonly effects: PasswdSideEffects,
  ) {}

  addUser(username: string, options: AddUserOptions = {}): Promise<UserEntry> {
    return attempt(() => this.addUserNow(username, options));
  }

  addGroup(name: string, options: { readonly systemGroup?: boolean; readonly gid?: number } = {}): Promise<GroupEntry> {
    return attempt(() => {
      const { accounts } = this;
      checkName("group", name);
      const existing = accounts.group(name);
      if (existing !== undefined) {
        // As LocalPasswd: charmlibs would return the group of the asked gid, even one of another name.
        if (options.gid !== undefined && existing.gid !== options.gid)
          throw new Error(`group "${name}" exists already with gid ${String(existing.gid)}, not ${String(options.gid)}`);
        return existing;
      }
      if (options.gid !== undefined && accounts.group(options.gid) !== undefined)
        throw toolRefused(
          `add group "${name}"`,
          ["groupadd", "--gid", String(options.gid), name],
          4,
          `groupadd: GID '${String(options.gid)}' already exists`,
        );
      const gid = options.gid ?? accounts.freeId((id) => accounts.group(id) !== undefined, options.systemGroup === true);
      const entry: GroupEntry = { name, gid, members: [] };
      accounts.groups.set(name, entry);
      return entry;
    });
  }

  addUserToGroup(username: string, group: string): Promise<GroupEntry> {
    return attempt(() => {
      if (this.accounts.user(username) === undefined) throw new UnknownUserError(`no such user: ${JSON.stringify(username)}`);
      return this.join(username, group);
    });
  }

  userExists(user: string | number): Promise<UserEntry | undefined> {
    return Promise.resolve(this.accounts.user(user));
  }

  groupExists(group: string | number): Promise<GroupEntry | undefined> {
    return Promise.resolve(this.accounts.group(group));
  }

  removeUser(user: string | number, options: { readonly removeHome?: boolean } = {}): Promise<boolean> {
    const entry = this.accounts.user(user);
    if (entry === undefined) return Promise.resolve(true);
    this.accounts.users.delete(entry.name);
    this.accounts.passwords.delete(entry.name);
    for (const group of [...this.accounts.groups.values()])
      if (group.members.includes(entry.name))
        this.accounts.groups.set(group.name, { ...group, members: group.members.filter((m) => m !== entry.name) });
    // userdel (USERGROUPS_ENAB): the user's own group goes with it when nobody else is in it.
    const own = this.accounts.groups.get(entry.name);
    if (
      own !== undefined &&
      own.gid === entry.gid &&
      own.members.length === 0 &&
      ![...this.accounts.users.values()].some((u) => u.gid === own.gid)
    )
      this.accounts.groups.delete(own.name);
    if (options.removeHome === true) this.effects.removeTree(entry.home);
    return Promise.resolve(true);
  }

  removeGroup(group: string | number, options: { readonly force?: boolean } = {}): Promise<boolean> {
    const entry = this.accounts.group(group);
    if (entry === undefined) return Promise.resolve(true);
    const owner = [...this.accounts.users.values()].find((user) => user.gid === entry.gid);
    if (owner !== undefined && options.force !== true)
      return Promise.reject(
        toolRefused(
          `remove group "${entry.name}"`,
          ["groupdel", entry.name],
          8,
          `groupdel: cannot remove the primary group of user '${owner.name}'`,
        ),
      );
    this.accounts.groups.delete(entry.name);
    return Promise.resolve(true);
  }

  private addUserNow(username: string, options: AddUserOptions): UserEntry {
    const { accounts } = this;
    checkName("user", username);
    // charmlibs.passwd: a user with the given uid (whatever its name), else one with this name, is returned as it is.
    const existing = (options.uid === undefined ? undefined : accounts.user(options.uid)) ?? accounts.user(username);
    if (existing !== undefined) return existing;
    const { password } = options;
    if (password !== undefined && (password === "" || /[:\n\r]/.test(password)))
      throw new TypeError(`invalid password for user "${username}": an encrypted hash without ':' or line breaks is needed (not shown)`);
    for (const group of [...(options.primaryGroup === undefined ? [] : [options.primaryGroup]), ...(options.secondaryGroups ?? [])]) {
      checkName("group", group);
      if (accounts.group(group) === undefined) throw new UnknownGroupError(`no such group: ${JSON.stringify(group)}`);
    }
    const system = options.systemUser === true || password === undefined;
    const uid = options.uid ?? accounts.freeId((id) => accounts.user(id) !== undefined, system);
    let primary = accounts.group(options.primaryGroup ?? username);
    if (primary === undefined) {
      const gid = accounts.group(uid) === undefined ? uid : accounts.freeId((id) => accounts.group(id) !== undefined, system);
      primary = { name: username, gid, members: [] };
      accounts.groups.set(username, primary);
    }
    const home = options.homeDir ?? `/home/${username}`;
    const entry: UserEntry = { name: username, uid, gid: primary.gid, home, shell: options.shell ?? "/bin/bash" };
    accounts.users.set(username, entry);
    if (password !== undefined) accounts.passwords.set(username, password);
    for (const group of options.secondaryGroups ?? []) this.join(username, group);
    if (options.createHome !== false) this.effects.makeHome(entry.home, username);
    return entry;
  }

  private join(username: string, group: string): GroupEntry {
    const entry = this.accounts.group(group);
    if (entry === undefined) throw new UnknownGroupError(`no such group: ${JSON.stringify(group)}`);
    const joined = entry.members.includes(username) ? entry : { ...entry, members: [...entry.members, username] };
    this.accounts.groups.set(entry.name, joined);
    return joined;
  }
}
