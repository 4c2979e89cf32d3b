// Users and groups, after charmlibs.passwd: useradd/groupadd and friends, looked up from the
// system's databases (getent), never by parsing /etc/passwd by hand.

import { CommandError, type Commands, failureMessage } from "./commands.js";

export interface AddUserOptions {
  /**
   * Already encrypted (a crypt(3) hash such as `$6$...`), as useradd takes it; given to chpasswd on
   * its standard input, never in an argument or an error message. Without one the user is a system user.
   */
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
  /**
   * The existing user (by name, or by `uid` when given: charmlibs' rule), unchanged, or a new one
   * (useradd). Unknown groups are UnknownGroupError before anything is done; a failing tool is a
   * CommandError saying what was being done.
   */
  addUser(username: string, options?: AddUserOptions): Promise<UserEntry>;
  /** The existing group (an existing one with another gid than asked is an error), or a new one (groupadd). */
  addGroup(name: string, options?: { readonly systemGroup?: boolean; readonly gid?: number }): Promise<GroupEntry>;
  /** gpasswd -a (a member already is fine); an unknown user or group is UnknownUserError/UnknownGroupError. */
  addUserToGroup(username: string, group: string): Promise<GroupEntry>;
  /** The user (by name or uid), or undefined. A name is matched only as a name ("0" is not root). */
  userExists(user: string | number): Promise<UserEntry | undefined>;
  groupExists(group: string | number): Promise<GroupEntry | undefined>;
  /** True also when there was no such user. `removeHome` deletes the home and mail spool (userdel --remove). */
  removeUser(user: string | number, options?: { readonly removeHome?: boolean }): Promise<boolean>;
  /** True also when there was no such group. `force` removes a user's primary group too (groupdel --force). */
  removeGroup(group: string | number, options?: { readonly force?: boolean }): Promise<boolean>;
}

/** Why a user or group name is refused, or undefined when it is one useradd/groupadd (and getent) take as a name. */
export function badAccountName(name: string): string | undefined {
  if (typeof name !== "string" || name === "") return "it is empty";
  if (name.length > 32) return "it is longer than 32 characters";
  // Debian's default NAME_REGEX is stricter than this; this is what shadow itself refuses, plus a
  // leading "-" (an option to every tool) and an all-digit name (getent would read it as an id).
  if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/.test(name)) return "only letters, digits, '_', '.', '-' (not first) and a final '$' are allowed";
  if (/^\d+$/.test(name)) return "an all-digit name would be read as a numeric id";
  return undefined;
}

function checkName(kind: "user" | "group", name: string): void {
  const why = badAccountName(name);
  if (why !== undefined) throw new TypeError(`invalid ${kind} name ${JSON.stringify(name)}: ${why}`);
}

function checkId(kind: "uid" | "gid", id: number): void {
  if (!Number.isSafeInteger(id) || id < 0) throw new TypeError(`invalid ${kind} ${String(id)}: a non-negative integer is needed`);
}

/** A passwd line (name:password:uid:gid:gecos:home:shell) as a UserEntry. */
export function parsePasswdLine(line: string): UserEntry {
  const fields = line.split(":");
  const [name, , uid, gid, , home, shell] = fields;
  if (fields.length !== 7 || name === undefined || !/^\d+$/.test(uid ?? "") || !/^\d+$/.test(gid ?? ""))
    throw new Error(`not a passwd entry: ${JSON.stringify(line)}`);
  return { name, uid: Number(uid), gid: Number(gid), home: home ?? "", shell: shell ?? "" };
}

/** A group line (name:password:gid:member,member) as a GroupEntry. */
export function parseGroupLine(line: string): GroupEntry {
  const fields = line.split(":");
  const [name, , gid, members] = fields;
  if (fields.length !== 4 || name === undefined || !/^\d+$/.test(gid ?? "")) throw new Error(`not a group entry: ${JSON.stringify(line)}`);
  return { name, gid: Number(gid), members: (members ?? "") === "" ? [] : (members ?? "").split(",") };
}

