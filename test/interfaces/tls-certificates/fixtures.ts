// The recordings record.py made with charmlibs' tls-certificates library, typed for the tests.

import { readFileSync } from "node:fs";

export interface RecordedSecret {
  readonly owner: "unit" | "app";
  readonly label: string;
  readonly content: Record<string, string>;
  readonly expire?: string;
}

export interface RecordedStep {
  readonly event: string;
  readonly given: Record<string, unknown> & {
    remoteApp?: Record<string, string>;
    remoteUnits?: Record<string, Record<string, string>>;
    requirerKey?: string;
    config?: Record<string, string>;
  };
  readonly wrote: { localApp: Record<string, string>; localUnit: Record<string, string> };
  readonly secrets: RecordedSecret[];
  readonly emitted: string[];
  readonly status: string;
  readonly read?: { relation_id: number; common_name: string; is_ca: boolean }[];
}

export interface Recording {
  readonly library: { module: string; version: string; source: string };
  readonly scenario: string;
  readonly side: "requirer" | "provider";
  readonly schema: string;
  readonly checks: string[];
  readonly steps: RecordedStep[];
}

export function recording(name: string): Recording {
  return JSON.parse(readFileSync(new URL(`../../fixtures/interfaces/tls-certificates/${name}.json`, import.meta.url), "utf8")) as Recording;
}

export const testCa = JSON.parse(readFileSync(new URL("../../fixtures/interfaces/tls-certificates/ca.json", import.meta.url), "utf8")) as {
  ca: string;
  caKey: string;
};

/** The keys Juju writes into every unit bag; the library's dump deletes them, tscharm leaves them (see the doc). */
export const JUJU_KEYS = ["egress-subnets", "ingress-address", "private-address"];

export function withoutJujuKeys(bag: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(bag).filter(([key]) => !JUJU_KEYS.includes(key)));
}

/** A bag value with every PEM block replaced by its kind, for comparing the bytes around them. */
export function pemShape(text: string): string {
  return text.replace(/-----BEGIN ([A-Z ]+)-----(\\n|\n)[\s\S]*?-----END \1-----/g, "<$1>");
}
