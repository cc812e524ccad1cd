// Stations: register (with Basic-auth credentials, stored as scrypt hash), list, get, update, delete.
import type { FastifyInstance } from 'fastify';
import type { StationRecord, NewStation } from '../../store/store.ts';
import { StoreError } from '../../store/store.ts';
import type { StationSession } from '../../runtime.ts';
import { hashPassword } from '../../password.ts';
import type { ApiContext } from '../index.ts';
import { ApiError } from '../errors.ts';
import { pageOf, pagingQuery, stationDetailSchema, stationIdSchema, stationParams, stationSchema } from '../schemas.ts';
import { isStationOnline as isOnline } from '../../runtime.ts';

// [A00.FR.205] passwordString of at least 16 and at most 64 characters (2.1 / 2.0.1 errata).
const passwordSchema = { type: 'string', minLength: 16, maxLength: 64, description: 'Basic-auth password (A00.FR.205: 16–64 characters); stored only as a scrypt hash' } as const;
const bootPolicySchema = { type: 'string', enum: ['Accepted', 'Pending', 'Rejected'], description: 'Per-station BootNotification answer; absent = the CSMS default' } as const;
const descriptionSchema = { type: 'string', maxLength: 500 } as const;

const registerBody = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id: stationIdSchema,
    password: passwordSchema,
    securityProfile: { type: 'integer', enum: [0, 1, 2, 3], description: 'default: 1 with a password, else 0' },
    bootPolicy: bootPolicySchema,
    description: descriptionSchema,
  },
} as const;

const patchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    password: passwordSchema,
    securityProfile: { type: 'integer', enum: [0, 1, 2, 3] },
    bootPolicy: { anyOf: [bootPolicySchema, { type: 'null' }] },
    description: { anyOf: [descriptionSchema, { type: 'null' }] },
  },
} as const;

export function stationView(r: StationRecord, session: StationSession | undefined, online = session !== undefined) {
  const { passwordHash, ...rest } = r;
  return { ...rest, hasPassword: passwordHash !== undefined, online };
}

/** Connected to this CSMS node, or (cluster) to another live node. */
export function isStationOnline(ctx: ApiContext, id: string): boolean {
  return isOnline(ctx.runtime, id);
}

/** The station record or 404 API_ERR_STATION_NOT_FOUND. */
export async function requireStation(ctx: ApiContext, id: string): Promise<StationRecord> {
  const station = await ctx.runtime.store.getStation(id);
  if (!station) throw new ApiError('API_ERR_STATION_NOT_FOUND', `station '${id}' is not registered`, { field: 'id' });
  return station;
}

// Basic auth (profiles 1 and 2) needs a password; profiles 0 and 3 must not carry one.
function checkCredentials(profile: number, hasPassword: boolean): void {
  if ((profile === 1 || profile === 2) && !hasPassword) {
    throw new ApiError('API_ERR_VALIDATION', `body 'password' is required for security profile ${profile}`, { field: 'password' });
  }
  if ((profile === 0 || profile === 3) && hasPassword) {
    throw new ApiError('API_ERR_VALIDATION', `body 'password' is not allowed for security profile ${profile}`, { field: 'password' });
  }
}

