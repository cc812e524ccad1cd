// In-process event bus: synchronous fan-out, a throwing listener never breaks the publisher.
import { BusError, checkPattern, matches, type CsmsEvent, type EventBus, type Listener } from './bus.ts';

export { matches } from './bus.ts';

/** The memory bus also tells whether anyone listens to an event type (publishers may skip building it). */
export interface MemoryBus extends EventBus {
  hasSubscribers(type: CsmsEvent['type']): boolean;
}

/**
 * Does anyone listen to `type` on this bus? Only the memory bus can tell (false when nobody does);
 * any other bus (NATS: other nodes may listen) is assumed to. Publishers on a hot path check this
 * before building an event.
 */
export function busWants(bus: EventBus, type: CsmsEvent['type']): boolean {
  const has = (bus as Partial<MemoryBus>).hasSubscribers;
  return typeof has === 'function' ? has.call(bus, type) : true;
}

export function createMemoryBus(onListenerError?: (err: unknown) => void): MemoryBus {
  const subs = new Set<{ pattern: string; listener: Listener }>();
  let closed = false;
  return {
    hasSubscribers(type) {
      if (subs.size === 0) return false;
      for (const s of subs) if (matches(s.pattern, type)) return true;
      return false;
    },
    publish(event: CsmsEvent) {
      if (subs.size === 0) return;
      for (const s of subs) {
        if (!matches(s.pattern, event.type)) continue;
        try {
          s.listener(event);
        } catch (err) {
          onListenerError?.(err);
        }
      }
    },
    subscribe(pattern, listener) {
      checkPattern(pattern);
      if (closed) throw new BusError('BUS_ERR_CLOSED');
      const s = { pattern, listener };
      subs.add(s);
      return () => void subs.delete(s);
    },
    async close() {
      closed = true;
      subs.clear();
    },
  };
}
