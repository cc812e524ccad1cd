// Typed errors. RPC errors carry the OCPP RPC framework error code (Part 4 §4.3, Table 9);
// our own errors carry a stable `OCPP_ERR_*` code listed in docs/errors.md.

/** The 12 RPC framework error codes of OCPP-J (identical in 2.0.1 and 2.1). */
export const rpcErrorCodes = [
  'FormatViolation',
  'GenericError',
  'InternalError',
  'MessageTypeNotSupported',
  'NotImplemented',
  'NotSupported',
  'OccurrenceConstraintViolation',
  'PropertyConstraintViolation',
  'ProtocolError',
  'RpcFrameworkError',
  'SecurityError',
  'TypeConstraintViolation',
] as const;
export type RpcErrorCode = (typeof rpcErrorCodes)[number];

export function isRpcErrorCode(x: unknown): x is RpcErrorCode {
  return typeof x === 'string' && (rpcErrorCodes as readonly string[]).includes(x);
}

/** Part 4 Table 7: errorDescription is string[255]. */
export const MAX_ERROR_DESCRIPTION = 255;

/** Truncate to at most 255 UTF-16 code units without splitting a surrogate pair. */
export function clampDescription(s: string): string {
  if (s.length <= MAX_ERROR_DESCRIPTION) return s;
  let cut = MAX_ERROR_DESCRIPTION;
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut -= 1;
  return s.slice(0, cut);
}

/** An error reported by (or to) the peer with an RPC framework error code. */
export class RpcError extends Error {
  readonly code: RpcErrorCode;
  readonly details: Record<string, unknown>;
  /** true when this error came from the peer (CALLERROR / CALLRESULTERROR received). */
  readonly remote: boolean;
  constructor(code: RpcErrorCode, message = '', details: Record<string, unknown> = {}, remote = false) {
    super(clampDescription(message));
    this.name = 'RpcError';
    this.code = code;
    this.details = details;
    this.remote = remote;
  }
}

/** Stable codes for errors that are ours, not the peer's. Each has a row in docs/errors.md. */
export const ocppErrorCodes = {
  OCPP_ERR_CALL_TIMEOUT: 'No CALLRESULT or CALLERROR arrived within the call timeout',
  OCPP_ERR_QUEUE_FULL: 'The outbound CALL queue is full (limit maxQueuedCalls)',
  OCPP_ERR_CLOSED: 'The connection is closed; the call was not (or no longer) sent',
  OCPP_ERR_ABORTED: 'The call was aborted by its AbortSignal',
  OCPP_ERR_UNKNOWN_ACTION: 'The action is not an OCPP action of the negotiated version',
  OCPP_ERR_WRONG_DIRECTION: 'This side may not send that action (direction in the registry)',
  OCPP_ERR_INVALID_OUTBOUND: 'The payload we were about to send fails its schema; nothing was sent',
  OCPP_ERR_INVALID_RESPONSE: 'The peer answered with a payload that fails the response schema',
  OCPP_ERR_SEND_UNSUPPORTED: 'The SEND message type exists only in OCPP 2.1',
  OCPP_ERR_BACKPRESSURE: 'The peer did not drain its socket within drainTimeoutMs',
  OCPP_ERR_BAD_IDENTITY: 'The station identity in the URL is not valid (Part 4 §3.1.1)',
  OCPP_ERR_NO_SUBPROTOCOL: 'No offered WebSocket subprotocol matches a supported OCPP version',
  OCPP_ERR_HANDLER_EXISTS: 'A handler for this action is already registered',
} as const;
export type OcppErrorCode = keyof typeof ocppErrorCodes;

/** A local (non-RPC) error with a stable code. */
export class OcppError extends Error {
  readonly code: OcppErrorCode;
  override readonly cause?: unknown;
  constructor(code: OcppErrorCode, message?: string, cause?: unknown) {
    super(message ?? ocppErrorCodes[code]);
    this.name = 'OcppError';
    this.code = code;
    if (cause !== undefined) this.cause = cause;
  }
}

/** Validation error as the precompiled validators report it (the Ajv error shape). */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/**
 * JSON Schema keyword -> RPC error code, following the definitions of Part 4 Table 9:
 * - TypeConstraintViolation: "a field violates data type constraints (e.g. "somestring": 12)"
 * - OccurrenceConstraintViolation: "a field violates occurrence constraints" (cardinality)
 * - PropertyConstraintViolation: "a field contains an invalid value" (range, enum, length, charset)
 * - FormatViolation: "syntactically incorrect" (dateTime / URI syntax)
 * - ProtocolError: "not conform the PDU structure" (a field the PDU does not have)
 */
const keywordToCode: Record<string, RpcErrorCode> = {
  type: 'TypeConstraintViolation',
  required: 'OccurrenceConstraintViolation',
  minItems: 'OccurrenceConstraintViolation',
  maxItems: 'OccurrenceConstraintViolation',
  minProperties: 'OccurrenceConstraintViolation',
  maxProperties: 'OccurrenceConstraintViolation',
  additionalItems: 'OccurrenceConstraintViolation',
  dependencies: 'OccurrenceConstraintViolation',
  enum: 'PropertyConstraintViolation',
  const: 'PropertyConstraintViolation',
  minimum: 'PropertyConstraintViolation',
  maximum: 'PropertyConstraintViolation',
  exclusiveMinimum: 'PropertyConstraintViolation',
  exclusiveMaximum: 'PropertyConstraintViolation',
  multipleOf: 'PropertyConstraintViolation',
  maxDecimalPlaces: 'PropertyConstraintViolation',
  minLength: 'PropertyConstraintViolation',
  maxLength: 'PropertyConstraintViolation',
  pattern: 'PropertyConstraintViolation',
  identifierString: 'PropertyConstraintViolation',
  uniqueItems: 'PropertyConstraintViolation',
  format: 'FormatViolation',
  additionalProperties: 'ProtocolError',
};

export function codeForSchemaError(e: SchemaError): RpcErrorCode {
  return keywordToCode[e.keyword] ?? 'FormatViolation';
}

/** Turn the first schema error into an RpcError that names the field. */
export function schemaErrorToRpcError(e: SchemaError, what: string): RpcError {
  const field = fieldOf(e);
  const msg = `${what}: ${field ? `'${field}' ` : ''}${e.message ?? e.keyword}`;
  return new RpcError(codeForSchemaError(e), msg, { field, keyword: e.keyword });
}

function fieldOf(e: SchemaError): string {
  const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra =
    (e.params['missingProperty'] as string | undefined) ?? (e.params['additionalProperty'] as string | undefined);
  if (extra) return base ? `${base}.${extra}` : extra;
  return base;
}
