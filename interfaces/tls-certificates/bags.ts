// What goes into the tls-certificates bags, read and written as the library does: every top-level
// key json.dumps'ed, the library's field order, defaults (null fields, empty lists) left out.
//
// The library writes `csr` inside each `request_errors` entry where the v1 spec (README,
// schema.py) says `certificate_signing_request`; the library is what the other side runs, so this
// side writes and reads `csr`. The library also leaves out `chain`'s siblings the schema marks as
// required (`revoked`, `recommended_expiry_notification_time`): again the library is followed.

import { type Relation, type RelationDataContent } from "../../runtime/index.js";
import { type BagSource, type Decoder, InterfaceDataError, RemoteBag, decode, isNothing, writeJsonFields } from "../common/data.js";
import { replaceJsonBag } from "../common/dump.js";
import { DerError } from "./der.js";
import { Certificate, CertificateSigningRequest } from "./x509.js";

/** One entry of the provider's `certificates`, as on the wire. */
export interface CertificateEntry {
  readonly ca: string;
  readonly certificate_signing_request: string;
  readonly certificate: string;
  readonly chain?: string[] | undefined;
  readonly revoked?: boolean | undefined;
}

/** What a provider reports when it cannot issue a certificate for a CSR (the library's `CertificateError`). */
export interface CertificateError {
  readonly code: number;
  readonly name: string;
  readonly message: string;
  readonly reason?: string | undefined;
  readonly provider?: string | undefined;
  readonly endpoint?: string | undefined;
}

/** The library's error codes (`CertificateRequestErrorCode`). */
export const CertificateRequestErrorCode = {
  IP_NOT_ALLOWED: 101,
  DOMAIN_NOT_ALLOWED: 102,
  WILDCARD_NOT_ALLOWED: 103,
  SERVER_NOT_AVAILABLE: 201,
  OTHER: 999,
} as const;

export interface RequestErrorEntry {
  readonly csr: string;
  readonly error: CertificateError;
}

/** What a provider says its certificate server supports (every field optional; see the library's `ProviderCapabilities`). */
export interface ProviderCapabilities {
  readonly supports_ip_sans?: boolean | undefined;
  readonly supports_wildcard_dns?: boolean | undefined;
  readonly supports_subdomain?: boolean | undefined;
  readonly supports_ca_certificates?: boolean | undefined;
  readonly allowed_domains?: string[] | undefined;
  readonly provider_type?: string | undefined;
}

export interface CsrEntry {
  readonly certificate_signing_request: string;
  readonly ca: boolean | undefined;
}

const optionalString = decode.optional(decode.string);
const optionalBoolean = decode.optional(decode.boolean);

export const certificateEntry: Decoder<CertificateEntry> = decode.object<CertificateEntry>({
  ca: decode.string,
  certificate_signing_request: decode.string,
  certificate: decode.string,
  chain: decode.optional(decode.list(decode.string)),
  revoked: optionalBoolean,
});

const certificateError: Decoder<CertificateError> = decode.object<CertificateError>({
  code: decode.integer,
  name: decode.string,
  message: decode.string,
  reason: optionalString,
  provider: optionalString,
  endpoint: optionalString,
});

export const requestErrorEntry: Decoder<RequestErrorEntry> = decode.object<RequestErrorEntry>({
  csr: decode.string,
  error: certificateError,
});

export const capabilities: Decoder<ProviderCapabilities> = decode.object<ProviderCapabilities>({
  supports_ip_sans: optionalBoolean,
  supports_wildcard_dns: optionalBoolean,
  supports_subdomain: optionalBoolean,
  supports_ca_certificates: optionalBoolean,
  allowed_domains: decode.optional(decode.list(decode.string)),
  provider_type: optionalString,
});

// `ca` has no default in the library's model: it must be there, `null` allowed.
export const csrEntry: Decoder<CsrEntry> = (value, path) => {
  const entry = decode.object<{ certificate_signing_request: string; ca: boolean | undefined }>({
    certificate_signing_request: decode.string,
    ca: optionalBoolean,
  })(value, path);
  return entry;
};

