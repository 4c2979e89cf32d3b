// The recorded answer of data_interfaces' DatabaseProvides (test/fixtures/interfaces/database/
// provider-secrets.json: the provider bag and the secrets the Python library made), as the unit
// tests hand it to the charm: the bag verbatim, except that each secret URI is normalised to a
// secret of the State (Scenario's made-up ids are not ids Juju would accept).

import { Secret } from "tscharm/testing";

import recorded from "../../../test/fixtures/interfaces/database/provider-secrets.json" with { type: "json" };
import { type Recording, stepOf } from "./stand-ins/recording.js";

const RECORDING = recorded as unknown as Recording;
const ANSWER = stepOf(RECORDING, (step) => step.wrote.localApp?.["secret-user"] !== undefined, "that writes secret-user");

const bag: Record<string, string> = { ...ANSWER.wrote.localApp };
const secrets: Secret[] = [];
for (const secret of ANSWER.secrets ?? []) {
  const made = new Secret({ trackedContent: secret.content });
  secrets.push(made);
  for (const [key, value] of Object.entries(bag)) if (value === secret.id) bag[key] = made.id;
}
const userSecretId = bag["secret-user"] ?? "";
const user = secrets.find((secret) => secret.id === userSecretId)?.trackedContent ?? {};

export const recordedProvider = {
  /** The provider's app bag, its secret URIs those of `secrets`. */
  bag,
  secrets,
  userSecretId,
  user: user["username"] ?? "",
  password: user["password"] ?? "",
};
