// Shared by the ad hoc payment conformance tests (fr-c-payments*.test.ts): a station with a payment terminal
// and/or web payments against a scripted CSMS that answers NotifySettlement and the Ended event's totalCost.
import type { OcppTypes } from '@chargewire/ocpp';
import { harness } from '../testing/harness.ts';
import { paymentTerminal } from '../blocks/payments.ts';
import { QUIET } from './sequence.ts';

export type Ev = OcppTypes.TransactionEventRequest;
export type Settlement = OcppTypes.NotifySettlementRequest;
export const MIN = 60_000;
export const T0 = '2025-01-01T00:00:00.000Z';
export const brief = (e: Ev): string => `${e.eventType}(${e.triggerReason},${e.transactionInfo.chargingState}${e.transactionInfo.stoppedReason ? `,${e.transactionInfo.stoppedReason}` : ''})`;
export const POINTS = { ...QUIET, 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized' };
export const CARD = { pan: '5500000000000004', brand: 'Mastercard' };

/** A station with a payment terminal; the CSMS answers the Ended event with `cost.total` (when set). */
export async function withTerminal(variables: Record<string, string> = {}, replies: Record<string, (req: any) => any> = {}, payments: object = { terminal: true }) {
  const cost: { total?: number } = {};
  const h = await harness({
    version: '2.1', payments, variables: { ...POINTS, ...variables },
    replies: {
      NotifySettlement: () => ({}),
      TransactionEvent: (req: Ev) => (req.eventType === 'Ended' && cost.total !== undefined ? { totalCost: cost.total } : {}),
      ...replies,
    },
  });
  return { ...h, cost, terminal: paymentTerminal(h.st)!, settlements: () => h.csms.of('NotifySettlement') as Settlement[] };
}
