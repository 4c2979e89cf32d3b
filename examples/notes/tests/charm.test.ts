// The charm through every path, as state-transition tests (Context, State) on a FakeMachine: the
// database's provider answers with the bag data_interfaces wrote in the recording
// (test/fixtures/interfaces/database/provider-secrets.json), the certificate is issued for the CSR
// the charm itself sent, by a CA made here, and cos_agent's bag is read back as grafana-agent would
// (its dashboard decoded by the `xz` command).

import { spawnSync } from "node:child_process";
import { join } from "node:path";

import { describe, expect, test } from "vitest";

import { ActiveStatus, BlockedStatus, WaitingStatus } from "tscharm";
import { Certificate, CertificateSigningRequest, PrivateKey, generateCa, generateCertificate } from "tscharm/interfaces/tls-certificates";
import { Context, FakeMachine, Network, Relation, Secret, State } from "tscharm/testing";

import { NotesCharm } from "../hooks/charm.js";
import * as notes from "../hooks/notes.js";
import { DATABASE_NAME } from "../hooks/relations.js";
import { pythonDumps } from "./stand-ins/recording.js";
import { recordedProvider } from "./recorded.js";

const ADDRESS = "10.1.0.5";
/** The first of the endpoints the recorded provider sent. */
const ENDPOINT = notes.firstEndpoint(recordedProvider.bag["endpoints"] ?? "") ?? { host: "", port: 0 };
const EXAMPLE = join(import.meta.dirname, "..");
const network = new Network({ binding: "juju-info", address: ADDRESS });

/** A Context over a fresh FakeMachine, in the example's directory (cos_agent reads src/ there). */
function notesContext() {
  const machine = new FakeMachine();
  return { machine, ctx: new Context(NotesCharm, { machine, charmRoot: EXAMPLE }) };
}

/** The database relation, with the recorded provider bag (and its secrets) when `answered`. */
function databaseRelation(answered: boolean, bag: Record<string, string> = recordedProvider.bag) {
  return new Relation({ endpoint: "database", remoteAppName: "postgresql", remoteAppData: answered ? bag : {} });
}

const recordedSecrets = () => recordedProvider.secrets;

/** A CA of this test's own, made once (RSA 2048 takes a moment). */
const caKey = PrivateKey.generate();
const ca = generateCa({ commonName: "notes test CA" }, caKey);

/** The state's relation of `endpoint`. */
function relationOf(state: State, endpoint: string): Relation {
  const relation = state.getRelations(endpoint)[0];
  if (!(relation instanceof Relation)) throw new Error(`no ${endpoint} relation`);
  return relation;
}

/** `state` with its relation of `endpoint` given new remote data. */
function withRemoteApp(state: State, endpoint: string, remoteAppData: Record<string, string>): { state: State; relation: Relation } {
  const old = relationOf(state, endpoint);
  const { id, remoteAppName, localAppData, localUnitData, remoteUnitsData } = old;
  const relation = new Relation({ endpoint, id, remoteAppName, localAppData, localUnitData, remoteAppData, remoteUnitsData });
  return { state: state.with({ relations: [...state.relations.filter((r) => r.id !== old.id), relation] }), relation };
}

/** The relation-changed that brings the certificate for the CSR the charm wrote in `state`. */
function withCertificate(state: State): { state: State; relation: Relation; certificate: string } {
  const relation = relationOf(state, "certificates");
  const requests = JSON.parse(relation.localUnitData["certificate_signing_requests"] ?? "[]") as { certificate_signing_request: string }[];
  const [request] = requests;
  if (request === undefined) throw new Error("the charm sent no CSR");
  const csr = CertificateSigningRequest.fromString(request.certificate_signing_request);
  const certificate = generateCertificate({ csr, ca, caKey }).raw;
  const entry = { ca: ca.raw, certificate_signing_request: request.certificate_signing_request, certificate, chain: [certificate, ca.raw] };
  return { ...withRemoteApp(state, "certificates", { certificates: pythonDumps([entry]) }), certificate };
}

