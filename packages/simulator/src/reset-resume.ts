// B13 (OCPP 2.1) Reset with type ImmediateAndResume while transactions are ongoing: the station (or one EVSE)
// resets without ending its transactions and resumes them afterwards with the E17 logic of tx-resume.ts.
import { deliveredW, type EvseState } from './evse.ts';
import { persistTx, resume, type PersistedTx } from './tx-resume.ts';
import { sendTxEvent } from './tx-engine.ts';
import type { Station } from './station.ts';

/**
 * [B13.FR.01] ImmediateAndResume is supported only when TxCtrlr.ResumptionTimeout (the spec's
 * "TxResumptionTimeout") exists and is greater than zero; and only in OCPP 2.1 (TxResumed does not exist in 2.0.1).
 */
export function canResumeAfterReset(st: Station): boolean {
  return st.num('TxCtrlr', 'ResumptionTimeout', 0) > 0 && st.version !== '2.0.1';
}

/**
 * Reset the station (`evseId` undefined) or one EVSE while `busy` EVSEs have a transaction, then resume those
 * transactions. Runs after the ResetResponse(Accepted) (B13.FR.03) went out.
 */
export async function resetAndResume(st: Station, busy: EvseState[], evseId: number | undefined): Promise<void> {
  const saved: { evse: EvseState; p: PersistedTx }[] = [];
  for (const evse of busy) {
    if (!evse.tx) continue;
    // [B13.FR.04] Updated(ResetCommand) for each ongoing transaction, before the reset.
    sendTxEvent(st, evse, 'Updated', 'ResetCommand');
    // Scenario step 4: remember the charging state of the transaction ...
    saved.push({ evse, p: persistTx(evse) });
    // ... [B13.FR.10] [B13.FR.20] and stop energy transfer (the charging state stays as it was until resumed).
    evse.tx.cancelPeriodic?.();
    evse.resumeHold = true;
    evse.meter.setPower(deliveredW(evse, st.operative));
  }
  st.saveState();
  if (evseId === undefined) {
    // [B13.FR.21] reboot the whole station (B01 applies: BootNotification(RemoteReset)); the Updated events
    // go out first, whatever is left stays queued (Part 2 B13 error handling).
    await st.rebootWhenDelivered('RemoteReset');
  } else {
    // [B13.FR.11] reset only this EVSE, without rebooting the station.
    await new Promise<void>((r) => setTimeout(r, st.opts.rebootDelayMs ?? 10));
  }
  for (const { evse, p } of saved) {
    // The EV may have left during the reset: then that transaction already ended as usual (E06).
    if (evse.tx?.id !== p.id) continue;
    evse.resumeHold = undefined;
    // [B13.FR.12] [B13.FR.23] resume in the state it had, however long the reset took (no ResumptionTimeout
    // check); [B13.FR.13] [B13.FR.24] energy again when TxCtrlr.AllowEnergyTransferResumption is true,
    // [B13.FR.14] [B13.FR.25] otherwise a Charging transaction becomes SuspendedEVSE;
    // [B13.FR.30] Updated(TxResumed) for each resumed transaction. No E17.FR.18 random delay: a reset is
    // not an unexpected shutdown.
    resume(st, evse, p, false, false);
  }
}
