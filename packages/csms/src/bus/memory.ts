// In-process event bus: synchronous fan-out, a throwing listener never breaks the publisher.
import type { CsmsEvent, EventBus, Listener } from './bus.ts';

export function matches(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}

export function createMemoryBus(onListenerError?: (err: unknown) => void): EventBus {
  const subs = new Set<{ pattern: string; listener: Listener }>();
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
      const s = { pattern, listener };
      subs.add(s);
      return () => void subs.delete(s);
    },
    async close() {
      subs.clear();
    },
  };
}
