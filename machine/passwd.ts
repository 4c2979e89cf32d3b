// Users and groups, after charmlibs.passwd: useradd/groupadd and friends, looked up from the
// system's databases (getent), never by parsing /etc/passwd by hand.

export interface AddUserOptions {
  /** Already encrypted, as useradd takes it. Without one the user is a system user. */
  readonly password?: string;
  /** Default /bin/bash. */
  readonly shell?: string;
  readonly systemUser?: boolean;
  readonly primaryGroup?: string;
  readonly secondaryGroups?: readonly string[];
  readonly uid?: number;
  readonly homeDir?: string;
  /** Default true. */
  readonly createHome?: boolean;
}

/** A user as the passwd database has it. */
export interface UserEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

/** A group as the group database has it. */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

/** No such user or group (a file's owner, a group to add a user to). */
export class UnknownUserError extends Error {
  override name = "UnknownUserError";
}
export class UnknownGroupError extends Error {
  override name = "UnknownGroupError";
}

export interface Passwd {
  /** The existing user (by name, or uid), unchanged, or a new one. */
  addUser(username: string, options?: AddUserOptions): Promise<UserEntry>;
  addGroup(name: string, options?: { readonly systemGroup?: boolean; readonly gid?: number }): Promise<GroupEntry>;
  addUserToGroup(username: string, group: string): Promise<GroupEntry>;
  /** The user (by name or uid), or undefined. */
  userExists(user: string | number): Promise<UserEntry | undefined>;
  groupExists(group: string | number): Promise<GroupEntry | undefined>;
  /** True also when there was no such user. */
  removeUser(user: string | number, options?: { readonly removeHome?: boolean }): Promise<boolean>;
  removeGroup(group: string | number, options?: { readonly force?: boolean }): Promise<boolean>;
}
