import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { IdTokenType, SendLocalListRequest, TransactionEventRequest } from '@chargewire/ocpp/types';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { StoreError } from '../store/store.ts';
import type { IdTokenSchedule, Weekday } from '../store/records.ts';
import { authorize, resolveIdToken } from './authorization.ts';
import { scheduleState } from './authorization-restrictions.ts';
import { sendLocalList } from './local-auth-list.ts';
import { transactionEvent } from './transactions.ts';

const tok = (idToken: string, type = 'ISO14443'): IdTokenType => ({ idToken, type });
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const WORKDAYS: Weekday[] = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'];
const ALL_DAYS: Weekday[] = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const office: IdTokenSchedule = { timeZone: 'Europe/Amsterdam', windows: [{ days: WORKDAYS, from: '07:00', to: '19:00' }] };

const startTx = (id: string, idToken: string): TransactionEventRequest => ({
  eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: id }, evse: { id: 1, connectorId: 1 }, idToken: tok(idToken),
});

async function booted() {
  const h = await blockHarness({ version: '2.1' });
  await h.station.call('BootNotification', aBootNotification());
  return h;
}
type H = Awaited<ReturnType<typeof booted>>;
const resolve = (h: H, idToken: string, o: { stationId?: string; evseId?: number; now?: number; purpose?: 'authorize' | 'start' | 'transaction' } = {}) =>
  resolveIdToken(h.runtime, { stationId: o.stationId ?? 'CS001', idToken: tok(idToken), purpose: o.purpose ?? 'authorize', ...(o.evseId !== undefined && { evseId: o.evseId }), ...(o.now !== undefined && { now: o.now }) }).then((r) => r.idTokenInfo);

describe('weekly schedule zone math (Intl)', () => {
  test('working hours in Europe/Amsterdam: inside until 19:00 local, then closed until Monday 07:00 (CET and CEST)', () => {
    // Friday 27 March 2026 is still CET (+01:00); Monday 30 March is CEST (+02:00)
    assert.deepEqual(scheduleState(office, at('2026-03-27T10:00:00Z')), { inside: true, next: at('2026-03-27T18:00:00Z') });
    assert.deepEqual(scheduleState(office, at('2026-03-27T18:00:00Z')), { inside: false, next: at('2026-03-30T05:00:00Z') });
    assert.deepEqual(scheduleState(office, at('2026-03-28T12:00:00Z')), { inside: false, next: at('2026-03-30T05:00:00Z') });
    assert.deepEqual(scheduleState(office, at('2026-03-30T05:00:00Z')), { inside: true, next: at('2026-03-30T17:00:00Z') });
  });

  test('DST spring forward: a window ending in the skipped hour (02:30) ends at the jump', () => {
    const night: IdTokenSchedule = { timeZone: 'Europe/Amsterdam', windows: [{ days: ['Sun'], from: '00:00', to: '02:30' }] };
    // 29 March 2026: 02:00 CET jumps to 03:00 CEST at 01:00Z
    assert.deepEqual(scheduleState(night, at('2026-03-29T00:10:00Z')), { inside: true, next: at('2026-03-29T01:00:00Z') });
    assert.equal(scheduleState(night, at('2026-03-29T01:00:00Z')).inside, false);
  });

  test('DST fall back: the repeated hour is judged twice (02:00–02:30 is inside in summer and in winter time)', () => {
    const night: IdTokenSchedule = { timeZone: 'Europe/Amsterdam', windows: [{ days: ['Sun'], from: '00:00', to: '02:30' }] };
    // 25 October 2026: 03:00 CEST goes back to 02:00 CET at 01:00Z
    assert.deepEqual(scheduleState(night, at('2026-10-25T00:10:00Z')), { inside: true, next: at('2026-10-25T00:30:00Z') });
    assert.deepEqual(scheduleState(night, at('2026-10-25T00:40:00Z')), { inside: false, next: at('2026-10-25T01:00:00Z') });
    assert.deepEqual(scheduleState(night, at('2026-10-25T01:10:00Z')), { inside: true, next: at('2026-10-25T01:30:00Z') });
  });

  test('overnight windows continue on the next day; the next one is found across a DST change (America/New_York)', () => {
    const nights: IdTokenSchedule = { timeZone: 'America/New_York', windows: [{ days: ['Fri'], from: '22:00', to: '06:00' }] };
    // Friday 6 March 2026 23:00 EST = Saturday 04:00Z, open until Saturday 06:00 EST; the US switches to EDT on 8 March
    assert.deepEqual(scheduleState(nights, at('2026-03-07T04:00:00Z')), { inside: true, next: at('2026-03-07T11:00:00Z') });
    assert.deepEqual(scheduleState(nights, at('2026-03-07T12:00:00Z')), { inside: false, next: at('2026-03-14T02:00:00Z') });
  });

  test('a schedule covering the whole week never flips; to = 24:00 ends at midnight', () => {
    assert.deepEqual(scheduleState({ timeZone: 'UTC', windows: [{ days: ALL_DAYS, from: '00:00', to: '24:00' }] }, at('2026-06-01T12:00:00Z')), { inside: true });
    assert.equal(iso(scheduleState({ timeZone: 'UTC', windows: [{ days: ['Mon'], from: '20:00', to: '24:00' }] }, at('2026-06-01T21:00:00Z')).next), '2026-06-02T00:00:00.000Z');
  });
});

