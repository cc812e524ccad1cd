// TxStartPoint DataSigned (E01 scenario S4, E01.FR.04): with SampledDataCtrlr.SignReadings the station asks its
// meter for a signed reading once the EV is connected and authorized; the transaction starts when that signed
// value arrives (triggerReason SignedDataReceived, the signed Transaction.Begin reading in the Started event) and
// only then is the power path closed (Updated ChargingStateChanged), as in TC_E_11_CS.
import type { EvseState } from './evse.ts';
import { signingFailed } from './meter-signing.ts';
import type { Station } from './station.ts';
import { endTx } from './tx-engine.ts';

/** How long the simulated meter takes to deliver a signed reading ("this might take some time"). */
export const METER_SIGN_DELAY_MS = 1000;

/** Called before the start/stop points are evaluated: request, cancel or release the signed reading. */
export function checkDataSigned(st: Station, evse: EvseState): void {
  const ready = evse.plugged !== undefined && evse.auth !== undefined;
  // DataSigned holds while the session it was signed for lasts (a TxStopPoint DataSigned ends with it).
  if (!ready) {
    st.clock.clearTimeout(evse.signTimer);
    evse.signTimer = undefined;
    evse.signedData = undefined;
    evse.awaitingSign = undefined;
    return;
  }
  if (evse.tx || evse.signedData || evse.signTimer || signingFailed.has(evse)) return;
  // [E01.FR.04] TxStartPoint DataSigned, a meter that signs (SampledDataCtrlr.SignReadings = true): no energy
  // until the signed value is there and the transaction has started.
  if (!st.list('TxCtrlr', 'TxStartPoint').includes('DataSigned') || !st.bool('SampledDataCtrlr', 'SignReadings', false)) return;
  evse.awaitingSign = true;
  evse.signTimer = st.clock.setTimeout(() => {
    evse.signTimer = undefined;
    evse.signedData = true;
    st.refresh(evse, 'SignedDataReceived'); // starts the transaction (E01.FR.04)
    evse.awaitingSign = undefined;
    if (evse.tx) st.refresh(evse, 'ChargingStateChanged'); // now energy may flow
  }, METER_SIGN_DELAY_MS);
}

/**
 * A simulated meter fault: the meter of this EVSE can (no longer) deliver signed values; readings go out unsigned.
 * [E06.FR.05] with TxStopPoint DataSigned an ongoing transaction ends: Ended (triggerReason AbnormalCondition,
 * stoppedReason Other).
 */
export function setMeterSigning(st: Station, evse: EvseState, works: boolean): void {
  if (works) { signingFailed.delete(evse); return; }
  signingFailed.add(evse);
  evse.signedData = undefined;
  if (!evse.tx || !st.list('TxCtrlr', 'TxStopPoint').includes('DataSigned')) return;
  endTx(st, evse, 'AbnormalCondition', 'Other');
  st.refresh(evse, 'AbnormalCondition');
}
