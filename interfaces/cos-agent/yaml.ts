// A small YAML reader for alert rule files, which cosl reads with `yaml.safe_load` (YAML 1.1
// scalars: `yes`/`on` are true, `0777` is octal). A dispatch carries no YAML library (docs/build.md),
// and rule files use a small part of YAML: block mappings and sequences, plain and quoted scalars,
// literal and folded block scalars, flow `[...]`/`{...}` on one line, comments, one document.
// Anything else (anchors, tags, multiple documents) throws a YamlError, and the rule file is
// skipped with an error logged, as cosl does with a file it cannot read.

export class YamlError extends Error {
  override name = "YamlError";
}

interface Line {
  indent: number;
  text: string;
  readonly number: number;
}

export function parseYaml(source: string): unknown {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, index) => {
    const text = raw.replace(/\s+$/, "");
    const content = text.trimStart();
    if (content === "" || content.startsWith("#") || content === "---") return;
    if (content === "...") return;
    if (/^(%|&|\*|!)/.test(content)) throw new YamlError(`line ${index + 1}: anchors, tags and directives are not read`);
    lines.push({ indent: text.length - content.length, text: content, number: index + 1 });
  });
  const reader = new Reader(lines, source.split(/\r?\n/));
  if (lines.length === 0) return null;
  const value = reader.node((lines[0] as Line).indent);
  if (reader.at < lines.length) throw new YamlError(`line ${(lines[reader.at] as Line).number}: unexpected indentation`);
  return value;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"[\]{}][^#]*?)\s*:(?:\s+|$)/;

class Reader {
  at = 0;

  constructor(
    private readonly lines: Line[],
    private readonly raw: string[],
  ) {}

  private get line(): Line | undefined {
    return this.lines[this.at];
  }

  node(indent: number): unknown {
    const line = this.line;
    if (line === undefined || line.indent < indent) return null;
    if (line.text === "-" || line.text.startsWith("- ")) return this.sequence(line.indent);
    if (KEY.test(line.text)) return this.mapping(line.indent);
    this.at++;
    return this.continued(line.text, line.indent);
  }

