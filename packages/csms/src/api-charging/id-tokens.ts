// Id tokens (C01–C16): list/read/create-or-replace/delete the tokens the CSMS authorizes. KeyCode PINs are
// stored hashed (C04.FR.04): PUT /id-tokens/KeyCode/<label> with { pin } stores the token under its hash.
import type { FastifyInstance } from 'fastify';
import type { AuthorizationStatusEnumType } from '@chargewire/ocpp/types';
import type { CsmsRuntime } from '../runtime.ts';
import type { IdTokenInput, IdTokenRecord } from '../store/store.ts';
import { WEEKDAYS, idTokenRestrictionIssue } from '../store/token-restrictions.ts';
import { ApiError } from '../api/errors.ts';
import { pinKey } from '../blocks/authorization.ts';
import { idTokenSchema } from './support.ts';

const STATUSES = ['Accepted', 'Blocked', 'ConcurrentTx', 'Expired', 'Invalid', 'NoCredit', 'NotAllowedTypeEVSE', 'NotAtThisLocation', 'NotAtThisTime', 'Unknown'];
export const ID_TOKEN_TYPES = ['Central', 'DirectPayment', 'eMAID', 'EVCCID', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization', 'VIN'];

const tokenParams = {
  type: 'object', required: ['type', 'idToken'], additionalProperties: false,
  properties: { type: { type: 'string', minLength: 1, maxLength: 50 }, idToken: { type: 'string', minLength: 1, maxLength: 255 } },
} as const;

/**
 * [C01.FR.17] [C04.FR.05] [C05.FR.04] languages are RFC 5646 tags ("en-US"): a primary language subtag, then
 * subtags of 1–8 letters/digits (also "x-…" private use); the OCPP schema caps the length at 8.
 */
export const LANGUAGE_TAG = { type: 'string', maxLength: 8, pattern: '^([A-Za-z]{2,8}|[xX])(-[A-Za-z0-9]{1,8})*$' } as const;

const STATION_ID = { type: 'string', minLength: 1, maxLength: 48 } as const;
const CLOCK = { type: 'string', pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$' } as const;

/** Location and time restrictions (C01.FR.18–22 statuses NotAtThisLocation / NotAllowedTypeEVSE / NotAtThisTime). */
const restrictionProperties = {
  stationIds: { type: 'array', uniqueItems: true, items: STATION_ID, description: 'Only at these stations; NotAtThisLocation elsewhere. Absent = every station' },
  evses: {
    type: 'array', description: 'Per-station EVSE subsets (C01.FR.20); an empty evseIds means NotAtThisLocation at that station. Stations not named here use evseIds',
    items: { type: 'object', required: ['stationId', 'evseIds'], additionalProperties: false, properties: { stationId: STATION_ID, evseIds: { type: 'array', uniqueItems: true, items: { type: 'integer', minimum: 1 } } } },
  },
  validFrom: { type: 'string', format: 'date-time', description: 'NotAtThisTime before this instant (expiryDate → Expired after its end)' },
  schedule: {
    type: 'object', required: ['timeZone', 'windows'], additionalProperties: false,
    description: 'Weekly windows of local wall-clock time; NotAtThisTime outside them. to < from = overnight (ends the next day); to may be 24:00',
    properties: {
      timeZone: { type: 'string', minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Amsterdam' },
      windows: {
        type: 'array', minItems: 1,
        items: {
          type: 'object', required: ['days', 'from', 'to'], additionalProperties: false,
          properties: { days: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...WEEKDAYS] } }, from: CLOCK, to: CLOCK },
        },
      },
    },
  },
} as const;

const bodySchema = {
  type: 'object', required: ['status'], additionalProperties: false,
  properties: {
    status: { type: 'string', enum: STATUSES },
    expiryDate: { type: 'string', format: 'date-time' },
    groupIdToken: idTokenSchema,
    language1: LANGUAGE_TAG,
    language2: LANGUAGE_TAG,
    personalMessage: { type: 'object', required: ['format', 'content'], properties: { format: { type: 'string' }, content: { type: 'string', maxLength: 1024 }, language: LANGUAGE_TAG } },
    maxActiveTransactions: { type: 'integer', minimum: 0 },
    evseIds: { type: 'array', items: { type: 'integer', minimum: 0 }, description: 'Only on these EVSEs (NotAllowedTypeEVSE elsewhere; [] = NotAtThisLocation) at stations without an evses entry' },
    ...restrictionProperties,
    chargingPriority: { type: 'integer', minimum: -9, maximum: 9 },
    masterPass: { type: 'boolean' },
    pin: { type: 'string', minLength: 1, maxLength: 36, description: 'KeyCode only: the PIN; stored as a hash, never in clear' },
  },
} as const;