describe('C01 location restrictions', () => {
  test('[C01.FR.22] a token limited by stationIds is Accepted at its stations and NotAtThisLocation elsewhere, over the wire too', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'HOME', type: 'ISO14443', status: 'Accepted', stationIds: ['CS001', 'CS009'] });
    await h.store.upsertIdToken({ idToken: 'AWAY', type: 'ISO14443', status: 'Accepted', stationIds: ['CS002'] });
    assert.deepEqual(await resolve(h, 'HOME'), { status: 'Accepted' });
    assert.deepEqual(await resolve(h, 'HOME', { stationId: 'CS002' }), { status: 'NotAtThisLocation' });
    const res = await h.station.call('Authorize', { idToken: tok('AWAY') });
    assert.deepEqual(res.idTokenInfo, { status: 'NotAtThisLocation' });
    const started = await transactionEvent(h.ctx(), startTx('tx-away', 'AWAY'));
    assert.equal(started.idTokenInfo?.status, 'NotAtThisLocation');
  });

  test('[C01.FR.20] [C01.FR.18] [C01.FR.22] per-station evses win over evseIds; other stations keep evseIds (C01.FR.19 when none)', async () => {
    const h = await booted();
    await h.store.upsertIdToken({
      idToken: 'FLEET', type: 'ISO14443', status: 'Accepted', evseIds: [1],
      evses: [{ stationId: 'CS001', evseIds: [2, 3] }, { stationId: 'CS003', evseIds: [] }],
    });
    assert.deepEqual(await resolve(h, 'FLEET'), { status: 'Accepted', evseId: [2, 3] });
    assert.deepEqual(await resolve(h, 'FLEET', { evseId: 1, purpose: 'start' }), { status: 'NotAllowedTypeEVSE' });
    assert.deepEqual(await resolve(h, 'FLEET', { evseId: 3, purpose: 'start' }), { status: 'Accepted', evseId: [2, 3] });
    assert.deepEqual(await resolve(h, 'FLEET', { stationId: 'CS002' }), { status: 'Accepted', evseId: [1] });
    assert.deepEqual(await resolve(h, 'FLEET', { stationId: 'CS003' }), { status: 'NotAtThisLocation' });
  });
});

