// C — Ad hoc payments, station side (OCPP 2.1 only, C18–C25): an integrated payment terminal (payment-terminal.ts)
// authorizes a card with its PSP, the PspRef becomes an idToken of type DirectPayment, the station settles or cancels
// the payment when the transaction ends and tells the CSMS (NotifySettlement); the authorized amount is the
// transaction's maxCost and may be increased; a dynamic QR code (web-payment-qr.ts) starts a web payment.
// OCPP 2.0.1 has none of this (no DirectPayment idToken type, no PaymentCtrlr/WebPaymentsCtrlr, no NotifySettlement,
// NotifyWebPaymentStarted or VatNumberValidation): under 2.0.1 the actions are refused (endpoint: NotImplemented) and
// the driver actions answer NotSupported. The amount settled: the station's own cost calculation when a local tariff
// (blocks/tariffs.ts, tariff-tx.ts, I07/I08) priced the transaction (costDetails of the Ended event, incl. tax; the
// CSMS's cost updates are then not used, as for maxCost in E16.FR.16), else the CSMS's totalCost of the Ended
// transaction (else its last running cost), see C21 in docs/conformance-status.json. The sessions, holds and display
// are kept in ../payment-state.ts; the running cost, incremental authorization and settlement (C20–C23) are in
// ../payment-settlement.ts.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { EvseState, IdToken, TransactionLimit } from '../evse.ts';
import type { Station } from '../station.ts';
import { PaymentTerminal, type PaymentCard, type TerminalPayment } from '../payment-terminal.ts';
import { supportedLimits, LIMIT_FIELDS } from '../tx-limits.ts';
import { endTx } from '../tx-engine.ts';
import { notify, now, paymentState, show, stateOf, type PaymentState, type Session } from '../payment-state.ts';
import { watchSettlement } from '../payment-settlement.ts';
import { presentToken, type Decision } from './authorization.ts';
import { startRefusal } from '../start-gate.ts';
import { is21 } from './tariffs.ts';
import { QR_PARAMETERS, buildQrUrl, templateProblem, totpV1, type QrLimits } from '../web-payment-qr.ts';

export { paymentDisplay, paymentTerminal } from '../payment-state.ts';

/** [C18] step 4: idToken = PspRef, type DirectPayment, additionalInfo = the PaymentCtrlr.PaymentDetails the terminal has. */
function paymentToken(st: Station, p: TerminalPayment): IdToken {
  const merchant = st.str('PaymentCtrlr', 'Merchant', '', 'Id');
  const additionalInfo = st.list('PaymentCtrlr', 'PaymentDetails')
    .map((type) => ({ type, additionalIdToken: PaymentTerminal.detail(p, type, merchant) }))
    .filter((a): a is { type: string; additionalIdToken: string } => a.additionalIdToken !== undefined);
  return { idToken: p.pspRef, type: 'DirectPayment', ...(additionalInfo.length ? { additionalInfo } : {}) };
}

export interface PaymentResult { status: string; evseId?: number; pspRef?: string }

