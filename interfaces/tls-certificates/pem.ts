// PEM armour and the IP-address forms the TLS interface compares.

import { DerError } from "./der.js";

/** DER in PEM armour, 64 characters a line, with no trailing newline (the library's `str()` strips it). */
export function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString("base64");
  const lines = base64.match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join("\n");
}

/** The DER inside the first `label` block of `pem`; throws `DerError` when there is none. */
export function fromPem(label: string, pem: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]*?)-----END ${label}-----`).exec(pem);
  if (match === null) throw new DerError(`not a PEM ${label.toLowerCase()}`);
  const body = (match[1] ?? "").replace(/\s+/g, "");
  const der = Buffer.from(body, "base64");
  if (der.length === 0 || der.toString("base64").replace(/=+$/, "") !== body.replace(/=+$/, "")) {
    throw new DerError(`bad base64 in a PEM ${label.toLowerCase()}`);
  }
  return der;
}

/** The 4 or 16 bytes of an IP address written as text; throws `DerError` when it is not one. */
export function ipBytes(text: string): Uint8Array {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4 !== null) {
    const parts = v4.slice(1).map((p) => (p.length > 1 && p.startsWith("0") ? 256 : Number(p)));
    if (parts.every((p) => p <= 255)) return Uint8Array.from(parts);
  } else if (text.includes(":")) {
    const halves = text.split("::");
    if (halves.length <= 2) {
      const groups = (half: string | undefined): number[] | undefined => {
        if (half === undefined || half === "") return [];
        const out: number[] = [];
        for (const group of half.split(":")) {
          if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
          out.push(parseInt(group, 16));
        }
        return out;
      };
      const head = groups(halves[0]);
      const tail = halves.length === 2 ? groups(halves[1]) : [];
      if (head !== undefined && tail !== undefined) {
        const missing = 8 - head.length - tail.length;
        if ((halves.length === 2 && missing >= 1) || (halves.length === 1 && missing === 0)) {
          const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
          return Uint8Array.from(all.flatMap((g) => [g >> 8, g & 0xff]));
        }
      }
    }
  }
  throw new DerError(`not an IP address: ${JSON.stringify(text)}`);
}

/** An address's bytes as Python's `str(ipaddress.ip_address(...))` writes it (RFC 5952 for IPv6). */
export function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join(".");
  if (bytes.length !== 16) throw new DerError(`an IP address has 4 or 16 bytes, not ${bytes.length}`);
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // The longest run of two or more zero groups (the first of equal ones) becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}