/**
 * @internal One entry of a system database (passwd or group) by name or id, through `getent` (so
 * NSS sources beyond /etc count, as Python's pwd/grp do), or undefined. A name is only ever
 * matched as a name: getent reads an all-digit key as an id, so the entry's name is checked.
 */
export async function getent<T extends UserEntry | GroupEntry>(
  commands: Commands,
  database: "passwd" | "group",
  key: string | number,
  parse: (line: string) => T,
): Promise<T | undefined> {
  if (typeof key === "number") checkId(database === "passwd" ? "uid" : "gid", key);
  else if (typeof key !== "string" || key === "" || /[:\n\s]/.test(key) || key.startsWith("-"))
    throw new TypeError(`invalid ${database === "passwd" ? "user" : "group"} name ${JSON.stringify(key)}`);
  const result = await commands.run(["getent", database, String(key)], { check: false });
  // getent: 0 found, 2 no such key; anything else is a failure of its own.
  if (result.exitCode === 2) return undefined;
  if (result.exitCode !== 0) throw new CommandError(failureMessage(result), result);
  const line = result.stdout.split("\n")[0] ?? "";
  const entry = parse(line);
  if (typeof key === "number" ? ("uid" in entry ? entry.uid : entry.gid) !== key : entry.name !== key) return undefined;
  return entry;
}

/** @internal The user named `name`, or UnknownUserError naming it. */
export async function lookUpUser(commands: Commands, name: string): Promise<UserEntry> {
  const entry = await getent(commands, "passwd", name, parsePasswdLine);
  if (entry === undefined) throw new UnknownUserError(`no such user: ${JSON.stringify(name)}`);
  return entry;
}

/** @internal The group named `name`, or UnknownGroupError naming it. */
export async function lookUpGroup(commands: Commands, name: string): Promise<GroupEntry> {
  const entry = await getent(commands, "group", name, parseGroupLine);
  if (entry === undefined) throw new UnknownGroupError(`no such group: ${JSON.stringify(name)}`);
  return entry;
}

/**
 * useradd's argv for a new user, after charmlibs.passwd's add_user: `--system` when asked or when
 * there is no password, the same-named group as primary group when it exists already (useradd
 * would refuse to create it). The password is not in it (see LocalPasswd.addUser).
 */
export function userAddArgv(username: string, options: AddUserOptions, sameNamedGroupExists: boolean): string[] {
  const argv = ["useradd", "--shell", options.shell ?? "/bin/bash"];
  if (options.uid !== undefined) argv.push("--uid", String(options.uid));
  if (options.homeDir !== undefined) argv.push("--home", options.homeDir);
  if (options.createHome ?? true) argv.push("--create-home");
  if (options.systemUser === true || options.password === undefined) argv.push("--system");
  const primary = options.primaryGroup ?? (sameNamedGroupExists ? username : undefined);
  if (primary !== undefined) argv.push("-g", primary);
  if (options.secondaryGroups !== undefined && options.secondaryGroups.length > 0) argv.push("-G", options.secondaryGroups.join(","));
  argv.push(username);
  return argv;
}

/** The machine's users and groups, through shadow's tools (useradd, groupadd, gpasswd, userdel, groupdel) and getent. */
export class LocalPasswd implements Passwd {
  constructor(private readonly commands: Commands) {}

  userExists(user: string | number): Promise<UserEntry | undefined> {
    return getent(this.commands, "passwd", user, parsePasswdLine);
  }

  groupExists(group: string | number): Promise<GroupEntry | undefined> {
    return getent(this.commands, "group", group, parseGroupLine);
  }