/** The driver presents a payment card at the integrated terminal, for EVSE `evseId` (default: the one with an EV waiting, else a free one). */
export async function presentPaymentCard(st: Station, card: PaymentCard = {}, evseId?: number): Promise<PaymentResult> {
  const s = paymentState(st);
  const terminal = s?.terminal;
  if (!is21(st) || !terminal || !st.bool('PaymentCtrlr', 'Enabled', false)) return { status: 'NotSupported' };
  if (terminal.problem) return { status: 'TerminalProblem' };
  // Before the terminal reserves an amount: an EVSE where a new idToken may start (start-gate.ts: Unavailable, Faulted,
  // Occupied, [C25.FR.22] WebPaymentPending, Reserved; the PspRef is not known yet, so any other token's transaction
  // and any reservation are in the way).
  const refusal = (e: EvseState): string | undefined => startRefusal(st, e, 'local', undefined, {});
  const evse = evseId !== undefined ? st.evses.find((e) => e.id === evseId)
    : st.evses.find((e) => e.plugged !== undefined && !refusal(e)) ?? st.evses.find((e) => !e.tx && !refusal(e));
  if (!evse) return { status: 'NoEvseAvailable' };
  const refused = refusal(evse);
  if (refused) return { status: refused, evseId: evse.id };
  // [C18.FR.01] the terminal reserves PaymentCtrlr.AuthorizationAmount; [C18.FR.02] it asks its PSP to authorize the card.
  const amount = st.num('PaymentCtrlr', 'AuthorizationAmount', 0);
  const r = await terminal.authorize(card, amount);
  if (!r.ok) {
    // C18 error handling: declined or no PSP -> not authorized (and with AuthorizeDirectPayment no Authorize either).
    show(st, evse.id, `Payment ${r.status.toLowerCase()}: ${r.reason}`);
    return { status: r.status, evseId: evse.id };
  }
  const pspRef = r.payment.pspRef;
  const idToken = paymentToken(st, r.payment);
  const viaCsms = st.bool('PaymentCtrlr', 'AuthorizeDirectPayment', false);
  const session: Session = { pspRef, evseId: evse.id, authorized: amount, viaCsms };
  s.sessions.push(session); // before the authorization: its first TransactionEvent may follow at once (seedPaymentLimits)
  let csms: OcppTypes.IdTokenInfoType | undefined;
  const decide = async (): Promise<Decision | undefined> => {
    // [C18.FR.03] AuthorizeDirectPayment false: the PSP's approval authorizes the EV.
    if (!viaCsms) return { info: { status: 'Accepted' }, offline: !st.connected };
    // [C18.FR.04] AuthorizeDirectPayment true: Authorize(idToken = PspRef, DirectPayment, additionalInfo); never cached.
    const resp = await st.call('Authorize', { idToken });
    csms = resp?.idTokenInfo;
    return resp ? { info: resp.idTokenInfo, offline: false } : undefined;
  };
  // [C18.FR.05] Accepted -> authorized, unless [C01.FR.21] the EVSE is not in idTokenInfo.evseId (authorization.ts).
  const res = await presentToken(st, idToken, evse.id, decide);
  if (res.status === 'Accepted') {
    show(st, evse.id, `Payment authorized: ${amount}`);
    return { status: 'Accepted', evseId: evse.id, pspRef };
  }
  // [C18.FR.07] not authorized: release the amount and cancel the payment. When the CSMS had accepted the idToken
  // (the EVSE was taken meanwhile), it is told like a cancelation before the transaction (C19.FR.02).
  s.sessions.splice(s.sessions.indexOf(session), 1);
  await terminal.cancel(pspRef);
  if (viaCsms && csms?.status === 'Accepted' && res.status !== 'NotAllowedAtEvse') await notify(st, { pspRef, status: 'Canceled', settlementAmount: 0, settlementTime: now(st) });
  show(st, evse.id, `Payment canceled: ${res.status}`);
  return { status: res.status, evseId: evse.id, pspRef };
}

/** The payment session of an EVSE: authorized there and not yet in a transaction, or of its ongoing transaction. */
function sessionOn(s: PaymentState, evse: EvseState): Session | undefined {
  return s.sessions.find((x) => x.evseId === evse.id && ((evse.tx !== undefined && x.transactionId === evse.tx.id)
    || (!x.transactionId && evse.auth?.idToken.type === 'DirectPayment' && evse.auth.idToken.idToken === x.pspRef)));
}

/** [C19.FR.01] release the amount and cancel; [C19.FR.02] with AuthorizeDirectPayment tell the CSMS (no transactionId). */
async function cancelBeforeTx(st: Station, s: PaymentState, session: Session): Promise<void> {
  s.sessions.splice(s.sessions.indexOf(session), 1);
  await s.terminal?.cancel(session.pspRef);
  show(st, session.evseId, 'Payment canceled');
  if (session.viaCsms) await notify(st, { pspRef: session.pspRef, status: 'Canceled', settlementAmount: 0, settlementTime: now(st) });
}

/**
 * The driver cancels the payment session at the terminal. Before a transaction (C19): the authorization ends and
 * the payment is canceled. After the start (C20): [C20.FR.01] Ended(StopAuthorized) — whatever TxStopPoint says,
 * the payment is over — and the total cost (local tariff, else the CSMS's totalCost) decides between cancelation
 * (C20) and settlement (C21).
 */
export async function cancelPayment(st: Station, evseId: number): Promise<PaymentResult> {
  const s = paymentState(st);
  const evse = st.evse(evseId);
  const session = s && sessionOn(s, evse);
  if (!s || !session) return { status: 'NoPayment', evseId };
  if (!session.transactionId) {
    st.clock.clearTimeout(evse.evTimeout);
    evse.auth = undefined;
    st.refresh(evse, 'StopAuthorized');
    await cancelBeforeTx(st, s, session);
    return { status: 'Canceled', evseId, pspRef: session.pspRef };
  }
  endTx(st, evse, 'StopAuthorized', 'Local');
  st.refresh(evse, 'StopAuthorized');
  return { status: 'Stopped', evseId, pspRef: session.pspRef };
}

/**
 * Hook of the EVConnectionTimeOut (authorization.ts armEvTimeout) when no transaction had started: [C19.FR.01]
 * a payment authorized at this EVSE is canceled, [C19.FR.02] and reported when the CSMS knew it.
 */