/** notes/0, leader, related to the recorded database and to a TLS provider that has not answered yet. */
function relatedState(answered = true) {
  return new State({
    leader: true,
    networks: [network],
    relations: [databaseRelation(answered), new Relation({ endpoint: "certificates", remoteAppName: "tls" })],
    secrets: recordedSecrets(),
  });
}

/** Every log message of the runs so far. */
const logged = (ctx: Context<NotesCharm>) => ctx.jujuLog.map((record) => record.message).join("\n");

describe("status", () => {
  test("without a database: blocked, nothing rendered", async () => {
    const { ctx, machine } = notesContext();
    const out = await ctx.run(ctx.on.install(), new State({ networks: [network] }));
    expect(out.unitStatus).toEqual(new BlockedStatus("needs a database"));
    expect(machine.filePaths.filter((path) => path.startsWith(notes.CONFIG_DIR))).toEqual([]);
  });

  test("a database but no certificates relation: blocked, asking for one", async () => {
    const { ctx } = notesContext();
    const state = new State({ leader: true, networks: [network], relations: [databaseRelation(true)], secrets: recordedSecrets() });
    expect((await ctx.run(ctx.on.updateStatus(), state)).unitStatus).toEqual(new BlockedStatus("needs a certificates relation"));
  });

  test("related, the database not answered yet: waiting for its credentials", async () => {
    const { ctx } = notesContext();
    expect((await ctx.run(ctx.on.updateStatus(), relatedState(false))).unitStatus).toEqual(
      new WaitingStatus("waiting for the database's credentials"),
    );
  });
});

describe("database", () => {
  test("relation-created: the leader asks for the notes database, with secrets", async () => {
    const { ctx } = notesContext();
    const relation = databaseRelation(false);
    const out = await ctx.run(ctx.on.relationCreated(relation), new State({ leader: true, networks: [network], relations: [relation] }));
    const bag = out.getRelation(relation.id)?.localAppData ?? {};
    expect(bag["database"]).toBe(DATABASE_NAME);
    expect(JSON.parse(bag["requested-secrets"] ?? "[]")).toEqual(expect.arrayContaining(["username", "password"]));
  });

  test("the recorded answer: notes.json names the database, the password is in its own 0600 file, waiting for the certificate", async () => {
    const { ctx, machine } = notesContext();
    const state = relatedState();
    const out = await ctx.run(ctx.on.relationChanged(relationOf(state, "database")), state);
    expect(out.unitStatus).toEqual(new WaitingStatus("waiting for the certificate"));
    const { user, password } = recordedProvider;
    expect(JSON.parse(machine.fileText(notes.CONFIG_FILE) ?? "")).toMatchObject({
      database: {
        host: ENDPOINT.host,
        port: ENDPOINT.port,
        database: recordedProvider.bag["database"],
        user,
        passwordFile: notes.PASSWORD_FILE,
      },
      tls: null,
    });
    expect(machine.file(notes.PASSWORD_FILE)).toMatchObject({ mode: 0o600 });
    expect(machine.fileText(notes.PASSWORD_FILE)).toBe(password);
    expect(logged(ctx)).not.toContain(password);
  });

  test("a rotated password (secret-changed): the password file follows", async () => {
    const { ctx, machine } = notesContext();
    const state = relatedState();
    const first = await ctx.run(ctx.on.relationChanged(relationOf(state, "database")), state);
    const user = first.secrets.find((secret) => secret.id === recordedProvider.userSecretId);
    if (user === undefined) throw new Error("the user secret is not in the state");
    const rotated = new Secret({
      id: user.id,
      trackedContent: user.trackedContent,
      latestContent: { ...user.trackedContent, password: "Rt5yUi8oPa2sDf6g" },
    });
    const out = await ctx.run(
      ctx.on.secretChanged(rotated),
      first.with({ secrets: first.secrets.map((s) => (s.id === user.id ? rotated : s)) }),
    );
    expect(machine.fileText(notes.PASSWORD_FILE)).toBe("Rt5yUi8oPa2sDf6g");
    expect(out.unitStatus).toEqual(new WaitingStatus("waiting for the certificate"));
  });

  test("a malformed provider bag (secret-user is no secret URI): blocked naming the key, no crash, nothing rendered", async () => {
    const { ctx, machine } = notesContext();
    const relation = databaseRelation(true, { ...recordedProvider.bag, "secret-user": "not a secret" });
    const state = new State({ leader: true, networks: [network], relations: [relation, new Relation({ endpoint: "certificates" })] });
    const out = await ctx.run(ctx.on.relationChanged(relation), state);
    expect(out.unitStatus.name).toBe("blocked");
    expect(out.unitStatus.message).toContain("secret-user");
    expect(machine.file(notes.CONFIG_FILE)).toBeUndefined();
    // Still blocked on the next hook, until the provider fixes its bag.
    expect((await ctx.run(ctx.on.updateStatus(), out)).unitStatus).toEqual(out.unitStatus);
  });

  test("the database relation broken: the config and the password go, blocked again, the port closes", async () => {
    const { ctx, machine } = notesContext();
    const served = await serving(ctx);
    const out = await ctx.run(ctx.on.relationBroken(relationOf(served.state, "database")), served.state);
    expect(out.unitStatus).toEqual(new BlockedStatus("needs a database"));
    expect(machine.file(notes.CONFIG_FILE)).toBeUndefined();
    expect(machine.file(notes.PASSWORD_FILE)).toBeUndefined();
    expect(out.openedPorts).toEqual([]);
  });
});

