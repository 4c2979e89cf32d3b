// tscharm/interfaces/tls-certificates: the tls-certificates v1 interface, as charmlibs'
// tls-certificates library (TLSCertificatesRequiresV4 / TLSCertificatesProvidesV4) speaks it.
// docs/interfaces/tls-certificates.md has the whole story.

export {
  CertificateAvailableEvent,
  CertificateDeniedEvent,
  LIBID,
  type Mode,
  type ProviderCertificate,
  type ProviderCertificateError,
  type RequirerCertificateRequest,
} from "./events.js";
export { TlsCertificatesRequires, type TlsCertificatesRequiresOptions } from "./requirer.js";
export { type CertificateToSet, TlsCertificatesProvides, type TlsCertificatesProvidesOptions, chainHasValidOrder } from "./provider.js";
export { type CertificateError, CertificateRequestErrorCode, type ProviderCapabilities } from "./bags.js";
export { Certificate, type CertificateRequestAttributes, CertificateSigningRequest, PrivateKey } from "./x509.js";
export { type Validity, generateCa, generateCertificate, generateCsr } from "./issue.js";
export { DerError } from "./der.js";
export { InterfaceDataError } from "../common/data.js";