export function paymentAuthorizationExpired(st: Station, evse: EvseState): void {
  const s = paymentState(st);
  const session = s && !evse.tx ? sessionOn(s, evse) : undefined;
  if (s && session) void cancelBeforeTx(st, s, session);
}

/**
 * The block's decorateTxEvent hook (block.ts), for the first TransactionEvent that carries the authorizing idToken: the
 * limits that come with a payment authorization, reported in that event's transactionInfo.transactionLimit (with the
 * other limits in force) and enforced (E16): [C18.FR.06] maxCost = the amount authorized on the card; [C25.FR.04]
 * [C25.FR.05] [C25.FR.06] the limits the driver entered for the QR code, for the DirectPayment remote start that
 * follows the web payment.
 */
function seedPaymentLimits(st: Station, evse: EvseState, ev: OcppTypes.TransactionEventRequest): void {
  const s = paymentState(st);
  const tx = evse.tx;
  const token = evse.auth?.idToken;
  if (!s || !tx || !ev.idToken || ev.idToken !== token || token.type !== 'DirectPayment' || !is21(st)) return;
  const session = s.sessions.find((x) => x.pspRef === token.idToken && !x.transactionId);
  let limit: TransactionLimit | undefined;
  if (session) limit = { maxCost: session.authorized };
  else if (evse.auth?.remoteStartId !== undefined) {
    const key = s.qr.has(evse.id) ? evse.id : 0;
    limit = s.qr.get(key);
    s.qr.delete(key);
  }
  const supported = supportedLimits(st);
  const ok: TransactionLimit = {};
  for (const f of LIMIT_FIELDS) if (limit?.[f] !== undefined && supported.has(f)) ok[f] = limit[f];
  if (!Object.keys(ok).length) return;
  const l = (tx.limits ??= { current: {}, csms: {} });
  Object.assign(l.current, ok);
  ev.transactionInfo.transactionLimit = { ...l.current };
  l.report = undefined;
}

/** The driver enters a VAT number for the receipt: [C18.FR.08] VatNumberValidation; an Accepted one goes into NotifySettlement. */
export async function validateVatNumber(st: Station, vatNumber: string, evseId?: number): Promise<OcppTypes.VatNumberValidationResponse | undefined> {
  if (!is21(st)) throw new Error('VatNumberValidation needs OCPP 2.1');
  const resp = await st.call('VatNumberValidation', { vatNumber, ...(evseId !== undefined ? { evseId } : {}) });
  const s = paymentState(st);
  const session = s?.sessions.find((x) => evseId === undefined || x.evseId === evseId);
  if (session && resp?.status === 'Accepted') session.vat = { vatNumber: resp.vatNumber || vatNumber, ...(resp.company ? { vatCompany: resp.company } : {}) };
  return resp;
}

/**
 * What the driver's phone reads from the station's display for EVSE `evseId`: the URL of the dynamic QR code (C25),
 * with the limits the driver entered first. Throws when the station shows no dynamic QR code.
 */
export function scanQr(st: Station, evseId?: number, limits: QrLimits = {}): string {
  if (!is21(st)) throw new Error('web payments (C25) need OCPP 2.1');
  // [C25.FR.01] only when WebPaymentsCtrlr exists and is Enabled.
  if (!st.bool('WebPaymentsCtrlr', 'Enabled', false)) throw new Error('no dynamic QR code: WebPaymentsCtrlr absent or not Enabled');
  const template = st.str('WebPaymentsCtrlr', 'URLTemplate', '');
  const bad = templateProblem(template);
  if (bad) throw new Error(bad);
  const version = st.str('WebPaymentsCtrlr', 'TOTPVersion', 'v1');
  if (version !== 'v1') throw new Error(`TOTP version ${version} is not supported`);
  if (evseId !== undefined) st.evse(evseId);
  if (evseId === undefined && /\{(evse|roamingevseid)\}/.test(template)) throw new Error('the URL template names an EVSE: give one');
  // [C25.FR.03] only the URL parameters in WebPaymentsCtrlr.URLParameters; each is enforced as a transaction limit (E16).
  const params = st.list('WebPaymentsCtrlr', 'URLParameters');
  const supported = supportedLimits(st);
  for (const [f, p] of QR_PARAMETERS) {
    if (limits[f] !== undefined && (!params.includes(p) || !supported.has(f))) throw new Error(`URL parameter ${p} is not supported`);
  }
  const totp = totpV1(st.str('WebPaymentsCtrlr', 'SharedSecret', ''), st.num('WebPaymentsCtrlr', 'ValidityTime', 30), st.num('WebPaymentsCtrlr', 'Length', 8), st.clock.now());
  const roaming = evseId !== undefined ? st.dm.value({ name: 'WebPaymentsCtrlr', evse: { id: evseId } }, { name: 'RoamingEvseId' }) : undefined;
  const url = buildQrUrl(template, {
    // [C25.FR.51] SecurityCtrlr.Identity (WebPaymentsCtrlr.ChargingStationId when set), [C25.FR.52] the EVSE number,
    // [C25.FR.53] WebPaymentsCtrlr.RoamingEvseId of the EVSE, the TOTP and its version.
    chargingstationid: st.str('WebPaymentsCtrlr', 'ChargingStationId', '') || st.str('SecurityCtrlr', 'Identity', st.opts.identity),
    ...(evseId !== undefined ? { evse: String(evseId) } : {}), ...(roaming ? { roamingevseid: roaming } : {}),
    totp, version,
  }, limits); // [C25.FR.04]..[C25.FR.06] [C25.FR.56]..[C25.FR.58] [C25.FR.57] maxtime (s), maxenergy (Wh), maxcost as query parameters
  const s = stateOf(st);
  const entered: TransactionLimit = {};
  for (const [f] of QR_PARAMETERS) if (limits[f] !== undefined) entered[f] = limits[f];
  if (Object.keys(entered).length) s.qr.set(evseId ?? 0, entered); else s.qr.delete(evseId ?? 0);
  show(st, evseId ?? 0, url);
  return url;
}

