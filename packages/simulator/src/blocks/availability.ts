// G — Availability, station side: StatusNotification on every connector change (G01), Heartbeat (G02,
// see provisioning.startHeartbeat), ChangeAvailability for EVSE/connector (G03) and station (G04).
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import { connectorStatus, type EvseState } from '../evse.ts';
import type { Station } from '../station.ts';
import { syncReservations } from './reservation.ts';
import { notifyHardWired } from '../notify-event.ts';

/** [G01] send StatusNotification for connectors whose status changed (or all, when `all`). */
export function reportStatuses(st: Station, evse: EvseState, all: boolean): void {
  syncReservations(st); // [H01.FR.17] reservations on an EVSE that became Unavailable end; Reserved flags (H01)
  for (const c of evse.connectors) {
    // [G01.FR.08] a cable in another connector of this EVSE makes this one unusable, but that is not
    // reported: its status is reported as if the other connector were free.
    const otherPlugged = evse.plugged !== undefined && evse.plugged !== c.id;
    const status = connectorStatus(otherPlugged ? { ...evse, plugged: undefined } : evse, c, st.operative);
    if (!all && c.reported === status) continue;
    if (!st.connected || st.registration !== 'Accepted') continue; // reported after (re)connect (B04)
    c.reported = status;
    st.emit('status', { evseId: evse.id, connectorId: c.id, status });
    void sendStatus(st, evse.id, c.id, status);
  }
}

/**
 * [G05] the connector retention lock of an EVSE failed (or works again): [G05.FR.01] charging does not
 * start (or stops) while it is failed, [G05.FR.02] NotifyEvent ConnectorPlugRetentionLock.Problem.
 */
export function setLockFailure(st: Station, evseId: number, failed: boolean): void {
  const evse = st.evse(evseId);
  if ((evse.lockFailed ?? false) === failed) return;
  evse.lockFailed = failed;
  st.dm.setInternal({ name: 'ConnectorPlugRetentionLock', evse: { id: evse.id, connectorId: evse.plugged ?? evse.connectors[0]!.id } }, { name: 'Problem' }, String(failed));
  notifyHardWired(st, [{
    trigger: 'Delta', actualValue: String(failed),
    component: { name: 'ConnectorPlugRetentionLock', evse: { id: evse.id, ...(evse.plugged !== undefined ? { connectorId: evse.plugged } : {}) } },
    variable: { name: 'Problem' }, ...(failed ? {} : { cleared: true }),
  }]);
  st.refresh(evse, 'ChargingStateChanged');
}

export function sendStatus(st: Station, evseId: number, connectorId: number, status: OcppTypes.ConnectorStatusEnumType, triggered = false) {
  return st.call('StatusNotification', { timestamp: new Date(st.clock.now()).toISOString(), connectorStatus: status, evseId, connectorId }, { triggered });
}

export const block: Block = {
  id: 'G',
  name: 'Availability',
  handlers: {
    ChangeAvailability: (st, req) => {
      const want = req.operationalStatus === 'Operative';
      const evse = req.evse ? st.evses.find((e) => e.id === req.evse!.id) : undefined;
      if (req.evse && !evse) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownEvse' } };
      if (req.evse?.connectorId !== undefined) {
        // Connector level (G03).
        const c = evse!.connectors.find((x) => x.id === req.evse!.connectorId);
        if (!c) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownConnector' } };
        // [G03.FR.03] already in that state -> Accepted.
        if (c.operative === want) return { status: 'Accepted' };
        // [G03.FR.05] transaction in progress on it -> Scheduled (applied when it ends: no connector schedule kept, use EVSE's).
        if (evse!.tx && evse!.plugged === c.id) { evse!.scheduledAvailability = want; return { status: 'Scheduled' }; }
        c.operative = want;
        st.saveState(); // [G03.FR.08] persistent across reboot
        st.afterResponse(() => reportStatuses(st, evse!, false)); // [G03.FR.04]
        return { status: 'Accepted' };
      }
      if (evse) {
        if (evse.operative === want && evse.scheduledAvailability === undefined) return { status: 'Accepted' }; // [G03.FR.03]
        if (evse.tx) { evse.scheduledAvailability = want; return { status: 'Scheduled' }; } // [G03.FR.05]
        evse.operative = want; // [G03.FR.06] [G03.FR.07]
        st.saveState(); // [G03.FR.08]
        st.afterResponse(() => reportStatuses(st, evse, false)); // [G03.FR.04]
        return { status: 'Accepted' };
      }
      // Whole station (G04.FR.01).
      if (st.operative === want && st.scheduledStationAvailability === undefined) return { status: 'Accepted' }; // [G04.FR.04]
      // [G04.FR.06] a transaction in progress -> Scheduled; idle EVSEs change now.
      if (st.evses.some((e) => e.tx)) {
        st.scheduledStationAvailability = want;
        for (const e of st.evses) if (!e.tx) e.scheduledAvailability = undefined;
        return { status: 'Scheduled' };
      }
      st.operative = want; // [G04.FR.07] [G04.FR.08]
      st.saveState(); // [G04.FR.09]
      st.afterResponse(() => { for (const e of st.evses) reportStatuses(st, e, false); }); // [G04.FR.05]
      return { status: 'Accepted' };
    },
  },
};
