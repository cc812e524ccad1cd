// Ad hoc payments (blocks/payments.ts, OCPP 2.1 C20–C23): the running cost of a payment session's transaction
// (the local tariff's, else the CSMS's), incremental authorization, and settlement or cancelation with the terminal
// when the transaction ends, reported with NotifySettlement.
import type { OcppTypes } from '@chargewire/ocpp';
import type { Station } from './station.ts';
import { applyLocalLimit } from './tx-limits.ts';
import { usesLocalCost } from './tariff-tx.ts';
import { flush, notify, now, paymentState, show, type PaymentState, type Session, type SettlementReq } from './payment-state.ts';

/** The session's transaction runs and a local tariff calculates its cost (tariff-tx.ts). */
function localCost(st: Station, session: Session): boolean {
  const evse = st.evses.find((e) => e.tx !== undefined && e.tx.id === session.transactionId);
  return evse !== undefined && usesLocalCost(evse);
}

/** The cost the station calculated itself, as reported in an event's costDetails (incl. tax when known). */
function reportedLocalCost(ev: OcppTypes.TransactionEventRequest): number | undefined {
  const total = ev.costDetails?.totalCost.total;
  return total?.inclTax ?? total?.exclTax;
}

/**
 * [C23.FR.01] with PaymentCtrlr.IncrementalAuthorizationAmount > 0, costs above the authorized amount minus
 * IncrementalAuthorizationThreshold (absent: 10 % of AuthorizationAmount, the implementation's choice) make the terminal
 * increase the authorization; [C23.FR.02] when it did, Updated(LimitSet) with maxCost raised by that amount.
 */
function onCost(st: Station, session: Session, cost: number): void {
  session.cost = cost;
  const terminal = paymentState(st)?.terminal;
  const inc = st.num('PaymentCtrlr', 'IncrementalAuthorizationAmount', 0);
  if (!terminal || inc <= 0 || session.incrementing || session.declinedAt === session.authorized || !session.transactionId) return;
  const threshold = st.num('PaymentCtrlr', 'IncrementalAuthorizationThreshold', st.num('PaymentCtrlr', 'AuthorizationAmount', 0) * 0.1);
  if (cost <= session.authorized - threshold) return;
  session.incrementing = true;
  void terminal.increment(session.pspRef, inc).then((r) => {
    session.incrementing = false;
    if (!r.ok) { session.declinedAt = session.authorized; show(st, session.evseId, `Authorization not increased: ${r.reason}`); return; }
    session.authorized = r.authorized;
    const evse = st.evses.find((e) => e.tx?.id === session.transactionId);
    if (evse) applyLocalLimit(st, evse, { maxCost: session.authorized });
    if (session.cost !== undefined) onCost(st, session, session.cost);
  });
}

/**
 * The CSMS answered the Ended event of a payment session's transaction; `cost` is the local tariff's total, else the
 * CSMS's totalCost (see the 'sent' listener below). Nothing to pay ([C20.FR.03] totalCost 0):
 * [C20.FR.04] release and cancel, [C20.FR.05] NotifySettlement Canceled. Otherwise [C21.FR.05] [C21.FR.06]
 * SettlementByCSMS: not via the terminal, [C21.FR.07] the display shows ReceiptServerUrl; else [C21.FR.01] the
 * terminal settles the total cost and [C21.FR.02] [C22.FR.01] [C22.FR.02] NotifySettlement reports the result.
 */
async function finish(st: Station, s: PaymentState, session: Session, cost: number): Promise<void> {
  s.sessions.splice(s.sessions.indexOf(session), 1);
  const base = { transactionId: session.transactionId!, pspRef: session.pspRef, settlementTime: now(st), ...(session.vat ?? {}) };
  const terminal = s.terminal!;
  if (cost <= 0) {
    await terminal.cancel(session.pspRef);
    show(st, session.evseId, 'Payment canceled');
    await notify(st, { ...base, status: 'Canceled', settlementAmount: 0 });
    return;
  }
  if (st.bool('PaymentCtrlr', 'SettlementByCSMS', false)) {
    const url = st.str('PaymentCtrlr', 'ReceiptServerUrl', '');
    show(st, session.evseId, `Total ${cost}${url ? `; receipt: ${url}` : ''}`);
    return;
  }
  const r = await terminal.settle(session.pspRef, cost);
  const byCsms = st.bool('PaymentCtrlr', 'ReceiptByCSMS', false);
  // [C22.FR.01] [C22.FR.02] Rejected / Failed without receipt information; [C21.FR.04] ReceiptByCSMS false: the terminal's receipt.
  const req: SettlementReq = r.status === 'Settled'
    ? { ...base, status: 'Settled', settlementAmount: cost, ...(byCsms ? {} : { receiptId: r.receiptId, receiptUrl: r.receiptUrl }) }
    : { ...base, status: r.status, settlementAmount: cost, statusInfo: r.statusInfo };
  const resp = await notify(st, req);
  // C21 step 4b: the display shows the receipt URL ([C21.FR.03] from the CSMS when ReceiptByCSMS).
  const url = byCsms ? resp?.receiptUrl : req.receiptUrl;
  show(st, session.evseId, r.status === 'Settled' ? `Paid ${cost}${url ? `; receipt: ${url}` : ''}` : `Payment ${r.status.toLowerCase()}`);
}

/**
 * The listeners of a station with payments: the running cost from CostUpdated and TransactionEventResponses, the
 * settlement after the Ended event, and the NotifySettlement requests that waited for a connection.
 */
export function watchSettlement(st: Station, s: PaymentState): void {
  st.on('request', (r) => {
    if (r.action !== 'CostUpdated') return;
    const p = r.payload as OcppTypes.CostUpdatedRequest;
    const session = s.sessions.find((x) => x.transactionId === p.transactionId);
    // (E16.FR.16 spirit) a transaction priced by a local tariff ignores the CSMS's cost updates.
    if (session && !localCost(st, session)) st.afterResponse(() => onCost(st, session, p.totalCost));
  });
  st.on('sent', (e) => {
    if (e.action !== 'TransactionEvent' || !e.response) return;
    const p = e.payload as OcppTypes.TransactionEventRequest;
    const resp = e.response as OcppTypes.TransactionEventResponse;
    const session = s.sessions.find((x) => x.transactionId === p.transactionInfo.transactionId);
    if (!session) return;
    const local = reportedLocalCost(p);
    if (p.eventType === 'Ended') {
      // [C21.FR.01] the total cost: calculated by the station with its local tariff, else the CSMS's.
      const cost = local ?? (typeof resp.totalCost === 'number' ? resp.totalCost : session.cost ?? 0);
      st.afterResponse(() => finish(st, s, session, cost));
    } else if (local !== undefined) {
      st.afterResponse(() => onCost(st, session, local)); // the local running cost (I12)
    } else if (typeof resp.totalCost === 'number' && !localCost(st, session)) {
      const cost = resp.totalCost;
      st.afterResponse(() => onCost(st, session, cost));
    }
  });
  st.on('connected', () => flush(st));
  st.on('registration', (r) => { if (r.status === 'Accepted') flush(st); });
}
