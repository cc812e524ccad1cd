// F — Remote Control, station side: RequestStartTransaction (F01/F02), RequestStopTransaction
// (F03/F04), UnlockConnector (F05), TriggerMessage (F06).
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import { connectorStatus, type EvseState } from '../evse.ts';
import type { Station } from '../station.ts';
import { sendTxEvent } from '../tx-engine.ts';
import { armEvTimeout, authorizeToken, localStop } from './authorization.ts';
import { boot } from './provisioning.ts';
import { sendStatus } from './availability.ts';
import { sendMeterValues } from './meter-values.ts';
import { triggerCertificateSigning } from './security.ts';
import { remoteStartProfile } from './smart-charging.ts';
import { triggerLogStatus } from './diagnostics.ts';
import { triggerFirmwareStatus } from './firmware.ts';
import { claimReservation, preferFor } from './reservation.ts';
import { startRefusal, type StartRefusal } from '../start-gate.ts';

type Trigger = OcppTypes.MessageTriggerEnumType;

/** The reasonCode of a refused RequestStartTransaction (a Faulted EVSE is not available: Unavailable). */
const REFUSED: Record<StartRefusal, OcppTypes.StatusInfoType> = {
  Unavailable: { reasonCode: 'Unavailable' }, Faulted: { reasonCode: 'Unavailable' }, Occupied: { reasonCode: 'Occupied' },
  Reserved: { reasonCode: 'InvalidIdToken', additionalInfo: 'EVSE reserved' }, WebPaymentPending: { reasonCode: 'Occupied' },
};

async function requestStart(st: Station, req: OcppTypes.RequestStartTransactionRequest): Promise<OcppTypes.RequestStartTransactionResponse> {
  // [B02.FR.05] not while Pending.
  if (st.registration !== 'Accepted') return { status: 'Rejected' };
  // [F01.FR.20] no evseId: pick an EVSE where the remote start may begin (start-gate.ts), one with an EV waiting first;
  // [H03] among them the EVSE reserved for this idToken first (reservation.preferFor).
  const usable = (e: EvseState): boolean => !startRefusal(st, e, 'remote', req.idToken);
  const evse = req.evseId !== undefined ? st.evses.find((e) => e.id === req.evseId)
    : preferFor(st, st.evses.filter((e) => e.plugged !== undefined && usable(e)), req.idToken, req.groupIdToken)
      ?? preferFor(st, st.evses.filter((e) => !e.tx && usable(e)), req.idToken, req.groupIdToken);
  if (!evse) return { status: 'Rejected', statusInfo: { reasonCode: 'NoEvse' } };
  // [F01.FR.23] [F02.FR.25] Unavailable or Faulted, [F01.FR.24] [F02.FR.26] an authorized transaction on it, [F01.FR.21]
  // [F01.FR.22] [F02.FR.23] [F02.FR.24] Reserved for another idToken and groupIdToken -> Rejected. [C25.FR.22] a web
  // payment hold does not refuse it: the RequestStartTransaction ends the hold (origin 'remote').
  const refused = startRefusal(st, evse, 'remote', req.idToken, { ...(req.groupIdToken ? { groupIdToken: req.groupIdToken } : {}) });
  if (refused) return { status: 'Rejected', statusInfo: REFUSED[refused] };
  // [F01.FR.26] [F02.FR.27] an invalid ChargingProfile -> Rejected; [F01.FR.10] [F02.FR.18] a valid one is used for this
  // transaction; [F01.FR.12] [F02.FR.20] ignored without smart charging (blocks/smart-charging.ts).
  const badProfile = remoteStartProfile(st, evse, req);
  if (badProfile) return { status: 'Rejected', statusInfo: badProfile };
  // [F01.FR.13] a transaction exists but is not yet authorized: return its transactionId.
  const existing = evse.tx?.id;
  st.afterResponse(async () => {
    // [F01.FR.01] AuthorizeRemoteStart = true: authorize as for a local token first; [F01.FR.02] otherwise not.
    // [F02.FR.09] [F02.FR.10] likewise for remote start first; [C05.FR.01] never Authorize an IdToken of type Central.
    if (st.bool('AuthCtrlr', 'AuthorizeRemoteStart', false) && req.idToken.type !== 'Central') {
      const d = await authorizeToken(st, req.idToken);
      if (d?.info.status !== 'Accepted') return;
    }
    // [H03.FR.09] the (group)IdToken of a RequestStartTransaction uses its reservation (F02.FR.06: reservationId in the TransactionEvent).
    if (!claimReservation(st, evse, req.idToken, req.groupIdToken)) return;
    evse.auth = { idToken: req.idToken, remoteStartId: req.remoteStartId, ...(req.groupIdToken ? { groupIdToken: req.groupIdToken } : {}) };
    // [F01.FR.25] [F02.FR.01] the remoteStartId goes into the (next or first) TransactionEvent.
    if (evse.tx) evse.tx.remoteStartId = req.remoteStartId;
    armEvTimeout(st, evse); // [F02.FR.07] EVConnectionTimeOut
    // [F01.FR.19] [F02.FR.21] the next TransactionEvent has triggerReason RemoteStart, also when the transaction only
    // starts later (tx-engine.ts startTx); [E03.FR.12] the start of energy transfer follows in its own event.
    st.refresh(evse, 'RemoteStart');
  });
  return { status: 'Accepted', ...(existing ? { transactionId: existing } : {}) };
}

