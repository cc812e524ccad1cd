// Live updates as Server-Sent Events: GET /api/events?types=station.*,connector.status streams bus
// events as `event: <type>\ndata: <json>`. Keep-alive comments every sseKeepAliveMs; the bus
// subscription ends when the client goes away. The token may come as ?token= (EventSource cannot
// set headers); such URLs end up in access logs, so prefer short-lived readonly tokens there.
import type { FastifyInstance } from 'fastify';
import type { CsmsEvent } from '../../bus/bus.ts';
import type { ApiContext } from '../index.ts';
import { ApiError } from '../errors.ts';

export type LiveStreams = Set<{ end(): void }>;

/** A slow client that lets this much pile up is dropped (it reconnects and resumes live). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const PATTERN = /^(\*|[a-z]+(\.[a-z]+)*(\.\*)?)$/;

/** Parse `types=` into bus patterns, dropping duplicates and patterns another one already covers. */
export function parseTypes(types: string | undefined): string[] {
  if (types === undefined || types.trim() === '') return ['*'];
  const list = [...new Set(types.split(',').map((s) => s.trim()).filter(Boolean))];
  for (const p of list) {
    if (!PATTERN.test(p)) throw new ApiError('API_ERR_VALIDATION', `query parameter 'types' has an invalid pattern '${p}' (an event type, a prefix ending in .*, or *)`, { field: 'types' });
  }
  const covers = (q: string, p: string) => q !== p && (q === '*' || (q.endsWith('.*') && p.startsWith(q.slice(0, -1))));
  return list.filter((p) => !list.some((q) => covers(q, p)));
}

export function liveRoutes(ctx: ApiContext) {
  return async function live(app: FastifyInstance): Promise<void> {
    app.get<{ Querystring: { types?: string; token?: string } }>(
      '/events',
      {
        config: { queryToken: true },
        schema: {
          summary: 'Live bus events as Server-Sent Events (text/event-stream)',
          description: 'Each event: `event: <type>` and `data: <json>`. Keep-alive comments every 15 s. Event types: station.connected, station.disconnected, station.booted, station.heartbeat, connector.status, station.event, transaction.started/updated/ended, meter.values, message.',
          tags: ['live'],
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              types: { type: 'string', maxLength: 500, description: 'comma-separated event types or prefixes (transaction.*); default all' },
              token: { type: 'string', maxLength: 512, description: 'the bearer token, for clients that cannot set headers (EventSource)' },
            },
          },
          response: { 200: { type: 'string', description: 'text/event-stream' }, 400: { $ref: 'ApiError#' } },
        },
      },
      async (request, reply) => {
        const patterns = parseTypes(request.query.types);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        let seq = 0;
        let closed = false;
        const unsubscribers: Array<() => void> = [];
        const stream = {
          end() {
            if (closed) return;
            closed = true;
            clearInterval(keepAlive);
            for (const u of unsubscribers) u();
            ctx.live.delete(stream);
            res.end();
          },
        };
        const write = (chunk: string) => {
          if (closed) return;
          res.write(chunk);
          if (res.writableLength > MAX_BUFFERED_BYTES) {
            request.log.warn({ buffered: res.writableLength }, 'SSE client too slow; closing its stream');
            stream.end();
          }
        };
        const onEvent = (event: CsmsEvent) => write(`id: ${++seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        const keepAlive = setInterval(() => write(': keep-alive\n\n'), ctx.opts.sseKeepAliveMs);
        keepAlive.unref();
        ctx.live.add(stream);
        res.on('close', () => stream.end());
        write(`retry: 3000\n: subscribed to ${patterns.join(',')}\n\n`);
        for (const p of patterns) unsubscribers.push(ctx.runtime.bus.subscribe(p, onEvent));
      },
    );
  };
}
