// Quoting for POSIX shell command lines (`juju exec` commands, the juju stand-in's script).

/** `arg` as one word of a POSIX shell command line: as it is when that is safe, else single-quoted. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'"'"'`)}'`;
}
