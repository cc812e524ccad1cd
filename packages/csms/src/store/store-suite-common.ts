// Shared pieces of the Store conformance suite (store-suite.ts): times, a TransactionEvent builder, the error check
// and the context its sections (store-suite-stations.ts, store-suite-transactions.ts) run in.
import assert from 'node:assert/strict';
import type { TransactionEventRequest } from '@chargewire/ocpp/types';
import { StoreError, type Store } from './store.ts';

export const T0 = Date.parse('2025-01-01T10:00:00.000Z');
export const at = (s: number) => new Date(T0 + s * 1000).toISOString();
export const cs = { model: 'M1', vendorName: 'V' };

export function txEvent(o: Partial<TransactionEventRequest> & { id: string; seqNo: number; t: number; wh?: number }): TransactionEventRequest {
  const { id, t, wh, ...rest } = o;
  return {
    eventType: 'Updated',
    triggerReason: 'MeterValuePeriodic',
    timestamp: at(t),
    transactionInfo: { transactionId: id },
    ...(wh !== undefined && { meterValue: [{ timestamp: at(t), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }] }),
    ...rest,
  };
}

export async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof StoreError && e.code === code);
}

/** What the sections share with the suite's describe block (tests run in registration order). */
export interface SuiteContext {
  /** The adapter's name, as passed to runStoreSuite. */
  name: string;
  makeStore: () => Promise<Store>;
  cleanup: (s: Store) => Promise<void>;
  /** The shared store, opened by the suite's before hook (read it in a before hook registered after that one). */
  store: () => Store;
  /** A fresh station id (CS-1, CS-2, …), one counter for the whole suite. */
  sid: () => string;
  /** Registers a station (securityProfile 1, passwordHash 'h1') in the shared store; returns its id. */
  newStation: (id?: string) => Promise<string>;
}
