// tscharm/interfaces/cos-agent: the cos_agent interface (machine observability through the
// grafana-agent or opentelemetry-collector subordinate), as charms.grafana_agent.v0.cos_agent.

export { CosAgentProvider, type CosAgentProviderOptions, type MetricsEndpoint, type ScrapeConfig } from "./provider.js";
export {
  AmbiguousRelationUsageError,
  ProtocolNotFoundError,
  ProtocolNotRequestedError,
  TracingError,
  type Receiver,
  type ReceiverProtocol,
  type RequirerUnitData,
} from "./tracing.js";
export { lzmaBase64, xzCompress } from "./xz.js";
export { InterfaceDataError } from "../common/data.js";
