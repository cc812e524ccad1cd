// A queued offline TransactionEvent (offline = true, E04.FR.03 / E12.FR.02) arrives late; its token is judged at
// the event's timestamp (E05.FR.01 with the TransactionEventRequest timestamp): expiryDate, validFrom and the
// weekly schedule as they were when the driver used the token, not when the station got back online.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { IdTokenType, TransactionEventRequest } from '@chargewire/ocpp/types';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import type { IdTokenInput, Weekday } from '../store/records.ts';
import { tokenDecisionInstant, transactionEvent } from './transactions.ts';

const HOUR = 3_600_000;
const ALL_DAYS: Weekday[] = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const tok = (idToken: string): IdTokenType => ({ idToken, type: 'ISO14443' });
const hhmm = (h: number) => `${String(h).padStart(2, '0')}:00`;

let n = 0;
const event = (idToken: string, o: { offline: boolean; at: number; eventType?: 'Started' | 'Ended'; id?: string }): TransactionEventRequest => ({
  eventType: o.eventType ?? 'Started', timestamp: new Date(o.at).toISOString(), triggerReason: o.eventType === 'Ended' ? 'StopAuthorized' : 'Authorized',
  seqNo: o.eventType === 'Ended' ? 1 : 0, transactionInfo: { transactionId: o.id ?? `tx-${++n}` }, evse: { id: 1, connectorId: 1 }, idToken: tok(idToken),
  ...(o.offline && { offline: true }),
});

async function withToken(t: Omit<IdTokenInput, 'type' | 'status'>) {
  const h = await blockHarness({ version: '2.1' });
  await h.station.call('BootNotification', aBootNotification());
  await h.store.upsertIdToken({ type: 'ISO14443', status: 'Accepted', ...t });
  const status = async (req: TransactionEventRequest) => (await transactionEvent(h.ctx(`m${++n}`), req)).idTokenInfo;
  return { h, status };
}

describe('E05.FR.01 offline transaction events: the token is judged at the event timestamp', () => {
  test('[E05.FR.01] [E04.FR.03] a token that expired after the offline start is Accepted for it (Expired when online)', async () => {
    const now = Date.now();
    const { status } = await withToken({ idToken: 'LATE', expiryDate: new Date(now - HOUR).toISOString() });
    const offline = await status(event('LATE', { offline: true, at: now - 2 * HOUR }));
    assert.equal(offline?.status, 'Accepted');
    // the station keeps nothing in its cache for it: the cache expiry is the token's expiry, already past (C10.FR.10)
    assert.equal(offline?.cacheExpiryDateTime, new Date(now - HOUR).toISOString());
    assert.equal((await status(event('LATE', { offline: false, at: now - 2 * HOUR })))?.status, 'Expired');
  });

  test('[E05.FR.01] [C15.FR.02] the offline Ended event of such a transaction is Accepted too; online events are judged now', async () => {
    const now = Date.now();
    const { status } = await withToken({ idToken: 'END', expiryDate: new Date(now - HOUR).toISOString() });
    assert.equal((await status(event('END', { offline: true, at: now - 3 * HOUR, id: 'tx-end' })))?.status, 'Accepted');
    assert.equal((await status(event('END', { offline: true, at: now - 2 * HOUR, id: 'tx-end', eventType: 'Ended' })))?.status, 'Accepted');
    assert.equal((await status(event('END', { offline: false, at: now, id: 'tx-end-2', eventType: 'Started' })))?.status, 'Expired');
  });

  test('[E05.FR.01] [C01.FR.07] validFrom: an offline start before validFrom is NotAtThisTime, though the token is valid now', async () => {
    const now = Date.now();
    const { status } = await withToken({ idToken: 'EARLY', validFrom: new Date(now - HOUR).toISOString() });
    const offline = await status(event('EARLY', { offline: true, at: now - 2 * HOUR }));
    assert.equal(offline?.status, 'NotAtThisTime');
    assert.equal(offline?.cacheExpiryDateTime, new Date(now - HOUR).toISOString());
    assert.equal((await status(event('EARLY', { offline: false, at: now - 2 * HOUR })))?.status, 'Accepted');
  });

  test('[E05.FR.01] [C01.FR.07] schedule: an offline start inside the window is Accepted after the window has closed', async () => {
    const now = Date.now();
    const at = now - 3 * HOUR;
    const h = new Date(at).getUTCHours();
    // one hour a day (UTC) around the event; three hours later it is closed
    const schedule = { timeZone: 'UTC', windows: [{ days: ALL_DAYS, from: hhmm(h), to: hhmm(h + 1) }] };
    const { status } = await withToken({ idToken: 'SHIFT', schedule });
    const offline = await status(event('SHIFT', { offline: true, at }));
    assert.equal(offline?.status, 'Accepted');
    // cached no longer than that window, which has already ended (C10.FR.13)
    assert.equal(offline?.cacheExpiryDateTime, new Date(Math.floor(at / HOUR) * HOUR + HOUR).toISOString());
    assert.equal((await status(event('SHIFT', { offline: false, at })))?.status, 'NotAtThisTime');
  });

  test('[E05.FR.01] an offline timestamp ahead of the CSMS clock is judged at now (no validFrom reached early)', async () => {
    const now = Date.now();
    const { status } = await withToken({ idToken: 'AHEAD', validFrom: new Date(now + HOUR).toISOString() });
    assert.equal((await status(event('AHEAD', { offline: true, at: now + 2 * HOUR })))?.status, 'NotAtThisTime');
  });

  test('tokenDecisionInstant: only offline events, never after now, unreadable timestamps mean now', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    assert.equal(tokenDecisionInstant({ timestamp: '2026-05-01T10:00:00Z' }, now), undefined);
    assert.equal(tokenDecisionInstant({ offline: false, timestamp: '2026-05-01T10:00:00Z' }, now), undefined);
    assert.equal(tokenDecisionInstant({ offline: true, timestamp: '2026-05-01T10:00:00Z' }, now), Date.parse('2026-05-01T10:00:00Z'));
    assert.equal(tokenDecisionInstant({ offline: true, timestamp: '2026-05-01T13:00:00Z' }, now), now);
    assert.equal(tokenDecisionInstant({ offline: true, timestamp: 'yesterday' }, now), undefined);
  });
});
