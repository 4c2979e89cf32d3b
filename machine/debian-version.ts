// Debian version ordering, as dpkg does it (dpkg's lib/dpkg/version.c, the algorithm Debian Policy
// §5.6.12 describes): `[epoch:]upstream[-revision]`, compared epoch first (as a number), then the
// upstream version, then the revision. charmlibs.apt reimplements this in Python with two known
// slips (it compares epochs as strings, so "10" < "9", and says "1.0~rc1" > "1.0"); this follows dpkg.

/** A version split into its three parts (a missing epoch is 0, a missing revision is ""). */
export interface DebianVersionParts {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

/**
 * Splits a Debian version into epoch, upstream version and revision (split at the last hyphen).
 * Throws TypeError naming the version when it is not one dpkg would accept: empty, a space in it, an
 * epoch that is not a number, or an empty upstream version or revision.
 */
export function parseVersion(version: string): DebianVersionParts {
  const bad = (why: string): TypeError => new TypeError(`not a Debian version: ${JSON.stringify(version)} (${why})`);
  if (version === "") throw bad("it is empty");
  if (/\s/.test(version)) throw bad("it contains white space");
  const colon = version.indexOf(":");
  let epoch = 0;
  let rest = version;
  if (colon !== -1) {
    const text = version.slice(0, colon);
    if (!/^\d+$/.test(text)) throw bad(`the epoch ${JSON.stringify(text)} is not a number`);
    epoch = Number(text);
    if (!Number.isSafeInteger(epoch)) throw bad("the epoch is too large");
    rest = version.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf("-");
  const upstream = hyphen === -1 ? rest : rest.slice(0, hyphen);
  const revision = hyphen === -1 ? "" : rest.slice(hyphen + 1);
  if (upstream === "") throw bad("the upstream version is empty");
  if (hyphen !== -1 && revision === "") throw bad("the revision after the last '-' is empty");
  return { epoch, upstream, revision };
}

/**
 * dpkg's ordering of two versions: negative when `a` sorts before `b`, 0 when they are equal
 * (`1.0` equals `0:1.0` and `1.0-0`), positive when after — the answer `dpkg --compare-versions`
 * gives. Throws TypeError (parseVersion) for a string that is not a version.
 */
export function compareVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (left.epoch !== right.epoch) return left.epoch < right.epoch ? -1 : 1;
  return Math.sign(comparePart(left.upstream, right.upstream) || comparePart(left.revision, right.revision));
}

/** The weight of one character in a non-digit run: `~` before the end, the end before letters, letters before the rest. */
function order(text: string, at: number): number {
  if (at >= text.length) return 0;
  const code = text.charCodeAt(at);
  if (isDigit(code)) return 0;
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return code;
  if (code === 126) return -1;
  return code + 256;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** dpkg's verrevcmp: alternate non-digit runs (by order()) and digit runs (numerically, without leading zeros). */
function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const digitAt = (text: string, at: number): boolean => at < text.length && isDigit(text.charCodeAt(at));
  while (i < a.length || j < b.length) {
    while ((i < a.length && !digitAt(a, i)) || (j < b.length && !digitAt(b, j))) {
      const difference = order(a, i) - order(b, j);
      if (difference !== 0) return difference;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    let firstDifference = 0;
    while (digitAt(a, i) && digitAt(b, j)) {
      if (firstDifference === 0) firstDifference = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (digitAt(a, i)) return 1;
    if (digitAt(b, j)) return -1;
    if (firstDifference !== 0) return firstDifference;
  }
  return 0;
}
