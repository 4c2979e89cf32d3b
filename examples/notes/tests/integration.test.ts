// The packed notes charm in the local Juju simulator, next to three stand-ins that answer with the
// bags the Python libraries wrote in the recordings (tests/stand-ins/, built here with `tscharm
// build`): PostgreSQL (data_interfaces' provider bag, its secrets made anew and granted), a TLS
// provider (the recorded CA signs notes' CSR; the recorded layout of `certificates`) and
// grafana-agent (a subordinate that decodes notes' dashboards with the `xz` command and publishes
// the recorded `receivers`). Then the database relation goes and notes is blocked again.
//
// Needs root: each unit gets a machine of its own (notes writes /etc/notes, which must not be the
// host's). It skips, saying why, without it.

import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { Juju, type LocalJuju, type Status, allAgentsIdle, anyError } from "tscharm/integration";

import ca from "../../../test/fixtures/interfaces/tls-certificates/ca.json" with { type: "json" };
import { recordedProvider } from "./recorded.js";

const HERE = import.meta.dirname;
const ARCH = process.arch === "arm64" ? "arm64" : "amd64";
const STAND_INS = ["postgresql", "tls-provider", "cos-agent"] as const;

/** Why this test cannot run here, or undefined. */
function blocker(): string | undefined {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return "needs root on Linux: each unit gets a machine of its own";
  if (spawnSync("xz", ["--version"]).status !== 0)
    return "the cos_agent stand-in decodes dashboards with the xz command (xz-utils), not found";
  return undefined;
}

const skip = blocker();
if (skip !== undefined) process.stderr.write(`tests/integration.test.ts skipped: ${skip}\n`);

const charm = `./notes_${ARCH}.charm`;
const juju: LocalJuju = Juju.local({ machines: "isolated" });
afterAll(() => juju.close(), 180_000);