/** The provider's app bag, decoded; keys absent or "nothing" give empty lists. */
export interface ProviderData {
  readonly certificates: CertificateEntry[];
  readonly requestErrors: RequestErrorEntry[];
  readonly capabilities: ProviderCapabilities | undefined;
}

export function readProviderBag(bag: RemoteBag): ProviderData {
  return {
    certificates: bag.json("certificates", decode.list(certificateEntry)) ?? [],
    requestErrors: bag.json("request_errors", decode.list(requestErrorEntry)) ?? [],
    capabilities: bag.json("capabilities", capabilities),
  };
}

/** A requirer's `certificate_signing_requests`, decoded. */
export function readRequirerBag(bag: RemoteBag): CsrEntry[] {
  return bag.json("certificate_signing_requests", decode.list(csrEntry)) ?? [];
}

/** This side's own bag, read leniently as the library does: what does not parse is nothing. */
export function readOwn<T>(content: RelationDataContent, key: string, decoder: Decoder<T>): T | undefined {
  const raw = content.get(key);
  if (isNothing(raw)) return undefined;
  try {
    return decoder(JSON.parse(raw), "");
  } catch {
    return undefined;
  }
}

/** A bag of the other side, for reading: the relation and the app or unit it belongs to. */
export function remoteBag(relation: Relation, entity: { readonly name: string }, endpoint: string): RemoteBag {
  const source: BagSource = { endpoint, relationId: relation.id, from: entity.name };
  const owner = [relation.app, ...relation.units].find((e) => e?.name === entity.name);
  if (owner === undefined) throw new TypeError(`${entity.name} is not on the other side of ${endpoint}:${relation.id}`);
  return new RemoteBag(relation.data.get(owner), source);
}

/** Parses a PEM value of the other side's bag, naming the key on failure. */
export function parsePem<T>(source: BagSource, key: string, pem: string, parse: (pem: string) => T, expected: string): T {
  try {
    return parse(pem);
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    throw new InterfaceDataError(source, key, expected, pem);
  }
}

export const parseCertificate = (source: BagSource, key: string, pem: string): Certificate =>
  parsePem(source, key, pem, (text) => Certificate.fromString(text), "a PEM certificate");

export const parseCsr = (source: BagSource, key: string, pem: string): CertificateSigningRequest =>
  parsePem(source, key, pem, (text) => CertificateSigningRequest.fromString(text), "a PEM certificate signing request");

/**
 * Writes `values` as the library's model dump: each key json.dumps'ed, undefined (a default)
 * deleted; with `clear`, every other key goes too, as the library's `dump(clear=True)` (Juju's own
 * keys of a unit bag excepted: interfaces/common/dump.ts).
 */
export function dumpFields(
  content: RelationDataContent,
  values: Readonly<Record<string, unknown>>,
  options: { clear?: boolean } = {},
): void {
  if (options.clear === true) replaceJsonBag(content, values);
  else writeJsonFields(content, values);
}

/** A certificate entry in the library's field order, `chain` and `revoked` left out when unset. */
export function certificateEntryOut(entry: CertificateEntry): CertificateEntry {
  return {
    ca: entry.ca,
    certificate_signing_request: entry.certificate_signing_request,
    certificate: entry.certificate,
    ...(entry.chain === undefined ? {} : { chain: entry.chain }),
    ...(entry.revoked === undefined ? {} : { revoked: entry.revoked }),
  };
}

export function requestErrorOut(entry: RequestErrorEntry): RequestErrorEntry {
  const { code, name, message, reason, provider, endpoint } = entry.error;
  return {
    csr: entry.csr,
    error: {
      code,
      name,
      message,
      ...(reason === undefined ? {} : { reason }),
      ...(provider === undefined ? {} : { provider }),
      ...(endpoint === undefined ? {} : { endpoint }),
    },
  };
}