  async addUser(username: string, options: AddUserOptions = {}): Promise<UserEntry> {
    checkName("user", username);
    if (options.uid !== undefined) {
      checkId("uid", options.uid);
      // charmlibs: a user with this uid already is the answer, whatever its name.
      const byUid = await this.userExists(options.uid);
      if (byUid !== undefined) return byUid;
    }
    const existing = await this.userExists(username);
    if (existing !== undefined) return existing;
    const password = options.password;
    // chpasswd reads "name:hash" lines: a ":" or a line break in the hash would be another field or line.
    if (password !== undefined && (password === "" || /[:\n\r]/.test(password)))
      throw new TypeError(`invalid password for user "${username}": an encrypted hash without ':' or line breaks is needed (not shown)`);
    for (const group of [...(options.primaryGroup === undefined ? [] : [options.primaryGroup]), ...(options.secondaryGroups ?? [])]) {
      checkName("group", group);
      await lookUpGroup(this.commands, group);
    }
    const sameNamedGroup = options.primaryGroup === undefined && (await this.groupExists(username)) !== undefined;
    await this.tool(userAddArgv(username, options, sameNamedGroup), `add user "${username}"`);
    if (password !== undefined) {
      // The hash goes to chpasswd on its standard input, not to useradd's --password (charmlibs'
      // way): an argument is readable by every process on the machine in /proc/<pid>/cmdline.
      await this.tool(["chpasswd", "--encrypted"], `set the password of user "${username}"`, `${username}:${password}\n`);
    }
    return lookUpUser(this.commands, username);
  }

  async addGroup(name: string, options: { readonly systemGroup?: boolean; readonly gid?: number } = {}): Promise<GroupEntry> {
    checkName("group", name);
    if (options.gid !== undefined) checkId("gid", options.gid);
    const existing = await this.groupExists(name);
    if (existing !== undefined) {
      // charmlibs returns the group with the asked gid, even one of another name; this refuses plainly.
      if (options.gid !== undefined && existing.gid !== options.gid)
        throw new Error(`group "${name}" exists already with gid ${String(existing.gid)}, not ${String(options.gid)}`);
      return existing;
    }
    // groupadd, not charmlibs' addgroup: addgroup is the adduser package's Perl front end, a
    // Debian-family extra that minimal images may lack; groupadd is shadow's own tool, from the
    // package that gives useradd, userdel and gpasswd, so every tool here comes from one place.
    const argv = [
      "groupadd",
      ...(options.systemGroup === true ? ["--system"] : []),
      ...(options.gid === undefined ? [] : ["--gid", String(options.gid)]),
    ];
    await this.tool([...argv, name], `add group "${name}"`);
    return lookUpGroup(this.commands, name);
  }

  async addUserToGroup(username: string, group: string): Promise<GroupEntry> {
    await lookUpUser(this.commands, username);
    await lookUpGroup(this.commands, group);
    await this.tool(["gpasswd", "-a", username, group], `add user "${username}" to group "${group}"`);
    return lookUpGroup(this.commands, group);
  }

  async removeUser(user: string | number, options: { readonly removeHome?: boolean } = {}): Promise<boolean> {
    const entry = await this.userExists(user);
    if (entry === undefined) return true;
    // --remove deletes the home directory and mail spool: what remove_home asks for. (charmlibs
    // passes -f, --force, which removes the user even while logged in and leaves the home.)
    await this.tool(["userdel", ...(options.removeHome === true ? ["--remove"] : []), entry.name], `remove user "${entry.name}"`);
    return true;
  }

  async removeGroup(group: string | number, options: { readonly force?: boolean } = {}): Promise<boolean> {
    const entry = await this.groupExists(group);
    if (entry === undefined) return true;
    await this.tool(["groupdel", ...(options.force === true ? ["--force"] : []), entry.name], `remove group "${entry.name}"`);
    return true;
  }

  /** Runs a tool; its failure is a CommandError that says what was being done, with the tool's argv and message. */
  private async tool(argv: readonly string[], what: string, input?: string): Promise<void> {
    const result = await this.commands.run(argv, { check: false, ...(input === undefined ? {} : { input }) });
    if (result.exitCode !== 0) throw new CommandError(`cannot ${what}: ${failureMessage(result)}`, result);
  }
}
