// tscharm/interfaces/ingress: the ingress v2 requirer, wire-compatible with the Python library
// charms.traefik_k8s.v2.ingress (LIBAPI 2, LIBPATCH 21). docs/interfaces/ingress.md.

export { SCHEMES, type IngressHealthCheck, type IngressScheme } from "./data.js";
export {
  IngressPerAppReadyEvent,
  IngressPerAppRequirer,
  IngressPerAppRevokedEvent,
  type IngressPerAppRequirerOptions,
  type IngressRequirements,
} from "./requirer.js";
export { DataValidationError, InterfaceDataError } from "../common/data.js";