describe('C01 time restrictions and C10 cacheExpiryDateTime', () => {
  test('[C01.FR.07] before validFrom a token is NotAtThisTime, cached until validFrom [C10.FR.13]; after it Accepted', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'NEXT-MONTH', type: 'ISO14443', status: 'Accepted', validFrom: '2026-05-01T00:00:00.000Z', expiryDate: '2027-01-01T00:00:00.000Z' });
    assert.deepEqual(await resolve(h, 'NEXT-MONTH', { now: at('2026-04-20T00:00:00Z') }), { status: 'NotAtThisTime', cacheExpiryDateTime: '2026-05-01T00:00:00.000Z' });
    assert.deepEqual(await resolve(h, 'NEXT-MONTH', { now: at('2026-05-01T00:00:00Z') }), { status: 'Accepted', cacheExpiryDateTime: '2027-01-01T00:00:00.000Z' });
    // [C10.FR.08] expiryDate (→ Expired) is checked first
    assert.equal((await resolve(h, 'NEXT-MONTH', { now: at('2027-02-01T00:00:00Z') })).status, 'Expired');
  });

  test('[C10.FR.13] inside a window: Accepted, cached until the window ends; outside: NotAtThisTime until the next one opens', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'STAFF', type: 'ISO14443', status: 'Accepted', schedule: office });
    assert.deepEqual(await resolve(h, 'STAFF', { now: at('2026-03-27T10:00:00Z') }), { status: 'Accepted', cacheExpiryDateTime: '2026-03-27T18:00:00.000Z' });
    assert.deepEqual(await resolve(h, 'STAFF', { now: at('2026-03-28T10:00:00Z'), purpose: 'start' }), { status: 'NotAtThisTime', cacheExpiryDateTime: '2026-03-30T05:00:00.000Z' });
    // an earlier expiryDate stays the cache limit [C10.FR.08]
    await h.store.upsertIdToken({ idToken: 'STAFF', type: 'ISO14443', status: 'Accepted', schedule: office, expiryDate: '2026-03-27T12:00:00.000Z' });
    assert.deepEqual(await resolve(h, 'STAFF', { now: at('2026-03-27T10:00:00Z') }), { status: 'Accepted', cacheExpiryDateTime: '2026-03-27T12:00:00.000Z' });
  });

  test('[C10.FR.13] on the DST change day the cache limit is the real end of the window (spring forward in Europe/Amsterdam)', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'SUNDAY', type: 'ISO14443', status: 'Accepted', schedule: { timeZone: 'Europe/Amsterdam', windows: [{ days: ['Sun'], from: '01:00', to: '12:00' }] } });
    // Sunday 29 March 2026 01:30 CET: the window ends at 12:00 CEST = 10:00Z (not 11:00Z as with the morning's offset)
    assert.deepEqual(await resolve(h, 'SUNDAY', { now: at('2026-03-29T00:30:00Z') }), { status: 'Accepted', cacheExpiryDateTime: '2026-03-29T10:00:00.000Z' });
    assert.deepEqual(await resolve(h, 'SUNDAY', { now: at('2026-03-29T10:00:00Z') }), { status: 'NotAtThisTime', cacheExpiryDateTime: '2026-04-04T23:00:00.000Z' });
  });

  test('[C01.FR.07] TransactionEvent outside the window: a start is NotAtThisTime; the token ending its own transaction stays Accepted but uncacheable [C10.FR.10]', async () => {
    const h = await booted();
    const today = new Date().getUTCDay();
    const otherDays = ALL_DAYS.filter((_, i) => i !== today);
    await h.store.upsertIdToken({ idToken: 'NOT-TODAY', type: 'ISO14443', status: 'Accepted', schedule: { timeZone: 'UTC', windows: [{ days: otherDays, from: '00:00', to: '24:00' }] } });
    assert.equal((await authorize(h.ctx(), { idToken: tok('NOT-TODAY') })).idTokenInfo.status, 'NotAtThisTime');
    const start = await transactionEvent(h.ctx('m1'), startTx('tx-late', 'NOT-TODAY'));
    assert.equal(start.idTokenInfo?.status, 'NotAtThisTime');
    const before = Date.now();
    const stop = await transactionEvent(h.ctx('m2'), { ...startTx('tx-late', 'NOT-TODAY'), eventType: 'Ended', seqNo: 1, triggerReason: 'StopAuthorized', transactionInfo: { transactionId: 'tx-late', stoppedReason: 'Local' } });
    assert.equal(stop.idTokenInfo?.status, 'Accepted');
    assert.ok(Date.parse(stop.idTokenInfo!.cacheExpiryDateTime!) <= Date.now() && Date.parse(stop.idTokenInfo!.cacheExpiryDateTime!) >= before - 1000);
  });

  test('restrictions are stored with the token; the Store refuses a bad time zone, from = to and evses outside stationIds', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'R', type: 'ISO14443', status: 'Accepted', stationIds: ['CS001'], evses: [{ stationId: 'CS001', evseIds: [1] }], validFrom: '2026-01-01T01:00:00+01:00', schedule: office });
    const rec = await h.store.findIdToken('R', 'ISO14443');
    // validFrom is normalised to UTC ISO, like expiryDate
    assert.deepEqual([rec?.stationIds, rec?.evses, rec?.validFrom, rec?.schedule], [['CS001'], [{ stationId: 'CS001', evseIds: [1] }], '2026-01-01T00:00:00.000Z', office]);
    const bad = async (extra: object, field: string) => {
      await assert.rejects(h.store.upsertIdToken({ idToken: 'B', type: 'ISO14443', status: 'Accepted', ...extra }), (e: unknown) => e instanceof StoreError && e.details['field'] === field);
    };
    await bad({ schedule: { timeZone: 'Mars/Olympus_Mons', windows: office.windows } }, 'schedule.timeZone');
    await bad({ schedule: { timeZone: 'UTC', windows: [{ days: ['Mon'], from: '08:00', to: '08:00' }] } }, 'schedule.windows[0].to');
    await bad({ stationIds: ['CS001'], evses: [{ stationId: 'CS002', evseIds: [1] }] }, 'evses[0].stationId');
    await bad({ validFrom: 'tomorrow' }, 'validFrom');
  });
});

