// Stored NotifyEvent rows (N basics) and security events (A04), newest first.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../index.ts';
import { dateTime, stationIdSchema } from '../schemas.ts';
import { requireStation } from './stations.ts';

const eventQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    stationId: stationIdSchema,
    since: { ...dateTime, description: "only events whose timestamp is at or after this time" },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

interface EventQuery {
  stationId?: string;
  since?: string;
  limit: number;
}

export function eventRoutes(ctx: ApiContext) {
  const { store } = ctx.runtime;
  return async function events(app: FastifyInstance): Promise<void> {
    app.get<{ Querystring: EventQuery }>(
      '/events/notify',
      {
        schema: {
          summary: 'Stored NotifyEvent events, newest first',
          tags: ['events'],
          querystring: eventQuery,
          response: {
            200: {
              type: 'object',
              required: ['items'],
              properties: {
                items: {
                  type: 'array',
                  items: { type: 'object', properties: { id: { type: 'integer' }, stationId: { type: 'string' }, generatedAt: dateTime, seqNo: { type: 'integer' }, event: { type: 'object', description: 'OCPP EventDataType' } } },
                },
              },
            },
            404: { $ref: 'ApiError#' },
          },
        },
      },
      async (request) => {
        const { stationId, since, limit } = request.query;
        if (stationId !== undefined) await requireStation(ctx, stationId);
        return { items: await store.listEvents({ ...(stationId ? { stationId } : {}), ...(since ? { since } : {}), limit }) };
      },
    );

    app.get<{ Querystring: EventQuery }>(
      '/events/security',
      {
        schema: {
          summary: 'Stored SecurityEventNotification events, newest first',
          tags: ['events'],
          querystring: eventQuery,
          response: {
            200: {
              type: 'object',
              required: ['items'],
              properties: {
                items: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, stationId: { type: 'string' }, type: { type: 'string' }, timestamp: dateTime, techInfo: { type: 'string' } } } },
              },
            },
            404: { $ref: 'ApiError#' },
          },
        },
      },
      async (request) => {
        const { stationId, since, limit } = request.query;
        if (stationId !== undefined) await requireStation(ctx, stationId);
        return { items: await store.listSecurityEvents({ ...(stationId ? { stationId } : {}), ...(since ? { since } : {}), limit }) };
      },
    );
  };
}
