// The status function (hooks/status.ts): each fact in the order it matters.

import { expect, test } from "vitest";

import { ActiveStatus, BlockedStatus, WaitingStatus } from "tscharm";

import { type NotesFacts, notesStatus } from "../hooks/status.js";

const READY: NotesFacts = {
  databaseRelated: true,
  databaseEndpoint: "10.1.2.3:5432",
  certificatesRelated: true,
  certificate: true,
  address: "10.1.0.5",
};

test.each<[string, Partial<NotesFacts>, unknown]>([
  ["no database relation", { databaseRelated: false, databaseEndpoint: undefined }, new BlockedStatus("needs a database")],
  [
    "no database relation, no certificates either",
    { databaseRelated: false, certificatesRelated: false },
    new BlockedStatus("needs a database"),
  ],
  ["no certificates relation", { certificatesRelated: false, certificate: false }, new BlockedStatus("needs a certificates relation")],
  ["no credentials yet", { databaseEndpoint: undefined }, new WaitingStatus("waiting for the database's credentials")],
  ["no certificate yet", { certificate: false }, new WaitingStatus("waiting for the certificate")],
  ["everything", {}, new ActiveStatus("serving https://10.1.0.5:8443 with 10.1.2.3:5432")],
  ["an IPv6 address", { address: "fd00::5" }, new ActiveStatus("serving https://[fd00::5]:8443 with 10.1.2.3:5432")],
])("%s", (_name, facts, expected) => {
  expect(notesStatus({ ...READY, ...facts })).toEqual(expected);
});
