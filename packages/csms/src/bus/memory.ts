// In-process event bus: synchronous fan-out, a throwing listener never breaks the publisher.
import type { CsmsEvent, EventBus } from './bus.ts';
import { createFanout } from './fanout.ts';

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
  const fanout = createFanout(onListenerError);
  return {
    hasSubscribers: (type) => fanout.wants(type),
    publish: (event: CsmsEvent) => fanout.deliver(event),
    subscribe: (pattern, listener) => fanout.add(pattern, listener),
    async close() {
      fanout.close();
    },
  };
}
