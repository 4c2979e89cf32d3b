// tls-certificates across languages, in the simulator: tscharm's requirer (the tls-charm fixture,
// built with the real `tscharm build`) next to a Python ops charm running the real
// TLSCertificatesProvidesV4 (signing with the library's generate_certificate), and a Python ops
// charm running the real TLSCertificatesRequiresV4 next to tscharm's provider. Through
// relation-created, -joined, -changed and -broken, with the keys and certificates in secrets.
// Skips, saying why, without a Python environment (TSCHARM_PYLIBS; CI has none).

import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { Simulator } from "../../simulator/simulator.js";
import { buildFixture } from "../support/fixture-build.js";
import { pylibsBlocker, pythonCharm } from "../support/python-charm.js";

const blocker = pylibsBlocker();
const FIXTURE = resolve(import.meta.dirname, "..", "fixtures", "tls-charm");
const cleanups: (() => Promise<void> | void)[] = [];
let root = "";
let tsCharm = "";

beforeAll(async () => {
  if (blocker !== undefined) return;
  root = mkdtempSync(join(tmpdir(), "tscharm-tls-x-"));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const built = await buildFixture(FIXTURE, "tscharm-tls-build-");
  cleanups.push(() => rmSync(built.work, { recursive: true, force: true }));
  // A project directory as `tscharm build` leaves it: charmcraft.yaml and dist/dispatch.
  tsCharm = join(root, "tls-ts");
  mkdirSync(join(tsCharm, "dist"), { recursive: true });
  copyFileSync(built.dispatch, join(tsCharm, "dist", "dispatch"));
  chmodSync(join(tsCharm, "dist", "dispatch"), 0o755);
  writeFileSync(join(tsCharm, "charmcraft.yaml"), readFileSync(join(FIXTURE, "charmcraft.yaml")));
}, 600_000);

// Closing a simulator removes its units (their remove hooks run): that takes a while.
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
}, 300_000);

const PY_PROVIDER = `
import datetime, json, warnings
import ops
from charmlibs.interfaces.tls_certificates import (
    Certificate, CertificateRequestAttributes, PrivateKey, ProviderCertificate, TLSCertificatesProvidesV4,
)
from charmlibs.interfaces.tls_certificates._tls_certificates import generate_certificate

warnings.simplefilter("ignore", DeprecationWarning)

class PyCa(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        self.tls = TLSCertificatesProvidesV4(self, "certificates")
        framework.observe(self.on.certificates_relation_changed, self._issue)
        framework.observe(self.on.certificates_relation_broken, self._broken)

    def _authority(self):
        try:
            content = self.model.get_secret(label="py-ca").get_content()
            return Certificate.from_string(content["certificate"]), PrivateKey.from_string(content["private-key"])
        except ops.SecretNotFoundError:
            key = PrivateKey.generate()
            ca = Certificate.generate_self_signed_ca(CertificateRequestAttributes(common_name="python test CA", is_ca=True), key, datetime.timedelta(days=365))
            self.app.add_secret({"certificate": ca.raw, "private-key": key.raw}, label="py-ca")
            return ca, key

    def _issue(self, event):
        if not self.unit.is_leader():
            return
        ca, key = self._authority()
        issued = []
        for request in self.tls.get_outstanding_certificate_requests():
            csr = request.certificate_signing_request
            cert = generate_certificate(csr, ca, key, datetime.timedelta(days=30), is_ca=request.is_ca)
            self.tls.set_relation_certificate(ProviderCertificate(
                relation_id=request.relation_id, certificate=cert, certificate_signing_request=csr, ca=ca, chain=[cert, ca]))
            issued.append(f"{csr.common_name} sans_dns={sorted(csr.sans_dns)} sans_ip={sorted(csr.sans_ip)} uid={csr.has_unique_identifier}")
        if issued:
            self.unit.status = ops.ActiveStatus("issued " + "; ".join(issued))

    def _broken(self, event):
        self.unit.status = ops.ActiveStatus("relation broken")

if __name__ == "__main__":
    ops.main(PyCa)
`;

const PY_REQUIRER = `
import ops
from charmlibs.interfaces.tls_certificates import CertificateRequestAttributes, Mode, TLSCertificatesRequiresV4

REQUEST = CertificateRequestAttributes(common_name="py.example.com", sans_dns=["py.example.com"], sans_ip=["10.1.1.1"])

class PyWeb(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        self.tls = TLSCertificatesRequiresV4(self, "certificates", certificate_requests=[REQUEST], mode=Mode.UNIT)
        framework.observe(self.tls.on.certificate_available, self._available)

    def _available(self, event):
        key = self.tls.private_key
        matches = key is not None and event.certificate.matches_private_key(key)
        assigned, assigned_key = self.tls.get_assigned_certificate(REQUEST)
        self.unit.status = ops.ActiveStatus(
            f"certificate {event.certificate.common_name} from {event.ca.common_name}; key {'matches' if matches else 'DIFFERS'}; "
            f"assigned {assigned is not None and assigned_key == key}; chain {len(event.chain)}; ca {event.certificate.is_ca}"
        )

if __name__ == "__main__":
    ops.main(PyWeb)
`;

