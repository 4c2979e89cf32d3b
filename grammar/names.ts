// Juju's names: applications and units (juju/names: ApplicationSnippet, UnitSnippet).

/** An application name: lowercase words of letters and digits joined by single hyphens, each word with a letter. */
export const APP_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$/;

/** A unit name: `<application>/<number>`, the number without leading zeros. */
export const UNIT_NAME = /^([a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*)\/(0|[1-9][0-9]*)$/;

export function isAppName(name: string): boolean {
  return APP_NAME.test(name);
}

export function isUnitName(name: string): boolean {
  return UNIT_NAME.test(name);
}

/** `demo/3` → `{ app: "demo", number: 3 }`; undefined when it is not a unit name. */
export function parseUnitName(name: string): { readonly app: string; readonly number: number } | undefined {
  const match = UNIT_NAME.exec(name);
  if (match === null) return undefined;
  return { app: match[1] ?? "", number: Number(match[2]) };
}

/** Units of one application in number order (`demo/2` before `demo/10`); other names by text. */
export function byUnitNumber(a: string, b: string): number {
  const left = parseUnitName(a);
  const right = parseUnitName(b);
  if (left === undefined || right === undefined || left.app !== right.app) return a < b ? -1 : a > b ? 1 : 0;
  return left.number - right.number;
}
