// E15 — End of charging process (ISO 15118), station side. The ISO 15118 link is not simulated as a protocol
// (see blocks/iso15118-auth.ts): the EV's SessionStopReq(Terminate) is an action of the simulated EV
// (Station.evStopSession, the console's `evstop`, the scenario step `evStop`), and what the station does with it
// on the OCPP side is real: the EV ends the authorization of its charging session, which ends the energy offer and,
// depending on TxCtrlr.TxStopPoint, the transaction.
import type { Station } from './station.ts';
import { localStop } from './blocks/authorization.ts';

/**
 * The EV at `evseId` sends SessionStopReq(Terminate). Returns what the station reported: 'Ended' (the transaction
 * ended), 'Updated' (the authorization ended, the transaction goes on until the EV leaves), or 'None' when nothing
 * was to be ended: the session's authorization already ended (a StopAuthorized was sent before: the precondition
 * of E15.FR.04/05 no longer holds) or never started.
 */
export function evStopSession(st: Station, evseId: number): 'Ended' | 'Updated' | 'None' {
  const evse = st.evse(evseId);
  if (evse.plugged === undefined) throw new Error(`no EV plugged in at EVSE ${evseId}`);
  if (!evse.auth) return 'None';
  const tx = evse.tx;
  // The stop points do the rest (tx-engine.ts): [E15.FR.04] TxStopPoint contains Authorized, PowerPathClosed or
  // EnergyTransfer: TransactionEvent(Ended, StopAuthorized, stoppedReason StoppedByEV, chargingState EVConnected);
  // [E15.FR.05] otherwise TransactionEvent(Updated, StopAuthorized, EVConnected): the authorization ended, the
  // transaction ends when the EV is unplugged (E06.FR.02: Ended(EVCommunicationLost), stoppedReason StoppedByEV).
  localStop(st, evse, 'StopAuthorized', 'StoppedByEV');
  if (!tx) return 'None';
  return evse.tx === tx ? 'Updated' : 'Ended';
}
