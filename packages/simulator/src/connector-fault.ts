// A hardware fault of a connector, an EVSE or the whole station (e.g. a ground fault, a broken contactor): the
// connectors report Faulted (G01, ConnectorStatusEnumType: "has reported an error and is not available for energy
// delivery"), no energy flows through them (evse.ts powerPathClosed) and a transaction that used them ends with
// triggerReason AbnormalCondition (E06.FR.16). Clearing the fault reverts the connectors to what they would be
// without it: Available, Occupied (an EV is still plugged in), Unavailable (ChangeAvailability) or Reserved.
// A fault is a condition of the simulated hardware: it survives a Reset (the same EVSE objects), not a new process.
import { faultedForEv, type ConnectorState, type EvseState, type StoppedReason } from './evse.ts';
import type { Station } from './station.ts';
import { endTx } from './tx-engine.ts';

/** stoppedReasons that describe a fault (ReasonEnumType, all "Failed"). */
export type FaultReason = Extract<StoppedReason, 'GroundFault' | 'OvercurrentFault' | 'PowerQuality' | 'EmergencyStop' | 'Other'>;

/** The connectors `evseId` (0: the whole station) / `connectorId` (undefined: all of the EVSE) name. */
function targets(st: Station, evseId: number, connectorId?: number): [EvseState, ConnectorState[]][] {
  if (evseId === 0) {
    if (connectorId !== undefined) throw new RangeError('a connectorId needs an EVSE');
    return st.evses.map((e) => [e, e.connectors]);
  }
  const evse = st.evse(evseId);
  if (connectorId === undefined) return [[evse, evse.connectors]];
  const c = evse.connectors.find((x) => x.id === connectorId);
  if (!c) throw new RangeError(`no connector ${connectorId} on EVSE ${evseId}`);
  return [[evse, [c]]];
}

/**
 * A fault on a connector (or all connectors of an EVSE; evseId 0: of the station). The connectors report Faulted
 * ([G01.FR.01] a valid ConnectorStatus; [G03.FR.06] [G04.FR.07] they stay Faulted when the EVSE or station becomes
 * Inoperative). When the EV's connector (or, without an EV, every connector of the EVSE) is hit: [E06.FR.16] a
 * transaction ends with Ended(AbnormalCondition, `reason`) and the authorization ends. [H01.FR.16] a reservation
 * whose targeted EVSEs are now all Faulted is cancelled, ReservationStatusUpdate Removed (blocks/reservation.ts).
 */
export function fault(st: Station, evseId: number, connectorId?: number, reason: FaultReason = 'Other'): void {
  for (const [evse, conns] of targets(st, evseId, connectorId)) {
    if (conns.every((c) => c.faulted)) continue;
    for (const c of conns) c.faulted = true;
    if (faultedForEv(evse)) {
      st.clock.clearTimeout(evse.evTimeout);
      if (evse.tx) endTx(st, evse, 'AbnormalCondition', reason);
      evse.auth = undefined;
    }
    st.refresh(evse, 'AbnormalCondition'); // StatusNotification Faulted (G01), reservations (H01.FR.16)
  }
}

/**
 * The fault is repaired: the connectors report their status without it (G03.FR.07 / G04.FR.08: back to what they
 * were). A transaction that the fault ended does not come back: the EV has to be plugged in or authorized again.
 */
export function clearFault(st: Station, evseId: number, connectorId?: number): void {
  for (const [evse, conns] of targets(st, evseId, connectorId)) {
    if (!conns.some((c) => c.faulted)) continue;
    for (const c of conns) delete c.faulted;
    st.refresh(evse, 'ChargingStateChanged');
  }
}
