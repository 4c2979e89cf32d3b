// Secret scanning for the demo's suites: each suite registers the secret values it saw (the content
// of every secret in its model) and everything a secret must never reach (tool argv and stdin,
// juju-log lines, statuses, action output, error messages, state files), and asserts at the end
// that no secret value appears in any of it.

import { expect } from "vitest";

/** Shorter values could match by accident (a username like "admin" is not a secret anyway). */
const MIN_SECRET_LENGTH = 8;

export class SecretScan {
  private readonly secrets = new Set<string>();
  private readonly texts: { where: string; text: string }[] = [];

  /** Registers secret values (each value of a secret's content). */
  secret(...values: readonly string[]): void {
    for (const value of values) if (value.length >= MIN_SECRET_LENGTH) this.secrets.add(value);
  }

  /** Registers the values of secret content records. */
  secretContent(...contents: readonly Readonly<Record<string, string>>[]): void {
    for (const content of contents) this.secret(...Object.values(content));
  }

  /** Something no secret may appear in; `where` names it in a finding. */
  observe(where: string, text: string | undefined): void {
    if (text !== undefined && text !== "") this.texts.push({ where, text });
  }

  /** Every place a secret value appears, as `where: …secret…`. */
  findings(): string[] {
    const found: string[] = [];
    for (const { where, text } of this.texts) {
      for (const secret of this.secrets) if (text.includes(secret)) found.push(`${where} contains a secret value`);
    }
    return found;
  }

  /** Asserts the scan saw secrets and places, and found no secret in any place. */
  expectClean(minimum: { secrets: number; places: number }): void {
    expect(this.secrets.size, "secret values registered").toBeGreaterThanOrEqual(minimum.secrets);
    expect(this.texts.length, "places scanned").toBeGreaterThanOrEqual(minimum.places);
    expect(this.findings()).toEqual([]);
  }
}
