// The parking bay occupancy sensor of an EVSE (E01 S1, E06 S1): an EV drives in (EVDetected) or out
// (EVDeparted). Without it, a plugged-in EV alone counts as occupying the bay (evse.ts txConditions).
import type { Station } from './station.ts';

/** [E01.FR.01] with TxStartPoint ParkingBayOccupancy the transaction starts when the EV is detected (TC_E_12_CS). */
export function driveIn(st: Station, evseId: number): void {
  const evse = st.evse(evseId);
  if (evse.parked) return;
  evse.parked = true;
  st.refresh(evse, 'EVDetected');
}

/** [E06.FR.01] with TxStopPoint ParkingBayOccupancy the transaction ends when the EV leaves the bay (TC_E_19_CS). */
export function driveOut(st: Station, evseId: number): void {
  const evse = st.evse(evseId);
  if (!evse.parked) return;
  if (evse.plugged !== undefined) st.unplug(evseId);
  evse.parked = false;
  st.refresh(evse, 'EVDeparted');
}