/** The labels of the secrets in the model, with their expiry (the owners' labels). */
function labels(sim: Simulator): string[] {
  return [...sim.model.secrets.values()].map((s) => s.label ?? "").sort();
}

function secretLabelled(sim: Simulator, pattern: RegExp): { xid: string; expire: string | undefined } | undefined {
  return [...sim.model.secrets.values()].find((s) => pattern.test(s.label ?? ""));
}

const LIBID = "afd8c2bccf834997afce12c2706d2ede";

describe("tls-certificates across languages", () => {
  test.skipIf(blocker !== undefined)(
    `tscharm requirer ↔ Python TLSCertificatesProvidesV4 (${blocker ?? "runs"})`,
    async () => {
      const pyCa = pythonCharm(root, "py-ca", {
        metadata: "provides:\n  certificates:\n    interface: tls-certificates\n",
        charmPy: PY_PROVIDER,
      });
      const sim = await Simulator.create({});
      cleanups.unshift(() => sim.close({ remove: true }));
      sim.deploy(tsCharm, { app: "web" });
      sim.deploy(pyCa);
      sim.integrate("web:certificates", "py-ca:certificates");
      await sim.settle();
      expect(sim.model.unit("py-ca/0").status.message).toBe(
        "issued web.example.com sans_dns=['web.example.com'] sans_ip=['10.9.8.7'] uid=True",
      );
      expect(sim.model.unit("web/0").status).toMatchObject({
        status: "active",
        message: "certificate: web.example.com from python test CA; key matches; signed by the CA",
      });
      // The key in a unit secret under the library's label; the certificate in one that expires before it does.
      expect(labels(sim)).toEqual(
        [
          `${LIBID}-private-key-0-certificates`,
          "py-ca",
          expect.stringMatching(new RegExp(`^${LIBID}-certificate-0-certificates-[0-9a-f]{64}$`)),
        ].sort(),
      );
      const certificateSecret = secretLabelled(sim, /-certificate-0-/);
      expect(certificateSecret?.expire).toBeDefined();
      // Renewal: Juju says the certificate secret expired; a new CSR goes out, the Python provider signs it.
      sim.expireSecret(`secret:${certificateSecret?.xid ?? ""}`);
      await sim.settle();
      expect(sim.model.unit("py-ca/0").status.message).toBe(
        "issued web.example.com sans_dns=['web.example.com'] sans_ip=['10.9.8.7'] uid=True",
      );
      const renewed = secretLabelled(sim, /-certificate-0-/);
      expect(renewed?.xid).toBeDefined();
      expect(renewed?.xid).not.toBe(certificateSecret?.xid);
      expect(sim.model.unit("web/0").status.message).toBe(
        "certificate: web.example.com from python test CA; key matches; signed by the CA",
      );
      sim.removeRelation("web:certificates", "py-ca:certificates");
      await sim.settle();
      expect(sim.model.unit("py-ca/0").status.message).toBe("relation broken");
      // The requirer's key and certificate secrets went with the relation.
      expect(labels(sim)).toEqual(["py-ca"]);
    },
    600_000,
  );

  test.skipIf(blocker !== undefined)(
    `Python TLSCertificatesRequiresV4 ↔ tscharm provider (${blocker ?? "runs"})`,
    async () => {
      const pyWeb = pythonCharm(root, "py-web", {
        metadata: "requires:\n  certificates:\n    interface: tls-certificates\n",
        charmPy: PY_REQUIRER,
      });
      const sim = await Simulator.create({});
      cleanups.unshift(() => sim.close({ remove: true }));
      sim.deploy(tsCharm, { app: "issuer" });
      sim.deploy(pyWeb, { numUnits: 2 });
      sim.integrate("issuer:issuing", "py-web:certificates");
      await sim.settle();
      for (const unit of ["py-web/0", "py-web/1"]) {
        expect(sim.model.unit(unit).status).toMatchObject({
          status: "active",
          message: "certificate py.example.com from tscharm test CA; key matches; assigned True; chain 2; ca False",
        });
      }
      expect(sim.model.unit("issuer/0").status.message).toBe("issued 2");
      expect(labels(sim).filter((l) => l.includes("private-key"))).toEqual([
        `${LIBID}-private-key-0-certificates`,
        `${LIBID}-private-key-1-certificates`,
      ]);
      sim.removeRelation("issuer:issuing", "py-web:certificates");
      await sim.settle();
      expect(labels(sim)).toEqual(["tls-ts-ca"]);
    },
    600_000,
  );
});
