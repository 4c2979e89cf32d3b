// The errors a charm author can act on, from the project layer and the CLI: each carries a code,
// and the CLI decides by the code (one line, exit 1) rather than by the class's name.

/** What went wrong, in a word: the CLI prints these as `tscharm: <message>` and exits 1. */
export type TscharmErrorCode =
  | "metadata" // the project's metadata, charmcraft.yaml or layout: Juju or charmcraft would refuse it
  | "yaml" // a YAML file that cannot be read, or a value that cannot be written as YAML every reader agrees on
  | "archive" // a .charm (zip) archive that cannot be read or unpacked
  | "build" // a build or pack that cannot go on (type errors, a missing entry point, a bad Node binary)
  | "lock" // a new project's lock file cannot be pinned to tscharm's tested versions
  | "sim-command"; // a mistake on a `tscharm sim`/`run` command line, or something the model refuses

/** The base of the project layer's and the CLI's errors. */
export class TscharmError extends Error {
  readonly code: TscharmErrorCode;

  constructor(code: TscharmErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** The project's metadata is missing or would be refused by Juju or charmcraft. */
export class MetadataError extends TscharmError {
  override name = "MetadataError";

  constructor(message: string, options?: ErrorOptions) {
    super("metadata", message, options);
  }
}

/** A YAML file that cannot be read, or a value that cannot be written as YAML every reader agrees on. */
export class YamlError extends TscharmError {
  override name = "YamlError";

  constructor(message: string, options?: ErrorOptions) {
    super("yaml", message, options);
  }
}

/** A zip archive (a .charm) that is not one tscharm can read, or whose entries would escape its directory. */
export class ArchiveError extends TscharmError {
  override name = "ArchiveError";

  constructor(message: string, options?: ErrorOptions) {
    super("archive", message, options);
  }
}
