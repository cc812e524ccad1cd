// The message journal: every frame in and out, verbatim, via the library's onFrame hook, into
// store.appendJournal (group-committed by the store). Results carry the action of their CALL.
import type { FrameEvent } from '@chargewire/ocpp';
import type { Logger } from 'pino';
import type { JournalInput, Store } from './store/store.ts';

/** Most CALLs we remember the action of, per connection, while waiting for their result. */
const MAX_OPEN = 1000;

export interface Journal {
  onFrame(ev: FrameEvent): void;
}

/** Type id, message id and action of a frame; tolerant of garbage (journaled as type 0). */
export function frameHeader(text: string): { messageType: number; messageId: string; action?: string } {
  try {
    const arr = JSON.parse(text) as unknown;
    if (!Array.isArray(arr)) return { messageType: 0, messageId: '' };
    const messageType = typeof arr[0] === 'number' ? arr[0] : 0;
    const messageId = typeof arr[1] === 'string' ? arr[1] : '';
    const action = (messageType === 2 || messageType === 6) && typeof arr[2] === 'string' ? arr[2] : undefined;
    return { messageType, messageId, ...(action ? { action } : {}) };
  } catch {
    return { messageType: 0, messageId: '' };
  }
}

export function createJournal(stationId: string, store: Store, log: Logger, onEntry?: (e: JournalInput) => void): Journal {
  // messageId -> action of CALLs in each direction, to label their CALLRESULT/CALLERROR.
  const open = { in: new Map<string, string>(), out: new Map<string, string>() };
  return {
    onFrame(ev) {
      const h = frameHeader(ev.text);
      let action = h.action;
      if (h.messageType === 2 && action) {
        const m = open[ev.direction];
        if (m.size >= MAX_OPEN) m.delete(m.keys().next().value as string);
        m.set(h.messageId, action);
      } else if (h.messageType >= 3 && h.messageType <= 5) {
        // A result answers a CALL that went the other way.
        const m = open[ev.direction === 'in' ? 'out' : 'in'];
        action = m.get(h.messageId);
        if (h.messageType !== 5) m.delete(h.messageId);
      }
      const entry: JournalInput = {
        stationId,
        direction: ev.direction,
        messageType: h.messageType,
        messageId: h.messageId,
        ...(action ? { action } : {}),
        payload: ev.text,
        at: new Date(ev.at),
      };
      onEntry?.(entry);
      store.appendJournal([entry]).catch((err: unknown) => log.error({ err }, 'journal write failed'));
    },
  };
}