describe('D01 local list content for restricted tokens', () => {
  test('[D01.FR.16] an Accepted entry is narrowed per station: NotAtThisLocation elsewhere, the EVSE subset here, NotAtThisTime with a schedule; the stored list is what was sent', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'ELSEWHERE', type: 'ISO14443', status: 'Accepted', stationIds: ['CS002'] });
    await h.store.upsertIdToken({ idToken: 'SUBSET', type: 'ISO14443', status: 'Accepted', evses: [{ stationId: 'CS001', evseIds: [2] }] });
    await h.store.upsertIdToken({ idToken: 'OFFICE', type: 'ISO14443', status: 'Accepted', schedule: office });
    await h.store.upsertIdToken({ idToken: 'PLAIN', type: 'ISO14443', status: 'Accepted' });
    const sent: SendLocalListRequest[] = [];
    h.station.handle('SendLocalList', async (_c, req) => { sent.push(req); return { status: 'Accepted' }; });
    const entry = (id: string, status: 'Accepted' | 'Blocked' = 'Accepted') => ({ idToken: tok(id), idTokenInfo: { status, evseId: [1, 2, 3] } });
    const r = await sendLocalList(h.runtime, 'CS001', { updateType: 'Full', entries: ['ELSEWHERE', 'SUBSET', 'OFFICE', 'PLAIN', 'UNSTORED'].map((id) => entry(id)) });
    assert.equal(r.status, 'Accepted');
    assert.deepEqual(sent[0]!.localAuthorizationList!.map((e) => [e.idToken.idToken, e.idTokenInfo?.status, e.idTokenInfo?.evseId]), [
      ['ELSEWHERE', 'NotAtThisLocation', undefined],
      ['SUBSET', 'Accepted', [2]],
      ['OFFICE', 'NotAtThisTime', [1, 2, 3]],
      ['PLAIN', 'Accepted', [1, 2, 3]],
      ['UNSTORED', 'Accepted', [1, 2, 3]],
    ]);
    const byToken = (l: typeof r.list.entries) => [...l].sort((a, b) => a.idToken.idToken.localeCompare(b.idToken.idToken));
    assert.deepEqual(byToken(r.list.entries), byToken(sent[0]!.localAuthorizationList!));
    // a non-Accepted entry is sent as given (never raised); a differential update keeps the list consistent
    const d = await sendLocalList(h.runtime, 'CS001', { updateType: 'Differential', entries: [entry('PLAIN', 'Blocked'), entry('ELSEWHERE')] });
    assert.deepEqual(byToken(d.list.entries).map((e) => [e.idToken.idToken, e.idTokenInfo?.status]), [['ELSEWHERE', 'NotAtThisLocation'], ['OFFICE', 'NotAtThisTime'], ['PLAIN', 'Blocked'], ['SUBSET', 'Accepted'], ['UNSTORED', 'Accepted']]);
  });
});