type Body = Omit<IdTokenInput, 'idToken' | 'type'> & { pin?: string };

/** Never expose PIN hashes. */
const view = ({ pinHash, ...t }: IdTokenRecord) => ({ ...t, ...(pinHash !== undefined && { hasPin: true }) });

export function idTokenRoutes(runtime: CsmsRuntime) {
  const { store } = runtime;
  return async function idTokens(app: FastifyInstance): Promise<void> {
    app.get<{ Querystring: { search?: string; type?: string; status?: AuthorizationStatusEnumType; limit: number; offset: number } }>('/id-tokens', {
      schema: {
        summary: 'Id tokens the CSMS authorizes (C01)', tags: ['authorization'],
        querystring: { type: 'object', additionalProperties: false, properties: { search: { type: 'string', maxLength: 255 }, type: { type: 'string' }, status: { type: 'string', enum: STATUSES }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 } } },
      },
    }, async (request) => {
      const { search, type, status, limit, offset } = request.query;
      const page = await store.listIdTokens({ ...(search && { search }), ...(type && { type }), ...(status && { status }), limit, offset });
      return { items: page.items.map(view), total: page.total, limit, offset };
    });

    app.get<{ Params: { type: string; idToken: string } }>('/id-tokens/:type/:idToken', { schema: { summary: 'One id token', tags: ['authorization'], params: tokenParams } }, async (request) => {
      const t = await store.findIdToken(request.params.idToken, request.params.type);
      if (!t) throw new ApiError('API_ERR_NOT_FOUND', `id token ${request.params.type}/${request.params.idToken} not found`, { field: 'idToken' });
      return view(t);
    });

    app.put<{ Params: { type: string; idToken: string }; Body: Body }>('/id-tokens/:type/:idToken', {
      schema: { summary: 'Create or replace an id token (status, expiry, group, languages, limits, master pass, PIN, location/time restrictions)', tags: ['authorization'], params: tokenParams, body: bodySchema },
    }, async (request) => {
      const { type } = request.params;
      const { pin, ...rest } = request.body;
      if (!ID_TOKEN_TYPES.includes(type)) throw new ApiError('API_ERR_VALIDATION', `path parameter 'type' must be one of ${ID_TOKEN_TYPES.join(', ')}`, { field: 'type' });
      if (pin !== undefined && type !== 'KeyCode') throw new ApiError('API_ERR_VALIDATION', "body 'pin' is only for KeyCode tokens", { field: 'pin' });
      // [C01.FR.10] [C01.FR.11] language2 only with a different language1
      if (rest.language2 !== undefined && (rest.language1 === undefined || rest.language1 === rest.language2)) throw new ApiError('API_ERR_VALIDATION', "body 'language2' needs a different 'language1'", { field: 'language2' });
      // [C09.FR.13] a group id token has type Central
      if (rest.groupIdToken && rest.groupIdToken.type !== 'Central') throw new ApiError('API_ERR_VALIDATION', "body 'groupIdToken.type' must be Central", { field: 'groupIdToken.type' });
      // what the schema cannot say: a known time zone, from ≠ to, hours ≤ 24:00, evses within stationIds, validFrom < expiryDate
      const issue = idTokenRestrictionIssue(rest);
      if (issue) throw new ApiError('API_ERR_VALIDATION', `body '${issue.field}' ${issue.message}`, { field: issue.field });
      // [C04.FR.04] the PIN is stored only as a hash: the token key becomes the hash
      const idToken = pin !== undefined ? pinKey(pin) : request.params.idToken;
      const rec = await store.upsertIdToken({ ...rest, idToken, type, ...(pin !== undefined && { pinHash: pinKey(pin) }) });
      return view(rec);
    });

    app.delete<{ Params: { type: string; idToken: string } }>('/id-tokens/:type/:idToken', { schema: { summary: 'Delete an id token', tags: ['authorization'], params: tokenParams } }, async (request, reply) => {
      const t = await store.findIdToken(request.params.idToken, request.params.type);
      if (!t) throw new ApiError('API_ERR_NOT_FOUND', `id token ${request.params.type}/${request.params.idToken} not found`, { field: 'idToken' });
      await store.deleteIdToken(t.idToken, t.type);
      return reply.status(204).send();
    });
  };
}
