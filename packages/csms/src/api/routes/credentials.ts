// Station credentials (admin only): A01 rotation of a station's HTTP Basic password over OCPP.
// POST /api/stations/:id/password { password? } -> { status, rotated, password? } where `password` is
// present once, only when the CSMS generated it and the station Accepted it (it is stored as a hash).
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../index.ts';
import { ApiError, callErrorToApiError } from '../errors.ts';
import { stationParams } from '../schemas.ts';
import { isStationOnline, requireStation } from './stations.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, rotateStationPassword } from '../../blocks/security-credentials.ts';

const body = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // [A00.FR.205] 16 characters up to the station's maxLimit (40..64); absent = generate one (A01.FR.07)
    password: { type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, description: 'new Basic-auth password (16–64 characters); absent = the CSMS generates a random one' },
  },
} as const;

const answer = {
  type: 'object',
  required: ['status', 'rotated'],
  properties: {
    status: { type: 'string', description: "the station's SetVariables attributeStatus for SecurityCtrlr.BasicAuthPassword" },
    rotated: { type: 'boolean', description: 'true: the new password is now the only one accepted (A01.FR.03); false: the old one stays valid (A01.FR.04)' },
    password: { type: 'string', description: 'the generated password, shown once (only when generated and rotated)' },
  },
} as const;

export function credentialRoutes(ctx: ApiContext) {
  return async function credentials(app: FastifyInstance): Promise<void> {
    app.post<{ Params: { id: string }; Body: { password?: string } | undefined }>(
      '/stations/:id/password',
      {
        config: { adminOnly: true },
        schema: {
          summary: "Rotate a station's HTTP Basic password (A01): SetVariables SecurityCtrlr.BasicAuthPassword, then store the new hash on Accepted",
          tags: ['stations'],
          params: stationParams,
          body,
          response: { 200: answer, 400: { $ref: 'ApiError#' }, 404: { $ref: 'ApiError#' }, 409: { $ref: 'ApiError#' }, 502: { $ref: 'ApiError#' }, 504: { $ref: 'ApiError#' } },
        },
      },
      async (request) => {
        const { id } = request.params;
        const station = await requireStation(ctx, id);
        // A01 prerequisite: Basic authentication is used in security profiles 1 and 2 only
        if (station.securityProfile !== 1 && station.securityProfile !== 2) {
          throw new ApiError('API_ERR_VALIDATION', `station '${id}' uses security profile ${station.securityProfile}; Basic-auth passwords apply to profiles 1 and 2`, { field: 'id' });
        }
        if (!isStationOnline(ctx, id)) throw new ApiError('API_ERR_STATION_OFFLINE', `station '${id}' is offline`, { field: 'id' });
        const supplied = request.body?.password;
        let out;
        try {
          out = await rotateStationPassword(ctx.runtime, id, supplied !== undefined ? { password: supplied } : {});
        } catch (err) {
          const apiErr = callErrorToApiError(err, id, 'SetVariables');
          // [A01.FR.09] log the error object only: it never carries the request payload
          if (apiErr.code === 'API_ERR_INTERNAL') ctx.runtime.log.error({ err, stationId: id }, 'password rotation failed');
          throw apiErr;
        }
        request.log.info({ stationId: id, status: out.status, rotated: out.rotated, by: request.apiToken?.id }, 'station password rotation');
        return { status: out.status, rotated: out.rotated, ...(out.generated && out.rotated ? { password: out.password } : {}) };
      },
    );
  };
}
