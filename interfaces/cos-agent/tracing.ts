// What the agent (grafana-agent, opentelemetry-collector) publishes back on cos_agent: its unit
// bag's `receivers`, `[{"protocol": {"name", "type"}, "url"}]`, as the library's
// CosAgentRequirerUnitData; and the errors of `getTracingEndpoint`, named as the library's.

import { type Decoder, decode } from "../common/data.js";

/** The tracing protocols the agent has receivers for (the library's `ReceiverProtocol`). */
export type ReceiverProtocol = "otlp_grpc" | "otlp_http" | "zipkin" | "jaeger_thrift_http" | "jaeger_grpc";

export interface Receiver {
  readonly protocol: { readonly name: string; readonly type: "http" | "grpc" };
  /** Where the receiver listens (`http://host:4318`; no scheme for grpc); null while the agent has no tracing backend. */
  readonly url: string | null;
}

export interface RequirerUnitData {
  readonly receivers: readonly Receiver[];
}

/** `url` must be there, a string or null (pydantic: `Optional[str] = Field(...)`). */
const nullableString: Decoder<string | null> = (value, path) => (value === null ? null : decode.string(value, path));

export const receiversDecoder: Decoder<Receiver[]> = decode.list(
  decode.object<Receiver>({
    protocol: decode.object({ name: decode.string, type: decode.oneOf(["http", "grpc"]) }),
    url: nullableString,
  }),
);

/** Base of the tracing errors (the library's TracingError). */
export class TracingError extends Error {
  override name = "TracingError";
}

/** The agent gave no receiver (or no URL) for a protocol. */
export class ProtocolNotFoundError extends TracingError {
  override name = "ProtocolNotFoundError";

  constructor(readonly protocol: string) {
    super(`no tracing receiver for ${protocol} (yet)`);
  }
}

/** The charm asked for an endpoint of a protocol it did not request in `tracingProtocols`. */
export class ProtocolNotRequestedError extends ProtocolNotFoundError {
  override name = "ProtocolNotRequestedError";

  constructor(protocol: string) {
    super(protocol);
    this.message = `${protocol} was not requested (tracingProtocols)`;
  }
}

/** A relation was needed (the endpoint's limit is not 1) and none was given. */
export class AmbiguousRelationUsageError extends TracingError {
  override name = "AmbiguousRelationUsageError";
}