/** [C25.FR.22] an EVSE held for a web payment: no locally started transaction (authorization.ts presentToken). */
export function webPaymentPending(st: Station, evse: EvseState): boolean {
  return paymentState(st)?.locks.has(evse.id) ?? false;
}

export const block: Block = {
  id: 'C17-C25',
  name: 'Ad hoc payments',
  decorateTxEvent: seedPaymentLimits,
  handlers: {
    // [C25.FR.27] answered without parameters; [C25.FR.22] feedback to the driver and the EVSE held for `timeout`
    // seconds or until a RequestStartTransaction arrives.
    NotifyWebPaymentStarted: (st, req) => {
      const evse = st.evses.find((e) => e.id === req.evseId);
      if (evse && req.timeout > 0) {
        const s = stateOf(st);
        st.clock.clearTimeout(s.locks.get(evse.id));
        s.locks.set(evse.id, st.clock.setTimeout(() => { s.locks.delete(evse.id); show(st, evse.id, ''); }, req.timeout * 1000));
        show(st, evse.id, 'QR code scanned: complete the payment on your phone');
      }
      return {};
    },
  },
  init: (st) => {
    const opts = st.opts.payments;
    if (!opts?.terminal && !opts?.web) return;
    const s = stateOf(st);
    if (opts.terminal) {
      const terminal = (s.terminal = new PaymentTerminal(typeof opts.terminal === 'object' ? opts.terminal : {}));
      st.dm.bindReader({ name: 'PaymentCtrlr' }, { name: 'Connected' }, () => String(terminal.pspOnline));
      st.dm.bindReader({ name: 'PaymentCtrlr' }, { name: 'Problem' }, () => String(terminal.problem));
      const types = st.list('AuthCtrlr', 'SupportedIdTokenTypes');
      if (types.length && !types.includes('DirectPayment')) st.dm.setInternal({ name: 'AuthCtrlr' }, { name: 'SupportedIdTokenTypes' }, [...types, 'DirectPayment'].join(','));
    }
    if (opts.web) {
      // WebPaymentsCtrlr.SharedSecret: "set to a random value on first boot".
      if (!st.str('WebPaymentsCtrlr', 'SharedSecret', '')) {
        st.dm.setInternal({ name: 'WebPaymentsCtrlr' }, { name: 'SharedSecret' }, randomBytes(24).toString('base64url'));
        if (st.opts.dataDir) st.dm.saveTo(join(st.opts.dataDir, 'device-model.json'));
      }
      // [C25.FR.50] a URLTemplate without the mandatory placeholders is refused.
      st.dm.addSetGuard(({ component, variable, value }) => {
        const bad = component.name === 'WebPaymentsCtrlr' && variable.name === 'URLTemplate' ? templateProblem(value) : undefined;
        return bad ? { reasonCode: 'InvalidValue', additionalInfo: `${bad} (C25.FR.50)` } : undefined;
      });
    }
    // A payment session learns its transaction from the first TransactionEvent with its idToken.
    st.on('transactionEvent', (ev) => {
      if (ev.idToken?.type !== 'DirectPayment') return;
      const session = s.sessions.find((x) => x.pspRef === ev.idToken!.idToken && !x.transactionId);
      if (session) session.transactionId = ev.transactionInfo.transactionId;
    });
    watchSettlement(st, s); // C20–C23: running cost, settlement when the transaction ends (payment-settlement.ts)
  },
};
