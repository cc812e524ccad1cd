// A station short of memory while offline (StationOptions.maxQueuedTransactionEvents): the transaction messages
// it keeps are limited, periodic and clock-aligned meter value events are given up first. Without the option the
// queue is on disk and nothing is dropped.
import type { Station } from './station.ts';

/** Updated events that only carry meter data: [J02.FR.12] (2.1) MeterValueClock / MeterValuePeriodic; [E12.FR.04]
 * never LimitSet or a xxxLimitReached; never Started or Ended. */
const DROPPABLE = new Set(['MeterValuePeriodic', 'MeterValueClock']);

/**
 * [J02.FR.12] [E04.FR.07] [E11.FR.04] [E12.FR.04] offline and more queued than fit: drop Updated meter value events;
 * [J02.FR.13] [E04.FR.08] [E11.FR.05] [E12.FR.05] intermediate ones first, the 1st, 3rd, 5th … of them (thinning
 * the series to half its resolution, not a run of the oldest), and the new message is still queued. The CSMS sees the
 * gaps in seqNo.
 */
export function limitOfflineQueue(st: Station): void {
  const max = Math.floor(st.opts.maxQueuedTransactionEvents ?? 0);
  if (max < 1 || st.connected) return;
  const q = st.outbox.queue;
  while (q.size > max) {
    // The message just queued stays: the station does not stop adding messages.
    const droppable = q.list().slice(0, -1).filter((m) => m.action === 'TransactionEvent' && m.payload.eventType === 'Updated' && DROPPABLE.has(m.payload.triggerReason as string));
    if (!droppable.length) return;
    for (let i = 0; i < droppable.length; i += 2) q.ack(droppable[i]!.id);
  }
}
