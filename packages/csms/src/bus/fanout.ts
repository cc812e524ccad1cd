// Local fan-out shared by every bus adapter: the subscriptions of this process, matched by pattern,
// delivered synchronously; a throwing listener never breaks the publisher or the other listeners.
import { BusError, checkPattern, matches, type CsmsEvent, type Listener } from './bus.ts';

export interface Fanout {
  /** Is any subscription interested in this event type? */
  wants(type: CsmsEvent['type']): boolean;
  deliver(event: CsmsEvent): void;
  /** Add a subscription (pattern checked; refused once closed); returns its unsubscribe. */
  add(pattern: string, listener: Listener): () => void;
  /** Drop every subscription and refuse new ones. */
  close(): void;
}

export function createFanout(onListenerError?: (err: unknown) => void): Fanout {
  const subs = new Set<{ pattern: string; listener: Listener }>();
  let closed = false;
  return {
    wants(type) {
      for (const s of subs) if (matches(s.pattern, type)) return true;
      return false;
    },
    deliver(event) {
      for (const s of subs) {
        if (!matches(s.pattern, event.type)) continue;
        try {
          s.listener(event);
        } catch (err) {
          onListenerError?.(err);
        }
      }
    },
    add(pattern, listener) {
      checkPattern(pattern);
      if (closed) throw new BusError('BUS_ERR_CLOSED');
      const s = { pattern, listener };
      subs.add(s);
      return () => void subs.delete(s);
    },
    close() {
      closed = true;
      subs.clear();
    },
  };
}
