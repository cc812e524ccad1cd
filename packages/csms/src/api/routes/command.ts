// The generic command route: POST /api/stations/:id/ocpp/:action for every CSMS-to-station action of
// the station's negotiated OCPP version. The body is validated with that action's request schema
// (design habit 8) before anything is sent; the station's answer comes back as `{ response }`.
import type { FastifyInstance } from 'fastify';
import { actions, validatePayload, type Action, type OcppVersion } from '@chargewire/ocpp';
import type { ApiContext } from '../index.ts';
import { ApiError, callErrorToApiError } from '../errors.ts';
import { stationIdSchema } from '../schemas.ts';
import { requireStation } from './stations.ts';

interface ActionMeta {
  direction: 'toCsms' | 'toStation' | 'both';
  send: boolean;
  versions: readonly string[];
}
const registry = actions as unknown as Record<string, ActionMeta>;

/** Actions the CSMS may CALL (toStation or both, not SEND-only), optionally of one version. */
export function csmsToStationActions(version?: OcppVersion): string[] {
  return Object.entries(registry)
    .filter(([, m]) => m.direction !== 'toCsms' && !m.send && (version === undefined || m.versions.includes(version)))
    .map(([name]) => name)
    .sort();
}

export const timeoutQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { timeoutMs: { type: 'integer', minimum: 100, maximum: 300_000, description: 'call timeout; default: the CSMS callTimeoutMs' } },
} as const;

function checkActionName(action: string): ActionMeta {
  const meta = Object.hasOwn(registry, action) ? registry[action] : undefined;
  if (!meta) throw new ApiError('API_ERR_UNKNOWN_ACTION', `'${action}' is not an OCPP action`, { field: 'action' });
  if (meta.direction === 'toCsms' || meta.send) throw new ApiError('API_ERR_UNKNOWN_ACTION', `'${action}' is sent by the station, not by the CSMS`, { field: 'action' });
  return meta;
}

/**
 * Validate and send one CSMS-to-station CALL on behalf of the API, mapping every failure to an
 * ApiError: 400 unknown action / invalid payload, 404 unknown station, 409 offline, 504 timeout,
 * 502 CALLERROR.
 */
export async function callThroughStation(ctx: ApiContext, stationId: string, action: string, payload: unknown, timeoutMs?: number): Promise<unknown> {
  const meta = checkActionName(action);
  await requireStation(ctx, stationId);
  // in a cluster the station may be connected to another node (runtime.cluster knows its version)
  const version = ctx.runtime.sessions.get(stationId)?.version ?? ctx.runtime.cluster?.stationVersion(stationId);
  if (!version) throw new ApiError('API_ERR_STATION_OFFLINE', `station '${stationId}' is offline`, { field: 'id' });
  if (!meta.versions.includes(version)) {
    throw new ApiError('API_ERR_UNKNOWN_ACTION', `'${action}' is not an action of OCPP ${version}, the station's version`, { field: 'action' });
  }
  const invalid = validatePayload(version, action, 'request', payload);
  if (invalid) {
    const field = typeof invalid.details['field'] === 'string' && invalid.details['field'] !== '' ? invalid.details['field'] : undefined;
    throw new ApiError('API_ERR_INVALID_PAYLOAD', `${invalid.code}: ${invalid.message}`, { ...(field ? { field } : {}), rpcCode: invalid.code });
  }
  try {
    return await ctx.runtime.callStation(stationId, action as Action, payload as never, timeoutMs !== undefined ? { timeoutMs } : undefined);
  } catch (err) {
    const apiErr = callErrorToApiError(err, stationId, action);
    if (apiErr.code === 'API_ERR_INTERNAL') ctx.runtime.log.error({ err, stationId, action }, 'API command failed');
    throw apiErr;
  }
}

export function commandRoutes(ctx: ApiContext) {
  return async function command(app: FastifyInstance): Promise<void> {
    app.post<{ Params: { id: string; action: string }; Querystring: { timeoutMs?: number }; Body: unknown }>(
      '/stations/:id/ocpp/:action',
      {
        schema: {
          summary: "Send any CSMS-to-station OCPP action; the body is the action's request payload",
          tags: ['commands'],
          'x-ocpp-command': true,
          params: {
            type: 'object',
            required: ['id', 'action'],
            additionalProperties: false,
            properties: { id: stationIdSchema, action: { type: 'string', pattern: '^[A-Za-z0-9]{1,64}$' } },
          },
          querystring: timeoutQuery,
          body: { type: 'object', description: "the OCPP request payload, validated against the action's schema for the station's version" },
          response: {
            200: { type: 'object', required: ['response'], properties: { response: { type: 'object' } } },
            400: { $ref: 'ApiError#' },
            404: { $ref: 'ApiError#' },
            409: { $ref: 'ApiError#' },
            502: { $ref: 'ApiError#' },
            504: { $ref: 'ApiError#' },
          },
        },
      },
      async (request) => {
        const { id, action } = request.params;
        const response = await callThroughStation(ctx, id, action, request.body ?? {}, request.query.timeoutMs);
        request.log.info({ stationId: id, action, token: request.apiToken?.name }, 'operator command answered');
        return { response };
      },
    );
  };
}