/** Builds each stand-in project for this machine (the real `tscharm build`), so it deploys as a built project. */
function buildStandIns(): void {
  const cli = join(HERE, "..", "node_modules", ".bin", "tscharm");
  for (const name of STAND_INS) {
    const result = spawnSync(cli, ["build", join(HERE, "stand-ins", name), "--platform", ARCH], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`building the ${name} stand-in failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** What the database stand-in replays: the recorded endpoints' first host and port, database and user. */
const [RECORDED_HOST, RECORDED_PORT] = (recordedProvider.bag["endpoints"] ?? "").split(",")[0]?.split(":") ?? [];
const RECORDED_ENDPOINT = `${RECORDED_HOST ?? ""}:${RECORDED_PORT ?? ""}`;

const unitOf = (status: Status, app: string) => Object.values(status.apps[app]?.units ?? {})[0];
const messageOf = (status: Status, app: string) => unitOf(status, app)?.workloadStatus.message;

/** The cos-agent stand-in's unit, a subordinate of notes/0 (status lists it under its principal). */
function cosUnit(status: Status) {
  const [name, unit] =
    Object.entries(status.apps["notes"]?.units["notes/0"]?.subordinates ?? {}).find(([key]) => key.startsWith("cos-agent/")) ?? [];
  return name === undefined || unit === undefined ? undefined : { name, unit };
}

describe.skipIf(skip !== undefined)(
  `notes with stand-ins of PostgreSQL, a TLS provider and grafana-agent${skip === undefined ? "" : ` (skipped: ${skip})`}`,
  () => {
    beforeAll(buildStandIns, 300_000);

    test(
      "deployed and integrated, notes becomes active with the recorded database and a certificate from the recorded CA",
      { timeout: 600_000 },
      async () => {
        await juju.deploy(charm, { app: "notes" });
        await juju.deploy(join(HERE, "stand-ins", "postgresql"), { app: "postgresql" });
        await juju.deploy(join(HERE, "stand-ins", "tls-provider"), { app: "tls" });
        await juju.deploy(join(HERE, "stand-ins", "cos-agent"), { app: "cos-agent" });
        await juju.integrate("notes:database", "postgresql:database");
        await juju.integrate("notes:certificates", "tls:certificates");
        await juju.integrate("notes:cos-agent", "cos-agent:cos-agent");
        const status = await juju.wait(
          (s) =>
            unitOf(s, "notes")?.workloadStatus.current === "active" &&
            cosUnit(s)?.unit.workloadStatus.current === "active" &&
            allAgentsIdle(s, "notes") &&
            allAgentsIdle(s, "postgresql") &&
            allAgentsIdle(s, "tls"),
          { error: anyError, timeout: 600_000 },
        );
        const address = unitOf(status, "notes")?.publicAddress ?? "";
        expect(messageOf(status, "notes")).toBe(`serving https://${address}:8443 with ${RECORDED_ENDPOINT}`);
        expect(messageOf(status, "postgresql")).toBe("replaying charms.data_platform_libs.v0.data_interfaces");
        expect(messageOf(status, "tls")).toBe("issued certificates from the recorded CA");
      },
    );

    test("the rendered config holds the recorded database and user; the password and the key are files of mode 0600", async () => {
      const config = JSON.parse(await juju.ssh("notes/0", "cat", "/etc/notes/notes.json")) as Record<string, Record<string, unknown>>;
      // What the recording's provider bag and user secret hold (test/fixtures/interfaces/database/provider-secrets.json).
      expect(config["database"]).toEqual({
        host: "10.1.2.3",
        port: 5432,
        database: "app",
        user: "relation-7",
        passwordFile: "/etc/notes/db-password",
      });
      expect(config["tls"]).toEqual({
        certificate: "/etc/notes/tls/notes.crt",
        ca: "/etc/notes/tls/ca.crt",
        key: "/etc/notes/tls/notes.key",
      });
      expect(await juju.ssh("notes/0", "cat", "/etc/notes/db-password")).toBe(recordedProvider.password);
      expect(
        (await juju.ssh("notes/0", "stat", "-c", "%a %U", "/etc/notes/db-password", "/etc/notes/tls/notes.key")).trim().split("\n"),
      ).toEqual(["600 root", "600 root"]);
    });

    test("the certificate is for notes' key and address, signed by the recorded CA (openssl on the machine)", async () => {
      const address = unitOf(await juju.status(), "notes")?.publicAddress ?? "";
      const script = [
        "set -e",
        "cd /etc/notes/tls",
        "openssl verify -CAfile ca.crt notes.crt",
        'test "$(openssl x509 -noout -pubkey -in notes.crt)" = "$(openssl pkey -pubout -in notes.key)" && echo key matches',
        "openssl x509 -noout -subject -ext subjectAltName -in notes.crt",
        "openssl x509 -noout -fingerprint -sha256 -in ca.crt",
      ].join("\n");
      const out = await juju.ssh("notes/0", "sh", "-c", script);
      expect(out).toContain("notes.crt: OK");
      expect(out).toContain("key matches");
      expect(out).toContain(`CN = ${address}`);
      expect(out).toContain(`IP Address:${address}`);
      // The CA the Python library generated in the recording (test/fixtures/interfaces/tls-certificates/ca.json).
      expect(out).toContain(`sha256 Fingerprint=${new X509Certificate(ca.ca).fingerprint256}`);
    });

    test("the cos_agent stand-in decoded notes' dashboard with xz, and got its alert rule and scrape job", async () => {
      const cos = cosUnit(await juju.status());
      expect(cos?.unit.workloadStatus.message).toBe("decoded 1 dashboard(s): Notes");
      const decoded = JSON.parse(await juju.ssh(cos?.name ?? "cos-agent/0", "cat", "/var/lib/cos-agent-stand-in/decoded.json")) as {
        scrapeJobs: { metrics_path: string; static_configs: { targets: string[] }[] }[];
        alertRules: string[];
        dashboards: { title: string; panels: { title: string }[] }[];
      };
      expect(decoded.dashboards.map((d) => [d.title, d.panels.map((p) => p.title)])).toEqual([
        ["Notes", ["Requests per second", "Notes stored"]],
      ]);
      expect(decoded.alertRules).toContain("NotesDown");
      expect(decoded.scrapeJobs.map((job) => [job.metrics_path, job.static_configs[0]?.targets])).toEqual([
        ["/metrics", ["localhost:9464"]],
      ]);
    });

    test("the database relation removed: notes is blocked, its config and password gone", { timeout: 300_000 }, async () => {
      await juju.removeRelation("notes:database", "postgresql:database");
      const status = await juju.wait((s) => unitOf(s, "notes")?.workloadStatus.current === "blocked" && allAgentsIdle(s, "notes"), {
        error: anyError,
        timeout: 300_000,
      });
      expect(messageOf(status, "notes")).toBe("needs a database");
      expect(
        await juju.ssh(
          "notes/0",
          "sh",
          "-c",
          "ls /etc/notes; test ! -e /etc/notes/notes.json && test ! -e /etc/notes/db-password && echo gone",
        ),
      ).toContain("gone");
    });
  },
);
