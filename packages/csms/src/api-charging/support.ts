// Shared bits of the charging routes: error mapping onto the API's ApiError codes (api/errors.ts) and the
// "station must exist and be online" guard, reusing the API colleague's helpers.
import type { CsmsRuntime } from '../runtime.ts';
import { ApiError, callErrorToApiError } from '../api/errors.ts';
import { ChargingError } from '../blocks/authorization.ts';
import { isStationOnline } from '../runtime.ts';

export const stationIdParam = { type: 'string', minLength: 1, maxLength: 48, pattern: '^[A-Za-z0-9*\\-_=+|@.]+$' } as const;
export const stationParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: stationIdParam } } as const;
export const idTokenSchema = {
  type: 'object', required: ['idToken', 'type'], additionalProperties: true,
  properties: { idToken: { type: 'string', maxLength: 255 }, type: { type: 'string', minLength: 1, maxLength: 50 } },
} as const;
export const answerSchema = { type: 'object', required: ['response'], properties: { response: { type: 'object' } }, additionalProperties: true } as const;

export async function requireStationId(runtime: CsmsRuntime, id: string): Promise<void> {
  if (!(await runtime.store.getStation(id))) throw new ApiError('API_ERR_STATION_NOT_FOUND', `station '${id}' is not registered`, { field: 'id' });
}

/** Run a command helper for a registered, connected station; every failure becomes an ApiError. */
export async function command<T>(runtime: CsmsRuntime, stationId: string, action: string, fn: () => Promise<T>): Promise<T> {
  await requireStationId(runtime, stationId);
  if (!isStationOnline(runtime, stationId)) throw new ApiError('API_ERR_STATION_OFFLINE', `station '${stationId}' is offline`, { field: 'id' });
  try {
    return await fn();
  } catch (err) {
    throw toChargingApiError(err, stationId, action, runtime);
  }
}

export function toChargingApiError(err: unknown, stationId: string, action: string, runtime: CsmsRuntime): unknown {
  if (err instanceof ChargingError) {
    const field = err.field !== undefined ? { field: err.field } : {};
    if (err.code === 'CHARGING_ERR_TX_NOT_FOUND') return new ApiError('API_ERR_NOT_FOUND', err.message, field);
    return new ApiError('API_ERR_VALIDATION', `${err.code}: ${err.message}`, field);
  }
  const apiErr = callErrorToApiError(err, stationId, action);
  if (apiErr.code === 'API_ERR_INTERNAL') {
    // StoreErrors and the like: let the API's error handler classify them (STORE_ERR_INVALID -> 400, …).
    runtime.log.error({ err, stationId, action }, 'charging command failed');
    return err;
  }
  return apiErr;
}