/** The charm related to both, its CSR sent and answered: serving. */
async function serving(ctx: Context<NotesCharm>) {
  const state = relatedState();
  let out = await ctx.run(ctx.on.relationChanged(relationOf(state, "database")), state);
  out = await ctx.run(ctx.on.relationCreated(relationOf(out, "certificates")), out);
  const answered = withCertificate(out);
  return { state: await ctx.run(ctx.on.relationChanged(answered.relation), answered.state), certificate: answered.certificate };
}

describe("certificate", () => {
  test("relation-created: one CSR in the unit bag, for the unit's address, its key in a unit secret", async () => {
    const { ctx } = notesContext();
    const state = relatedState();
    const certificates = relationOf(state, "certificates");
    const out = await ctx.run(ctx.on.relationCreated(certificates), state);
    const [request, ...more] = JSON.parse(out.getRelation(certificates.id)?.localUnitData["certificate_signing_requests"] ?? "[]") as {
      certificate_signing_request: string;
      ca: boolean;
    }[];
    expect(more).toEqual([]);
    expect(request?.ca).toBe(false);
    const attributes = CertificateSigningRequest.fromString(request?.certificate_signing_request ?? "").attributes(false);
    expect(attributes).toMatchObject({ commonName: ADDRESS, sansIp: [ADDRESS] });
    expect(out.secrets.filter((secret) => secret.owner === "unit")).toHaveLength(1);
  });

  test("the certificate arrives: active, serving https on the address with the database; key 0600, certificate and CA written", async () => {
    const { ctx, machine } = notesContext();
    const { state, certificate } = await serving(ctx);
    expect(state.unitStatus).toEqual(new ActiveStatus(`serving https://${ADDRESS}:8443 with ${ENDPOINT.host}:${String(ENDPOINT.port)}`));
    expect(state.openedPorts).toEqual([{ protocol: "tcp", port: 8443 }]);
    expect(JSON.parse(machine.fileText(notes.CONFIG_FILE) ?? "")).toMatchObject({
      listen: { port: 8443, tls: true },
      tls: { certificate: notes.CERTIFICATE_FILE, ca: notes.CA_FILE, key: notes.KEY_FILE },
    });
    expect(machine.fileText(notes.CERTIFICATE_FILE)).toBe(`${certificate.trim()}\n${ca.raw.trim()}\n`);
    expect(machine.fileText(notes.CA_FILE)).toBe(`${ca.raw.trim()}\n`);
    expect(machine.file(notes.KEY_FILE)).toMatchObject({ mode: 0o600 });
    // The key on disk is the one the certificate was issued for, and the one in the unit's secret.
    const key = machine.fileText(notes.KEY_FILE) ?? "";
    expect(PrivateKey.fromString(key).publicKeyDer).toEqual(Certificate.fromString(certificate).publicKey);
    const keySecret = state.secrets.find((secret) => secret.owner === "unit");
    expect(Object.values(keySecret?.trackedContent ?? {}).map((value) => value.trim())).toContain(key.trim());
    const log = logged(ctx);
    expect(log).not.toContain("PRIVATE KEY");
    expect(log).not.toContain(recordedProvider.password);
  });

  test("the certificates relation broken: the TLS files go, blocked asking for one", async () => {
    const { ctx, machine } = notesContext();
    const served = await serving(ctx);
    const out = await ctx.run(ctx.on.relationBroken(relationOf(served.state, "certificates")), served.state);
    expect(out.unitStatus).toEqual(new BlockedStatus("needs a certificates relation"));
    expect(machine.file(notes.KEY_FILE)).toBeUndefined();
    expect(JSON.parse(machine.fileText(notes.CONFIG_FILE) ?? "")).toMatchObject({ tls: null });
  });

  test("a certificates bag that is not JSON: blocked naming the key, no crash", async () => {
    const { ctx } = notesContext();
    const state = relatedState();
    const created = await ctx.run(ctx.on.relationCreated(relationOf(state, "certificates")), state);
    const broken = withRemoteApp(created, "certificates", { certificates: "[{not json" });
    const out = await ctx.run(ctx.on.relationChanged(broken.relation), broken.state);
    expect(out.unitStatus.name).toBe("blocked");
    expect(out.unitStatus.message).toContain("certificates");
  });
});

