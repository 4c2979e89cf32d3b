// Test material: the settings the workload tests render (fake values, no one's secrets).

import type { DatabaseSettings, TlsSettings } from "../hooks/notes.js";

export const DATABASE: DatabaseSettings = {
  host: "10.1.2.3",
  port: 5432,
  database: "notes",
  user: "relation-7",
  password: "Zq8vXw2pLk9mNb4c",
};

export const TLS: TlsSettings = {
  certificate: "-----BEGIN CERTIFICATE-----\nMIIBleaf\n-----END CERTIFICATE-----",
  ca: "-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----",
  chain: [
    "-----BEGIN CERTIFICATE-----\nMIIBleaf\n-----END CERTIFICATE-----",
    "-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----",
  ],
  privateKey: "-----BEGIN PRIVATE KEY-----\nMIIEfake\n-----END PRIVATE KEY-----",
};
