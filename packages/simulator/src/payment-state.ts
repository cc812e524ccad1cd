// The state of the ad hoc payments of a station (blocks/payments.ts, OCPP 2.1 C18–C25): the payment sessions of
// the integrated terminal, the web payment holds and QR code limits, what the display shows, and the NotifySettlement
// requests that wait for a connection. Settlement itself is in payment-settlement.ts.
import { EventEmitter } from 'node:events';
import type { OcppTypes } from '@chargewire/ocpp';
import type { TimerHandle } from './clock.ts';
import type { TransactionLimit } from './evse.ts';
import type { PaymentTerminal } from './payment-terminal.ts';
import type { Station } from './station.ts';

export type SettlementReq = OcppTypes.NotifySettlementRequest;

/** One ad hoc payment made at the station's terminal, from the card until settlement or cancelation. */
export interface Session {
  pspRef: string;
  evseId: number;
  /** Amount reserved on the card now (AuthorizationAmount plus increments, C23). */
  authorized: number;
  /** PaymentCtrlr.AuthorizeDirectPayment was true: the CSMS knows the idToken (C19.FR.02). */
  viaCsms: boolean;
  transactionId?: string;
  /** Last running cost of the transaction from the CSMS (TransactionEventResponse / CostUpdated). */
  cost?: number;
  incrementing?: boolean;
  /** Authorized amount at which an increment was declined: not asked again at that amount. */
  declinedAt?: number;
  vat?: { vatNumber: string; vatCompany?: OcppTypes.AddressType };
}

export interface PaymentState {
  terminal?: PaymentTerminal;
  sessions: Session[];
  /** The driver's limits entered for the QR code of an EVSE (0: QR code without EVSE), C25.FR.03. */
  qr: Map<number, TransactionLimit>;
  /** EVSEs held for a web payment (NotifyWebPaymentStarted, C25.FR.22). */
  locks: Map<number, TimerHandle>;
  /** NotifySettlement requests that wait for a connection. */
  pending: SettlementReq[];
  /** What the station's display shows per EVSE (0: the whole station); 'display' events as well. */
  display: Map<number, string>;
  events: EventEmitter<{ display: [{ evseId: number; text: string }] }>;
}

const STATES = new WeakMap<Station, PaymentState>();
export const now = (st: Station): string => new Date(st.clock.now()).toISOString();

/** The payment state of a station, if it has one yet. */
export const paymentState = (st: Station): PaymentState | undefined => STATES.get(st);

export function stateOf(st: Station): PaymentState {
  let s = STATES.get(st);
  if (s) return s;
  s = { sessions: [], qr: new Map(), locks: new Map(), pending: [], display: new Map(), events: new EventEmitter() };
  STATES.set(st, s);
  const state = s;
  // [C25.FR.22] a RequestStartTransaction ends the hold of a web payment (on its EVSE; without evseId all of them).
  st.on('request', (r) => {
    if (r.action !== 'RequestStartTransaction') return;
    const id = (r.payload as OcppTypes.RequestStartTransactionRequest).evseId;
    for (const [evseId, h] of state.locks) if (id === undefined || id === evseId) { st.clock.clearTimeout(h); state.locks.delete(evseId); }
  });
  return s;
}

export function show(st: Station, evseId: number, text: string): void {
  const s = stateOf(st);
  s.display.set(evseId, text);
  s.events.emit('display', { evseId, text });
}

/** What the display of an EVSE shows (payment feedback, receipt URL), and the emitter of 'display' events. */
export function paymentDisplay(st: Station): { display: ReadonlyMap<number, string>; events: PaymentState['events'] } {
  const s = stateOf(st);
  return { display: s.display, events: s.events };
}

export function paymentTerminal(st: Station): PaymentTerminal | undefined { return STATES.get(st)?.terminal; }

/** NotifySettlement; without a connection it waits for the next one. */
export async function notify(st: Station, req: SettlementReq): Promise<OcppTypes.NotifySettlementResponse | undefined> {
  const resp = await st.call('NotifySettlement', req);
  if (!resp && !(st.connected && st.registration === 'Accepted')) stateOf(st).pending.push(req);
  return resp;
}

/** Send the NotifySettlement requests that waited for a connection. */
export function flush(st: Station): void {
  const s = STATES.get(st);
  if (!s?.pending.length) return;
  st.afterResponse(async () => {
    while (s.pending.length && st.connected && st.registration === 'Accepted') await notify(st, s.pending.shift()!);
  });
}
