// Stable API error codes (each with a row in docs/api.md) and the one error shape every route
// answers with: `{ error: { code: 'API_ERR_…', message, field? } }`.
import { OcppError, RpcError } from '@chargewire/ocpp';
import { CsmsError } from '../errors.ts';

export const apiErrorCodes = {
  API_ERR_UNAUTHORIZED: { status: 401, text: 'Missing, malformed or unknown bearer token' },
  API_ERR_FORBIDDEN: { status: 403, text: 'The token role may not do this (readonly tokens may only GET)' },
  API_ERR_VALIDATION: { status: 400, text: 'A path parameter, query parameter or body field fails the route schema' },
  API_ERR_BAD_JSON: { status: 400, text: 'The request body is not valid JSON' },
  API_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, text: 'The request body is not application/json' },
  API_ERR_BODY_TOO_LARGE: { status: 413, text: 'The request body exceeds the body limit' },
  API_ERR_NOT_FOUND: { status: 404, text: 'No such route' },
  API_ERR_STATION_NOT_FOUND: { status: 404, text: 'No station with this id is registered' },
  API_ERR_STATION_EXISTS: { status: 409, text: 'A station with this id is already registered' },
  API_ERR_STATION_OFFLINE: { status: 409, text: 'The station has no live connection' },
  API_ERR_STATION_NOT_ACCEPTED: { status: 409, text: 'The station was Rejected at boot; the CSMS sends it nothing (B03.FR.03)' },
  API_ERR_STATION_BUSY: { status: 503, text: 'Too many calls queued for the station; retry later' },
  API_ERR_STATION_TIMEOUT: { status: 504, text: 'The station did not answer within the timeout' },
  API_ERR_STATION_ERROR: { status: 502, text: 'The station answered CALLERROR (rpcCode holds the OCPP RPC error code)' },
  API_ERR_STATION_BAD_RESPONSE: { status: 502, text: 'The station answered with a payload that fails the response schema' },
  API_ERR_UNKNOWN_ACTION: { status: 400, text: "The action is not a CSMS-to-station action of the station's OCPP version" },
  API_ERR_INVALID_PAYLOAD: { status: 400, text: "The body fails the action's OCPP request schema (message holds the OCPP RPC error code)" },
  API_ERR_TOKEN_NOT_FOUND: { status: 404, text: 'No API token with this id' },
  API_ERR_SHUTTING_DOWN: { status: 503, text: 'The CSMS is shutting down and accepts no new work' },
  API_ERR_LAST_ADMIN_TOKEN: { status: 409, text: 'The last admin token cannot be revoked' },
  API_ERR_NOT_READY: { status: 503, text: 'Readiness failed: the store is not reachable' },
  API_ERR_INTERNAL: { status: 500, text: 'Unexpected server error (logged, details not exposed)' },
} as const;
export type ApiErrorCode = keyof typeof apiErrorCodes;

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; field?: string; rpcCode?: string };
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  readonly rpcCode: string | undefined;
  constructor(code: ApiErrorCode, message?: string, extra: { field?: string; rpcCode?: string } = {}) {
    super(message ?? apiErrorCodes[code].text);
    this.name = 'ApiError';
    this.code = code;
    this.status = apiErrorCodes[code].status;
    this.field = extra.field;
    this.rpcCode = extra.rpcCode;
  }
  toBody(): ApiErrorBody {
    const error: ApiErrorBody['error'] = { code: this.code, message: this.message };
    if (this.field !== undefined) error.field = this.field;
    if (this.rpcCode !== undefined) error.rpcCode = this.rpcCode;
    return { error };
  }
}

/** JSON schema of the error body, shared by every route's response list. */
export const errorSchema = {
  $id: 'ApiError',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(apiErrorCodes) },
        message: { type: 'string' },
        field: { type: 'string' },
        rpcCode: { type: 'string' },
      },
    },
  },
} as const;

/** Map the rejection of runtime.callStation to an ApiError. */
export function callErrorToApiError(err: unknown, stationId: string, action: string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof RpcError) {
    if (err.remote) return new ApiError('API_ERR_STATION_ERROR', `station ${stationId} answered ${action} with CALLERROR ${err.code}: ${err.message}`, { rpcCode: err.code });
    // A local RpcError means our outbound payload failed validation.
    const field = typeof err.details['field'] === 'string' ? err.details['field'] : undefined;
    return new ApiError('API_ERR_INVALID_PAYLOAD', `${err.code}: ${err.message}`, { field, rpcCode: err.code });
  }
  if (err instanceof OcppError) {
    switch (err.code) {
      case 'OCPP_ERR_CALL_TIMEOUT':
        return new ApiError('API_ERR_STATION_TIMEOUT', `station ${stationId} did not answer ${action} in time`);
      case 'OCPP_ERR_CLOSED':
        return new ApiError('API_ERR_STATION_OFFLINE', `station ${stationId} is offline`);
      case 'OCPP_ERR_QUEUE_FULL':
        return new ApiError('API_ERR_STATION_BUSY', `too many calls queued for station ${stationId}`);
      case 'OCPP_ERR_INVALID_RESPONSE':
        return new ApiError('API_ERR_STATION_BAD_RESPONSE', `station ${stationId} answered ${action} with an invalid payload: ${err.message}`);
      case 'OCPP_ERR_UNKNOWN_ACTION':
      case 'OCPP_ERR_WRONG_DIRECTION':
        return new ApiError('API_ERR_UNKNOWN_ACTION', `${action}: ${err.message}`, { field: 'action' });
      case 'OCPP_ERR_INVALID_OUTBOUND':
        return new ApiError('API_ERR_INVALID_PAYLOAD', err.message);
      default:
        break;
    }
  }
  if (err instanceof CsmsError) {
    if (err.code === 'CSMS_ERR_STATION_REJECTED') return new ApiError('API_ERR_STATION_NOT_ACCEPTED', `station ${stationId} was Rejected at boot; ${action} not sent`);
    if (err.code === 'CSMS_ERR_SHUTTING_DOWN') return new ApiError('API_ERR_SHUTTING_DOWN');
    if (err.code === 'CSMS_ERR_DUPLICATE_VARIABLE') return new ApiError('API_ERR_VALIDATION', err.message);
  }
  return new ApiError('API_ERR_INTERNAL');
}
