// Stored NotifyEvent rows (N basics) and security events (A04), newest first.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../index.ts';
import { dateTime, itemsOf, stationIdSchema } from '../schemas.ts';
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

type EventFilter = { stationId?: string; since?: string; limit: number };

export function eventRoutes(ctx: ApiContext) {
  const { store } = ctx.runtime;
  return async function events(app: FastifyInstance): Promise<void> {
    /** One read-only, newest-first event list: the two event kinds differ only in rows and source. */
    const eventList = (path: string, summary: string, item: object, list: (f: EventFilter) => Promise<unknown[]>): void => {
      app.get<{ Querystring: EventQuery }>(
        path,
        { schema: { summary, tags: ['events'], querystring: eventQuery, response: { 200: itemsOf(item), 404: { $ref: 'ApiError#' } } } },
        async (request) => {
          const { stationId, since, limit } = request.query;
          if (stationId !== undefined) await requireStation(ctx, stationId);
          return { items: await list({ ...(stationId ? { stationId } : {}), ...(since ? { since } : {}), limit }) };
        },
      );
    };
    eventList(
      '/events/notify',
      'Stored NotifyEvent events, newest first',
      { type: 'object', properties: { id: { type: 'integer' }, stationId: { type: 'string' }, generatedAt: dateTime, seqNo: { type: 'integer' }, event: { type: 'object', description: 'OCPP EventDataType' } } },
      (f) => store.listEvents(f),
    );
    eventList(
      '/events/security',
      'Stored SecurityEventNotification events, newest first',
      { type: 'object', properties: { id: { type: 'integer' }, stationId: { type: 'string' }, type: { type: 'string' }, timestamp: dateTime, techInfo: { type: 'string' } } },
      (f) => store.listSecurityEvents(f),
    );
  };
}
