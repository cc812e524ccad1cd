// NATS event bus: every CSMS node publishes its events to `<prefix>.evt.<type>` and receives every
// node's events (its own included, echo on) through one wildcard subscription, fanned out locally.
// So a dashboard connected to node B sees the stations connected to node A. Delivery is asynchronous
// and at most once (core NATS); events of one publisher arrive in order.
// The nats package is loaded by ready(), not with this module: a CSMS on the memory bus never loads it.
import type { NatsConnection, Subscription } from 'nats';
import { BusError, type CsmsEvent, type EventBus } from './bus.ts';
import { createFanout } from './fanout.ts';

export interface NatsBusOptions {
  /** nats://host:port (comma-separated list allowed). */
  url: string;
  /** Subject prefix, so several deployments can share one NATS server (default "chargewire"). */
  subjectPrefix?: string;
  /** How long the first connect may take before ready() rejects with BUS_ERR_CONNECT (default 2000 ms). */
  connectTimeoutMs?: number;
  /** Name shown in NATS monitoring. */
  name?: string;
  onListenerError?: (err: unknown) => void;
}

export interface NatsBus extends EventBus {
  ready(): Promise<void>;
  /** The underlying connection (after ready()), for request/reply between nodes (command routing). */
  readonly connection: NatsConnection | undefined;
  readonly subjectPrefix: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function eventSubject(prefix: string, type: string): string {
  return `${prefix}.evt.${type}`;
}

export function createNatsBus(opts: NatsBusOptions): NatsBus {
  const prefix = opts.subjectPrefix ?? 'chargewire';
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) throw new BusError('BUS_ERR_BAD_PATTERN', `bad NATS subject prefix ${JSON.stringify(prefix)}`);
  const fanout = createFanout(opts.onListenerError);
  let nc: NatsConnection | undefined;
  let sub: Subscription | undefined;
  let closed = false;
  /** Events published before the connection is up (sent once connected, in order). */
  let pending: CsmsEvent[] = [];

  const deliver = (event: CsmsEvent): void => fanout.deliver(event);
  const send = (conn: NatsConnection, event: CsmsEvent): void => {
    conn.publish(eventSubject(prefix, event.type), enc.encode(JSON.stringify(event)));
  };

  let readyP: Promise<void> | undefined;
  const start = async (): Promise<void> => {
    try {
      const { connect } = await import('nats');
      nc = await connect({ servers: opts.url.split(',').map((s) => s.trim()), timeout: opts.connectTimeoutMs ?? 2000, name: opts.name ?? 'chargewire-csms', maxReconnectAttempts: -1 });
    } catch (err) {
      throw new BusError('BUS_ERR_CONNECT', `cannot connect to NATS at ${opts.url}: ${(err as Error).message}`);
    }
    if (closed) {
      await nc.close();
      throw new BusError('BUS_ERR_CLOSED');
    }
    sub = nc.subscribe(`${prefix}.evt.>`, {
      callback: (err, msg) => {
        if (err) return opts.onListenerError?.(err);
        let event: CsmsEvent;
        try {
          event = JSON.parse(dec.decode(msg.data)) as CsmsEvent;
        } catch (e) {
          return opts.onListenerError?.(e);
        }
        deliver(event);
      },
    });
    // The subscription must be registered at the server before ready() resolves: a round trip does it.
    await nc.flush();
    for (const e of pending) send(nc, e);
    pending = [];
  };

  return {
    subjectPrefix: prefix,
    get connection() {
      return nc;
    },
    ready() {
      readyP ??= start();
      return readyP;
    },
    publish(event) {
      if (closed) return;
      if (nc && !nc.isClosed()) send(nc, event);
      else pending.push(event);
    },
    subscribe: (pattern, listener) => fanout.add(pattern, listener),
    async close() {
      if (closed) return;
      closed = true;
      fanout.close();
      pending = [];
      if (readyP) await readyP.catch(() => {});
      sub?.unsubscribe();
      // drain: what was published is flushed before the connection goes
      if (nc && !nc.isClosed()) await nc.drain();
    },
  };
}