  private sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    for (let line = this.line; line?.indent === indent && (line.text === "-" || line.text.startsWith("- ")); line = this.line) {
      const rest = line.text.slice(1).trimStart();
      if (rest === "") {
        this.at++;
        items.push(this.node(indent + 1));
      } else {
        // "- key: value" opens a mapping (or a sequence) at the column of its first key.
        line.indent += line.text.length - rest.length;
        line.text = rest;
        items.push(this.node(line.indent));
      }
    }
    return items;
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let line = this.line; line?.indent === indent; line = this.line) {
      const match = KEY.exec(line.text);
      if (match === null) throw new YamlError(`line ${line.number}: expected "key: value"`);
      const key = String(scalar((match[1] as string).trim()));
      const rest = line.text.slice(match[0].length);
      this.at++;
      if (rest === "" || rest.startsWith("#")) {
        const next = this.line;
        const isSequence = next !== undefined && next.indent === indent && (next.text === "-" || next.text.startsWith("- "));
        out[key] = next !== undefined && (next.indent > indent || isSequence) ? this.node(next.indent) : null;
      } else if (/^[|>][-+]?\d*\s*(#.*)?$/.test(rest)) {
        out[key] = this.block(rest, indent);
      } else {
        out[key] = this.continued(rest, indent);
      }
    }
    return out;
  }

  /** A scalar that may go on over lines indented more than `indent` (plain or quoted). */
  private continued(first: string, indent: number): unknown {
    let text = first;
    const open = (t: string): boolean =>
      (t.startsWith('"') && !/^"(?:[^"\\]|\\.)*"/.test(t)) || (t.startsWith("'") && !/^'(?:[^']|'')*'/.test(t));
    while (this.line !== undefined && this.line.indent > indent && (open(text) || !/^["'[{]/.test(text))) {
      if (!open(text) && (KEY.test(this.line.text) || this.line.text.startsWith("- "))) break;
      text += ` ${this.line.text}`;
      this.at++;
    }
    return inline(text);
  }

  /** `|` and `>` block scalars, with `-`/`+` chomping, read from the raw lines (blank and `#` lines are content). */
  private block(header: string, indent: number): string {
    const folded = header.startsWith(">");
    const chomp = header.includes("-") ? "strip" : header.includes("+") ? "keep" : "clip";
    const start = (this.lines[this.at - 1] as Line).number;
    let end = start;
    const body: string[] = [];
    for (let i = start; i < this.raw.length; i++) {
      const text = (this.raw[i] as string).replace(/\s+$/, "");
      if (text !== "" && text.length - text.trimStart().length <= indent) break;
      body.push(text);
      end = i + 1;
    }
    while (this.line !== undefined && this.line.number <= end) this.at++;
    const base = Math.min(...body.filter((t) => t !== "").map((t) => t.length - t.trimStart().length));
    const texts = body.map((t) => t.slice(base));
    let trailing = 0;
    while (texts.length > 0 && texts[texts.length - 1] === "") {
      texts.pop();
      trailing++;
    }
    let text = "";
    texts.forEach((t, i) => {
      if (i === 0) text = t;
      else if (!folded) text += `\n${t}`;
      else {
        const prev = texts[i - 1] as string;
        // Folding joins two plain lines with a space; a blank or more-indented line keeps its breaks.
        text += t === "" || prev === "" || t.startsWith(" ") || prev.startsWith(" ") ? `\n${t}` : ` ${t}`;
      }
    });
    if (folded) text = text.replace(/([^\n ])\n\n(?=[^ \n])/g, "$1\n");
    if (texts.length === 0) return chomp === "keep" ? "\n".repeat(trailing) : "";
    if (chomp === "clip") text += "\n";
    if (chomp === "keep") text += "\n".repeat(trailing + 1);
    return text;
  }
}

function inline(text: string): unknown {
  const t = text.trim();
  if (/^[&*!%@`]/.test(t)) throw new YamlError(`anchors, aliases, tags and reserved indicators are not read: ${t.slice(0, 40)}`);
  if (t.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"\s*(#.*)?$/.exec(t);
    if (m === null) throw new YamlError(`bad double-quoted string: ${t.slice(0, 40)}`);
    return JSON.parse(`"${(m[1] as string).replace(/\\x([0-9a-fA-F]{2})/g, "\\u00$1").replace(/\\'/g, "'")}"`) as string;
  }
  if (t.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'\s*(#.*)?$/.exec(t);
    if (m === null) throw new YamlError(`bad single-quoted string: ${t.slice(0, 40)}`);
    return (m[1] as string).replace(/''/g, "'");
  }
  if (t.startsWith("[") || t.startsWith("{")) {
    const flow = new Flow(t);
    const value = flow.value();
    flow.end();
    return value;
  }
  return scalar(t.replace(/\s+#.*$/, ""));
}

/** A plain scalar as PyYAML's resolver types it (YAML 1.1). */
function scalar(t: string): unknown {
  if (/^(~|null|Null|NULL|)$/.test(t)) return null;
  if (/^(yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(t)) return true;
  if (/^(no|No|NO|false|False|FALSE|off|Off|OFF)$/.test(t)) return false;
  if (/^[-+]?(0|[1-9][0-9_]*)$/.test(t)) return Number(t.replace(/_/g, ""));
  if (/^[-+]?0[0-7_]+$/.test(t)) return parseInt(t.replace(/_/g, ""), 8);
  if (/^[-+]?0x[0-9a-fA-F_]+$/.test(t)) return (t.startsWith("-") ? -1 : 1) * parseInt(t.replace(/[-+_]|0x/g, ""), 16);
  if (/^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$/.test(t) && /[0-9]/.test(t)) return Number(t.replace(/_/g, ""));
  if (/^[-+]?\.(inf|Inf|INF)$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(t)) return NaN;
  return t;
}

/** One-line flow collections: `[a, "b", {c: d}]`. */
class Flow {
  private at = 0;

  constructor(private readonly text: string) {}

  value(): unknown {
    this.space();
    const c = this.text[this.at];
    if (c === "[") {
      this.at++;
      const items: unknown[] = [];
      while (!this.take("]")) {
        items.push(this.value());
        this.space();
        if (!this.take(",") && this.text[this.at] !== "]") throw new YamlError(`bad flow sequence: ${this.text.slice(0, 40)}`);
      }
      return items;
    }
    if (c === "{") {
      this.at++;
      const out: Record<string, unknown> = {};
      while (!this.take("}")) {
        const key = String(this.value());
        this.space();
        if (!this.take(":")) throw new YamlError(`bad flow mapping: ${this.text.slice(0, 40)}`);
        out[key] = this.value();
        this.space();
        if (!this.take(",") && this.text[this.at] !== "}") throw new YamlError(`bad flow mapping: ${this.text.slice(0, 40)}`);
      }
      return out;
    }
    const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,[\]{}:]*(?::(?!\s)[^,[\]{}:]*)*)/.exec(this.text.slice(this.at)) as RegExpExecArray;
    this.at += m[0].length;
    return inline(m[0]);
  }

  end(): void {
    this.space();
    if (this.at < this.text.length && this.text[this.at] !== "#")
      throw new YamlError(`text after a flow collection: ${this.text.slice(0, 40)}`);
  }

  private take(c: string): boolean {
    this.space();
    if (this.text[this.at] !== c) {
      if (this.at >= this.text.length) throw new YamlError(`unclosed flow collection: ${this.text.slice(0, 40)}`);
      return false;
    }
    this.at++;
    return true;
  }

  private space(): void {
    while (this.text[this.at] === " ") this.at++;
  }
}
