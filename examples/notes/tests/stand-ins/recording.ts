// What the stand-ins replay: a recording of an interface's Python library
// (test/fixtures/interfaces/<name>/<scenario>.json, written by that folder's record.py). Only the
// parts the stand-ins read are typed here.

/** One recorded secret: its owner, the URI the Python run gave it, its label and content. */
export interface RecordedSecret {
  readonly owner?: string;
  readonly id?: string;
  readonly label?: string | null;
  readonly content: Readonly<Record<string, string>>;
}

export interface RecordedStep {
  readonly event: string;
  readonly given?: Readonly<Record<string, unknown>>;
  readonly wrote: { readonly localApp?: Readonly<Record<string, string>>; readonly localUnit?: Readonly<Record<string, string>> };
  readonly secrets?: readonly RecordedSecret[];
}

export interface Recording {
  readonly library: { readonly module: string; readonly version: string; readonly source: string };
  readonly scenario: string;
  readonly side: "requirer" | "provider";
  readonly steps: readonly RecordedStep[];
}

/** The first step that satisfies `wanted`, or an error naming the recording's scenario. */
export function stepOf(recording: Recording, wanted: (step: RecordedStep) => boolean, what: string): RecordedStep {
  const step = recording.steps.find(wanted);
  if (step === undefined) throw new Error(`the recording "${recording.scenario}" has no step ${what}`);
  return step;
}

/**
 * A JSON value as Python's `json.dumps` writes it with its defaults (", " and ": " separators,
 * non-ASCII as \uXXXX): how tls-certificates writes every field of its bags.
 */
export function pythonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonDumps).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${pythonDumps(key)}: ${pythonDumps(item)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
