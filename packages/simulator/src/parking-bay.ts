// The parking bay occupancy sensor of an EVSE (E01 S1, E06 S1): an EV drives in (EVDetected) or out
// (EVDeparted). Without it, a plugged-in EV alone counts as occupying the bay (evse.ts txConditions).
import type { EvseState } from './evse.ts';
import type { Station } from './station.ts';

/** [E01.FR.01] with TxStartPoint ParkingBayOccupancy the transaction starts when the EV is detected (TC_E_12_CS). */
export function driveIn(st: Station, evseId: number): void {
  const evse = st.evse(evseId);
  if (evse.parked) return;
  evse.parked = true;
  st.refresh(evse, 'EVDetected');
}

/**
 * EVConnectionTimeOut expired without a cable (blocks/authorization.ts armEvTimeout): [E03.FR.15] [F02.FR.08] with
 * TxStopPoint ParkingBayOccupancy and the EV in the bay, the transaction is only deauthorized (TransactionEvent
 * EVConnectTimeout) and ends normally when the EV leaves the bay (driveOut: Ended(EVDeparted, Timeout)). With nobody
 * in the bay there is nothing to wait for: [E03.FR.05] [F02.FR.07] it ends at once.
 */
export function keepInBay(st: Station, evse: EvseState): boolean {
  return evse.parked === true && st.list('TxCtrlr', 'TxStopPoint').includes('ParkingBayOccupancy');
}

/** [E06.FR.01] with TxStopPoint ParkingBayOccupancy the transaction ends when the EV leaves the bay (TC_E_19_CS). */
export function driveOut(st: Station, evseId: number): void {
  const evse = st.evse(evseId);
  if (!evse.parked) return;
  if (evse.plugged !== undefined) st.unplug(evseId);
  evse.parked = false;
  st.refresh(evse, 'EVDeparted');
}
