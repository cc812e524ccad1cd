// In-process event bus: synchronous fan-out, a throwing listener never breaks the publisher.
import { BusError, checkPattern, matches, type CsmsEvent, type EventBus, type Listener } from './bus.ts';

export { matches } from './bus.ts';

export function createMemoryBus(onListenerError?: (err: unknown) => void): EventBus {
  const subs = new Set<{ pattern: string; listener: Listener }>();
  let closed = false;
  return {
    publish(event: CsmsEvent) {
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
