// The message journal of one station: every frame in and out, newest first, paged by id.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../index.ts';
import { ApiError } from '../errors.ts';
import { dateTime, itemsOf, stationParams } from '../schemas.ts';
import { requireStation } from './stations.ts';

interface JournalQuery {
  action?: string;
  direction?: 'in' | 'out';
  since?: string;
  until?: string;
  limit: number;
  beforeId?: number;
}

export function journalRoutes(ctx: ApiContext) {
  return async function journal(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { id: string }; Querystring: JournalQuery }>(
      '/stations/:id/journal',
      {
        schema: {
          summary: 'Message journal of a station, newest first; next page: beforeId = nextBeforeId',
          tags: ['journal'],
          params: stationParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              action: { type: 'string', pattern: '^[A-Za-z0-9]{1,64}$' },
              direction: { type: 'string', enum: ['in', 'out'] },
              since: dateTime,
              until: dateTime,
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              beforeId: { type: 'integer', minimum: 1 },
            },
          },
          response: {
            200: itemsOf(
              {
                type: 'object',
                properties: {
                  id: { type: 'integer' },
                  direction: { type: 'string', enum: ['in', 'out'] },
                  messageType: { type: 'integer', description: '2 CALL, 3 CALLRESULT, 4 CALLERROR, 5 CALLRESULTERROR, 6 SEND' },
                  messageId: { type: 'string' },
                  action: { type: 'string' },
                  payload: { type: 'string', description: 'the raw frame text' },
                  at: dateTime,
                },
              },
              { nextBeforeId: { type: 'integer', description: 'present when a further (older) page may exist' } },
            ),
            400: { $ref: 'ApiError#' },
            404: { $ref: 'ApiError#' },
          },
        },
      },
      async (request) => {
        const station = await requireStation(ctx, request.params.id);
        const { action, direction, since, until, limit, beforeId } = request.query;
        if (since && until && Date.parse(since) > Date.parse(until)) {
          throw new ApiError('API_ERR_VALIDATION', "query parameter 'until' is before 'since'", { field: 'until' });
        }
        const rows = await ctx.runtime.store.listJournal(station.id, {
          ...(action ? { action } : {}),
          ...(direction ? { direction } : {}),
          ...(since ? { since } : {}),
          ...(until ? { until } : {}),
          ...(beforeId !== undefined ? { beforeId } : {}),
          limit,
        });
        const items = rows.map(({ stationId: _s, ...r }) => r);
        const last = items.at(-1);
        return { items, ...(items.length === limit && last ? { nextBeforeId: last.id } : {}) };
      },
    );
  };
}
