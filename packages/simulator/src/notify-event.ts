// NotifyEvent for the station's own hard-wired notifications (no monitors installed): one eventId sequence per
// station, so two blocks never report different events under the same id.
import type { OcppTypes } from '@chargewire/ocpp';
import type { Station } from './station.ts';

type Event = Omit<OcppTypes.EventDataType, 'eventId' | 'timestamp' | 'eventNotificationType'>;

const lastEventId = new WeakMap<Station, number>();

/** Sends one NotifyEvent (seqNo 0, not awaited) with `events` as HardWiredNotification at the station's time. */
export function notifyHardWired(st: Station, events: Event[]): void {
  const at = new Date(st.clock.now()).toISOString();
  let id = lastEventId.get(st) ?? 0;
  const eventData = events.map((e) => ({ ...e, eventId: ++id, timestamp: at, eventNotificationType: 'HardWiredNotification' as const }));
  lastEventId.set(st, id);
  void st.call('NotifyEvent', { generatedAt: at, seqNo: 0, eventData });
}
