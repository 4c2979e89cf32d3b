// The workload module (hooks/notes.ts) on its own, on a FakeMachine: the config file it renders, the
// secrets' files and their modes, what changes report, and the endpoint parsing.

import { describe, expect, test } from "vitest";

import { FakeMachine } from "tscharm/testing";

import * as notes from "../hooks/notes.js";
import { DATABASE, TLS } from "./material.js";

describe("configure", () => {
  test("renders notes.json with the database and TLS paths, and the secrets in files of mode 0600", async () => {
    const machine = new FakeMachine();
    expect(await machine.use(() => notes.configure(DATABASE, TLS))).toBe(true);
    expect(JSON.parse(machine.fileText(notes.CONFIG_FILE) ?? "")).toEqual({
      listen: { port: 8443, tls: true },
      database: { host: "10.1.2.3", port: 5432, database: "notes", user: "relation-7", passwordFile: "/etc/notes/db-password" },
      tls: { certificate: "/etc/notes/tls/notes.crt", ca: "/etc/notes/tls/ca.crt", key: "/etc/notes/tls/notes.key" },
      metrics: { port: 9464, path: "/metrics" },
    });
    expect(machine.file(notes.PASSWORD_FILE)).toMatchObject({ mode: 0o600 });
    expect(machine.fileText(notes.PASSWORD_FILE)).toBe(DATABASE.password);
    expect(machine.file(notes.KEY_FILE)).toMatchObject({ mode: 0o600 });
    expect(machine.fileText(notes.KEY_FILE)).toBe(TLS.privateKey);
    expect(machine.file(notes.CERTIFICATE_FILE)).toMatchObject({ mode: 0o644 });
    // The leaf, then the chain without the leaf repeated.
    expect(machine.fileText(notes.CERTIFICATE_FILE)).toBe(`${TLS.certificate}\n${TLS.ca}\n`);
    expect(machine.fileText(notes.CA_FILE)).toBe(`${TLS.ca}\n`);
  });

  test("no secret is in the config file", async () => {
    const machine = new FakeMachine();
    await machine.use(() => notes.configure(DATABASE, TLS));
    const config = machine.fileText(notes.CONFIG_FILE) ?? "";
    expect(config).not.toContain(DATABASE.password);
    expect(config).not.toContain("PRIVATE KEY");
  });

  test("the same settings again change nothing; a new password does", async () => {
    const machine = new FakeMachine();
    await machine.use(() => notes.configure(DATABASE, TLS));
    expect(await machine.use(() => notes.configure(DATABASE, TLS))).toBe(false);
    expect(await machine.use(() => notes.configure({ ...DATABASE, password: "rotated" }, TLS))).toBe(true);
    expect(machine.fileText(notes.PASSWORD_FILE)).toBe("rotated");
  });

  test("without a certificate: no TLS files (old ones removed), tls null", async () => {
    const machine = new FakeMachine();
    await machine.use(() => notes.configure(DATABASE, TLS));
    expect(await machine.use(() => notes.configure(DATABASE, undefined))).toBe(true);
    for (const path of [notes.KEY_FILE, notes.CERTIFICATE_FILE, notes.CA_FILE]) expect(machine.file(path)).toBeUndefined();
    expect(JSON.parse(machine.fileText(notes.CONFIG_FILE) ?? "")).toMatchObject({ listen: { tls: false }, tls: null });
  });

  test("forgetDatabase removes the config and the password, and is idempotent", async () => {
    const machine = new FakeMachine();
    await machine.use(() => notes.configure(DATABASE, TLS));
    await machine.use(() => notes.forgetDatabase());
    await machine.use(() => notes.forgetDatabase());
    expect(machine.file(notes.CONFIG_FILE)).toBeUndefined();
    expect(machine.file(notes.PASSWORD_FILE)).toBeUndefined();
    expect(await machine.use(() => notes.isConfigured())).toBe(false);
  });
});

describe("firstEndpoint", () => {
  test.each([
    ["10.1.2.3:5432", { host: "10.1.2.3", port: 5432 }],
    ["10.1.2.3:5432,10.1.2.4:5432", { host: "10.1.2.3", port: 5432 }],
    ["[fd00::1]:5432", { host: "fd00::1", port: 5432 }],
    ["db.example:6432", { host: "db.example", port: 6432 }],
  ])("%s", (endpoints, expected) => {
    expect(notes.firstEndpoint(endpoints)).toEqual(expected);
  });

  test.each(["", "10.1.2.3", "10.1.2.3:0", "10.1.2.3:70000", "fd00::1:5432", ":5432"])("%j is none", (endpoints) => {
    expect(notes.firstEndpoint(endpoints)).toBeUndefined();
  });
});