function trigger(st: Station, req: OcppTypes.TriggerMessageRequest): OcppTypes.TriggerMessageResponse {
  const what = req.requestedMessage as Trigger;
  const evses = req.evse ? st.evses.filter((e) => e.id === req.evse!.id) : st.evses; // [F06.FR.11] absent = all
  if (req.evse && !evses.length) return { status: 'Rejected' };
  const later = (fn: () => unknown): OcppTypes.TriggerMessageResponse => { st.afterResponse(fn); return { status: 'Accepted' }; }; // [F06.FR.04]
  switch (what) {
    case 'BootNotification':
      // [F06.FR.17] already Accepted -> Rejected.
      if (st.registration === 'Accepted') return { status: 'Rejected' };
      return later(() => boot(st, true));
    case 'Heartbeat':
      return later(() => st.call('Heartbeat', {}, { triggered: true }));
    case 'StatusNotification': {
      // [F06.FR.12] connector level only.
      const c = req.evse?.connectorId !== undefined ? evses[0]?.connectors.find((x) => x.id === req.evse!.connectorId) : undefined;
      if (!c) return { status: 'Rejected' };
      const evse = evses[0]!;
      return later(() => sendStatus(st, evse.id, c.id, connectorStatus(evse, c, st.operative), true));
    }
    case 'MeterValues':
      // [F06.FR.06] current values of the AlignedDataCtrlr.Measurands.
      return later(async () => { for (const e of evses) await sendMeterValues(st, e, 'Trigger', true); });
    case 'TransactionEvent': {
      // [F06.FR.07] TransactionEvent(Updated, Trigger) with chargingState and current meter values.
      const busy = evses.filter((e) => e.tx);
      if (!busy.length) return { status: 'Rejected' };
      return later(() => { for (const e of busy) sendTxEvent(st, e, 'Updated', 'Trigger'); });
    }
    case 'LogStatusNotification':
      return later(triggerLogStatus(st)); // [F06.FR.14] Uploading while uploading, [F06.FR.15] else Idle (blocks/diagnostics.ts)
    case 'FirmwareStatusNotification':
      return later(triggerFirmwareStatus(st)); // [L01.FR.26] the last status during an update, [F06.FR.16] else Idle (blocks/firmware.ts)
    case 'SignChargingStationCertificate':
    case 'SignV2GCertificate':
    case 'SignV2G20Certificate':
      return triggerCertificateSigning(st, what)!; // [A02] key pair, CSR, SignCertificate
    default:
      return { status: 'NotImplemented' }; // [F06.FR.08]
  }
}

export const block: Block = {
  id: 'F',
  name: 'Remote Control',
  handlers: {
    RequestStartTransaction: requestStart,
    RequestStopTransaction: (st, req) => {
      // [B02.FR.05] not while Pending.
      if (st.registration !== 'Accepted') return { status: 'Rejected' };
      const evse = st.evses.find((e) => e.tx?.id === req.transactionId);
      // [F03.FR.08] unknown transaction -> Rejected.
      if (!evse) return { status: 'Rejected' };
      // [F03.FR.02] [F03.FR.03] [F04.FR.02] stop the energy offer: Ended(RemoteStop, Remote) if the stop point says so, else Updated.
      st.afterResponse(() => localStop(st, evse, 'RemoteStop', 'Remote'));
      return { status: 'Accepted' }; // [F03.FR.07]
    },
    UnlockConnector: (st, req) => {
      const evse = st.evses.find((e) => e.id === req.evseId);
      // [F05.FR.03] unknown connector.
      if (!evse?.connectors.some((c) => c.id === req.connectorId)) return { status: 'UnknownConnector' };
      // [F05.FR.02] an authorized transaction on it: do not unlock.
      if (evse.tx && evse.auth && (evse.plugged === undefined || evse.plugged === req.connectorId)) return { status: 'OngoingAuthorizedTransaction' };
      // [F05.FR.04] [F05.FR.06] unlock (even without a cable).
      return { status: 'Unlocked' };
    },
    TriggerMessage: trigger,
  },
};
