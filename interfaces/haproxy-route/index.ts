// tscharm/interfaces/haproxy-route: the haproxy-route requirer, wire-compatible with the Python
// library charms.haproxy.v2.haproxy_route (LIBAPI 2, LIBPATCH 3). docs/interfaces/haproxy-route.md.

export {
  LOAD_BALANCING_ALGORITHMS,
  RATE_LIMIT_POLICIES,
  type HaproxyRouteRequirements,
  type LoadBalancingAlgorithm,
  type RateLimitPolicy,
} from "./data.js";
export { HaproxyRouteEndpointsReadyEvent, HaproxyRouteEndpointsRemovedEvent, HaproxyRouteRequirer } from "./requirer.js";
export { DataValidationError, InterfaceDataError } from "../common/data.js";