describe("cos-agent", () => {
  test("relation-joined: the agent gets the metrics endpoint, the alert rule and the dashboard (decoded by xz)", async () => {
    const { ctx } = notesContext();
    const relation = new Relation({ endpoint: "cos-agent", remoteAppName: "grafana-agent" });
    const out = await ctx.run(ctx.on.relationJoined(relation), new State({ networks: [network], relations: [relation] }));
    const config = JSON.parse(out.getRelation(relation.id)?.localUnitData["config"] ?? "{}") as {
      metrics_scrape_jobs: { static_configs: { targets: string[] }[]; metrics_path: string }[];
      metrics_alert_rules: { groups: { rules: { alert: string }[] }[] };
      dashboards: string[];
    };
    expect(config.metrics_scrape_jobs.map((job) => [job.metrics_path, job.static_configs[0]?.targets])).toEqual([
      ["/metrics", [`localhost:${String(notes.METRICS_PORT)}`]],
    ]);
    expect(config.metrics_alert_rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert))).toContain("NotesDown");
    expect(config.dashboards).toHaveLength(1);
    const xz = spawnSync("sh", ["-c", "base64 -d | xz --decompress --stdout --format=xz"], {
      input: config.dashboards[0],
      encoding: "utf8",
    });
    expect(xz.status, xz.stderr).toBe(0);
    expect(JSON.parse(xz.stdout)).toMatchObject({ title: "Notes", panels: [{ title: "Requests per second" }, { title: "Notes stored" }] });
  });

  test("the agent's receivers malformed: blocked naming the key, no crash", async () => {
    const { ctx } = notesContext();
    const relation = new Relation({
      endpoint: "cos-agent",
      remoteAppName: "grafana-agent",
      remoteUnitsData: { 0: { receivers: "[{not json" } },
    });
    const out = await ctx.run(ctx.on.relationChanged(relation), new State({ networks: [network], relations: [relation] }));
    expect(out.unitStatus.name).toBe("blocked");
    expect(out.unitStatus.message).toContain("receivers");
  });
});