export function stationRoutes(ctx: ApiContext) {
  const { store } = ctx.runtime;
  return async function stations(app: FastifyInstance): Promise<void> {
    app.post<{ Body: { id: string; password?: string; securityProfile?: 0 | 1 | 2 | 3; bootPolicy?: NewStation['bootPolicy']; description?: string } }>(
      '/stations',
      { schema: { summary: 'Register a station', tags: ['stations'], body: registerBody, response: { 201: stationSchema, 400: { $ref: 'ApiError#' }, 409: { $ref: 'ApiError#' } } } },
      async (request, reply) => {
        const body = request.body;
        const profile = body.securityProfile ?? (body.password !== undefined ? 1 : 0);
        checkCredentials(profile, body.password !== undefined);
        if (await store.getStation(body.id)) throw new ApiError('API_ERR_STATION_EXISTS', `station '${body.id}' is already registered`, { field: 'id' });
        const station: NewStation = { id: body.id, securityProfile: profile };
        if (body.password !== undefined) station.passwordHash = await hashPassword(body.password);
        if (body.bootPolicy !== undefined) station.bootPolicy = body.bootPolicy;
        if (body.description !== undefined) station.description = body.description;
        let created: StationRecord;
        try {
          created = await store.registerStation(station);
        } catch (err) {
          if (err instanceof StoreError && err.code === 'STORE_ERR_CONFLICT') throw new ApiError('API_ERR_STATION_EXISTS', `station '${body.id}' is already registered`, { field: 'id' });
          throw err;
        }
        request.log.info({ stationId: created.id, securityProfile: profile }, 'station registered');
        return reply.status(201).send(stationView(created, ctx.runtime.sessions.get(created.id)));
      },
    );

    app.get<{ Querystring: { search?: string; limit: number; offset: number } }>(
      '/stations',
      {
        schema: {
          summary: 'List stations (ordered by id), with their live online flag',
          tags: ['stations'],
          querystring: { type: 'object', additionalProperties: false, properties: { search: { type: 'string', maxLength: 100, description: 'case-insensitive substring of id or description' }, ...pagingQuery } },
          response: { 200: pageOf(stationSchema) },
        },
      },
      async (request) => {
        const { search, limit, offset } = request.query;
        const page = await store.listStations({ ...(search ? { search } : {}), limit, offset });
        return { items: page.items.map((s) => stationView(s, ctx.runtime.sessions.get(s.id), isStationOnline(ctx, s.id))), total: page.total, limit, offset };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/stations/:id',
      { schema: { summary: 'One station with its connectors, their status, the last boot and the live session', tags: ['stations'], params: stationParams, response: { 200: stationDetailSchema, 404: { $ref: 'ApiError#' } } } },
      async (request) => {
        const station = await requireStation(ctx, request.params.id);
        const session = ctx.runtime.sessions.get(station.id);
        const connectors = (await store.listConnectors(station.id)).map(({ stationId: _s, ...c }) => c);
        const view = { ...stationView(station, session, isStationOnline(ctx, station.id)), connectors };
        if (!session) return view;
        return {
          ...view,
          session: {
            version: session.version,
            connectedAt: session.connectedAt.toISOString(),
            lastSeen: session.lastSeen.toISOString(),
            ...(session.bootStatus ? { bootStatus: session.bootStatus } : {}),
            securityProfile: session.securityProfile,
          },
        };
      },
    );

    app.patch<{ Params: { id: string }; Body: { password?: string; securityProfile?: 0 | 1 | 2 | 3; bootPolicy?: NewStation['bootPolicy'] | null; description?: string | null } }>(
      '/stations/:id',
      { schema: { summary: 'Change credentials, security profile, boot policy or description', tags: ['stations'], params: stationParams, body: patchBody, response: { 200: stationSchema, 400: { $ref: 'ApiError#' }, 404: { $ref: 'ApiError#' } } } },
      async (request) => {
        const station = await requireStation(ctx, request.params.id);
        const body = request.body;
        const profile = body.securityProfile ?? station.securityProfile;
        const hasPassword = body.password !== undefined || station.passwordHash !== undefined;
        if ((profile === 1 || profile === 2) && !hasPassword) checkCredentials(profile, false);
        if (body.password !== undefined) checkCredentials(profile, true);
        // Hash first: once we start writing, nothing but the store can fail.
        const hash = body.password !== undefined ? await hashPassword(body.password) : undefined;
        const patch: Parameters<typeof store.updateStation>[1] = {};
        if (body.securityProfile !== undefined) patch.securityProfile = body.securityProfile;
        if (body.bootPolicy !== undefined) patch.bootPolicy = body.bootPolicy;
        if (body.description !== undefined) patch.description = body.description;
        if (hash !== undefined) await store.setStationPasswordHash(station.id, hash);
        const updated = Object.keys(patch).length ? await store.updateStation(station.id, patch) : await requireStation(ctx, station.id);
        return stationView(updated, ctx.runtime.sessions.get(station.id));
      },
    );

    app.delete<{ Params: { id: string } }>(
      '/stations/:id',
      { schema: { summary: 'Delete a station and everything stored for it', tags: ['stations'], params: stationParams, response: { 204: { type: 'null', description: 'deleted' }, 404: { $ref: 'ApiError#' } } } },
      async (request, reply) => {
        const station = await requireStation(ctx, request.params.id);
        try {
          await store.deleteStation(station.id);
        } catch (err) {
          if (err instanceof StoreError && err.code === 'STORE_ERR_NOT_FOUND') throw new ApiError('API_ERR_STATION_NOT_FOUND', `station '${station.id}' is not registered`, { field: 'id' });
          throw err;
        }
        request.log.info({ stationId: station.id, online: ctx.runtime.sessions.has(station.id) }, 'station deleted');
        return reply.status(204).send();
      },
    );
  };
}
