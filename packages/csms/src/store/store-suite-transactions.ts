// Store conformance suite, transaction side: id tokens, local lists, transactions and their events, meter values,
// remote starts and transaction limits.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from './store.ts';
import { at, rejectsWith, txEvent, type SuiteContext } from './store-suite-common.ts';

/** Transaction lookups (token, state, remoteStartId, times) that follow later events; runs right after the station cases. */
export function transactionLookupTests(ctx: SuiteContext): void {
  const { newStation } = ctx;
  let s!: Store;
  before(() => { s = ctx.store(); });

  test('[E01][E06] transaction lookups follow later events (token, state, remoteStartId, times set after the first event)', async () => {
    const id = await newStation();
    await s.applyTransactionEvent(id, txEvent({ id: 'X1', seqNo: 0, t: 10, triggerReason: 'CablePluggedIn' }), { receivedAt: at(10), messageId: 'x0' });
    assert.equal(await s.activeTransactionCount('late-tok'), 0);
    await s.applyTransactionEvent(id, txEvent({ id: 'X1', seqNo: 1, t: 20, triggerReason: 'Authorized', idToken: { idToken: 'Late-Tok', type: 'ISO14443' }, transactionInfo: { transactionId: 'X1', remoteStartId: 9 } }), { receivedAt: at(20), messageId: 'x1' });
    assert.equal(await s.activeTransactionCount('late-tok'), 1);
    assert.equal((await s.findTransactionByRemoteStart(id, 9))?.transactionId, 'X1');
    assert.deepEqual((await s.listTransactions({ idToken: 'LATE-TOK', limit: 10, offset: 0 })).items.map((t) => t.transactionId), ['X1']);
    // without a Started event, an earlier event arriving late moves startedAt back
    await s.applyTransactionEvent(id, txEvent({ id: 'X1', seqNo: 2, t: 5, triggerReason: 'EVDetected' }), { receivedAt: at(21), messageId: 'x2' });
    assert.deepEqual((await s.listTransactions({ stationId: id, until: at(6), limit: 10, offset: 0 })).items.map((t) => t.transactionId), ['X1']);
    await s.applyTransactionEvent(id, txEvent({ id: 'X1', seqNo: 3, t: 60, eventType: 'Ended', triggerReason: 'StopAuthorized', wh: 700 }), { receivedAt: at(60), messageId: 'x3' });
    assert.equal(await s.activeTransactionCount('late-tok'), 0);
    assert.deepEqual((await s.listTransactions({ stationId: id, state: 'ended', since: at(59), limit: 10, offset: 0 })).items.map((t) => [t.transactionId, t.startedAt, t.endedAt]), [['X1', at(5), at(60)]]);
    assert.deepEqual((await s.listTransactions({ stationId: id, state: 'active', limit: 10, offset: 0 })).items, []);
    // meter values for the transaction after it ended raise its energy through the same row
    await s.appendMeterValues(id, 1, [{ timestamp: at(61), sampledValue: [{ value: 900, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }], 'X1');
    assert.equal((await s.getTransaction(id, 'X1'))?.energyWh, 900);
    assert.equal((await s.listTransactions({ idToken: 'late-tok', state: 'ended', limit: 10, offset: 0 })).items[0]?.energyWh, 900);
  });
}

/** Id tokens, local lists, the transaction lifecycle, duplicates and replays, meter values, remote starts, limits. */
export function tokenAndTransactionTests(ctx: SuiteContext): void {
  const { newStation } = ctx;
  let s!: Store;
  before(() => { s = ctx.store(); });

  test('[C01] id tokens: upsert, case-insensitive find, list, delete', async () => {
    await s.upsertIdToken({ idToken: 'AbC123', type: 'ISO14443', status: 'Accepted', expiryDate: at(3600), groupIdToken: { idToken: 'G1', type: 'Central' }, language1: 'nl', personalMessage: { format: 'UTF8', content: 'Hoi' }, maxActiveTransactions: 1, evseIds: [1, 2] });
    await s.upsertIdToken({ idToken: 'blocked-1', type: 'Central', status: 'Blocked' });
    const t = await s.findIdToken('abc123', 'ISO14443');
    assert.equal(t?.idToken, 'AbC123');
    assert.equal(t?.expiryDate, at(3600));
    assert.deepEqual(t?.groupIdToken, { idToken: 'G1', type: 'Central' });
    assert.deepEqual(t?.evseIds, [1, 2]);
    assert.equal(t?.maxActiveTransactions, 1);
    assert.equal(await s.findIdToken('abc123', 'Central'), undefined);
    await s.upsertIdToken({ idToken: 'ABC123', type: 'ISO14443', status: 'Expired' });
    assert.equal((await s.findIdToken('abc123', 'ISO14443'))?.status, 'Expired');
    assert.equal((await s.findIdToken('abc123', 'ISO14443'))?.language1, undefined);
    const l = await s.listIdTokens({ status: 'Blocked', limit: 10, offset: 0 });
    assert.deepEqual(l.items.map((x) => x.idToken), ['blocked-1']);
    assert.equal((await s.listIdTokens({ search: 'abc', limit: 10, offset: 0 })).total, 1);
    await s.deleteIdToken('blocked-1', 'Central');
    await rejectsWith(s.deleteIdToken('blocked-1', 'Central'), 'STORE_ERR_NOT_FOUND');
    await rejectsWith(s.upsertIdToken({ idToken: '', type: 'Central', status: 'Accepted' }), 'STORE_ERR_INVALID');
  });

  test('[C01] id token restrictions round-trip: stationIds, evses, validFrom (normalised like expiryDate), schedule', async () => {
    const restrictions = {
      stationIds: ['CS-A', 'CS-B'],
      evses: [{ stationId: 'CS-B', evseIds: [2, 3] }],
      schedule: { timeZone: 'Europe/Amsterdam', windows: [{ days: ['Mon', 'Fri'] as ('Mon' | 'Fri')[], from: '07:00', to: '19:00' }, { days: ['Sat'] as 'Sat'[], from: '22:00', to: '06:00' }] },
    };
    await s.upsertIdToken({ idToken: 'Restricted-1', type: 'ISO14443', status: 'Accepted', ...restrictions, validFrom: '2025-01-01T11:00:00+01:00', expiryDate: '2025-02-01T00:00:00+01:00' });
    const check = (t: Awaited<ReturnType<Store['findIdToken']>>) => {
      assert.deepEqual(t?.stationIds, restrictions.stationIds);
      assert.deepEqual(t?.evses, restrictions.evses);
      assert.deepEqual(t?.schedule, restrictions.schedule);
      assert.equal(t?.validFrom, at(0), 'validFrom stored as UTC ISO, like expiryDate');
      assert.equal(t?.expiryDate, '2025-01-31T23:00:00.000Z');
    };
    check(await s.findIdToken('restricted-1', 'ISO14443'));
    check((await s.listIdTokens({ search: 'restricted-', limit: 10, offset: 0 })).items[0]);
    // a PUT without them removes them (create-or-replace)
    await s.upsertIdToken({ idToken: 'Restricted-1', type: 'ISO14443', status: 'Accepted' });
    const plain = await s.findIdToken('restricted-1', 'ISO14443');
    for (const f of ['stationIds', 'evses', 'validFrom', 'schedule'] as const) assert.equal(plain?.[f], undefined, f);
    await rejectsWith(s.upsertIdToken({ idToken: 'Restricted-2', type: 'ISO14443', status: 'Accepted', validFrom: '2025-13-45T00:00:00Z' }), 'STORE_ERR_INVALID');
    assert.equal(await s.findIdToken('restricted-2', 'ISO14443'), undefined);
  });

  test('[D01] local list: full then differential (no idTokenInfo = remove), version kept', async () => {
    const id = await newStation();
    assert.deepEqual(await s.getLocalList(id), { version: 0, entries: [] });
    const e = (tok: string, status?: 'Accepted' | 'Blocked') => ({ idToken: { idToken: tok, type: 'ISO14443' }, ...(status && { idTokenInfo: { status } }) });
    await s.saveLocalList(id, 1, [e('A', 'Accepted'), e('B', 'Accepted')], 'Full');
    await s.saveLocalList(id, 2, [e('b', 'Blocked'), e('A'), e('C', 'Accepted')], 'Differential');
    const l = await s.getLocalList(id);
    assert.equal(l.version, 2);
    assert.deepEqual(l.entries.map((x) => [x.idToken.idToken, x.idTokenInfo?.status]), [['b', 'Blocked'], ['C', 'Accepted']]);
    await s.saveLocalList(id, 3, [e('Z', 'Accepted')], 'Full');
    assert.deepEqual((await s.getLocalList(id)).entries.map((x) => x.idToken.idToken), ['Z']);
    await rejectsWith(s.saveLocalList(id, 4, [e('Q')], 'Full'), 'STORE_ERR_INVALID');
    assert.equal((await s.getLocalList(id)).version, 3);
    await rejectsWith(s.saveLocalList('ghost', 1, [], 'Full'), 'STORE_ERR_NOT_FOUND');
  });

  test('[E01][E06] transaction lifecycle: started, updated, ended with energy, token, evse', async () => {
    const id = await newStation();
    const meta = (m: string) => ({ receivedAt: new Date(), messageId: m });
    const r1 = await s.applyTransactionEvent(id, txEvent({ id: 'T1', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'Authorized', idToken: { idToken: 'TokA', type: 'ISO14443' }, evse: { id: 1, connectorId: 1 }, wh: 1000, transactionInfo: { transactionId: 'T1', chargingState: 'EVConnected', remoteStartId: 42 } }), meta('a'));
    assert.equal(r1.duplicate, false);
    assert.equal(r1.transaction.state, 'Started');
    assert.equal(await s.activeTransactionCount('toka'), 1);
    await s.applyTransactionEvent(id, txEvent({ id: 'T1', seqNo: 1, t: 60, wh: 1500, transactionInfo: { transactionId: 'T1', chargingState: 'Charging' } }), meta('b'));
    const r3 = await s.applyTransactionEvent(id, txEvent({ id: 'T1', seqNo: 2, t: 120, eventType: 'Ended', triggerReason: 'EVDeparted', wh: 2750, transactionInfo: { transactionId: 'T1', chargingState: 'Idle', stoppedReason: 'EVDisconnected' } }), meta('c'));
    const t = r3.transaction;
    assert.deepEqual([t.state, t.evseId, t.connectorId, t.idToken?.idToken, t.remoteStartId, t.chargingState, t.stoppedReason, t.startedAt, t.endedAt, t.energyWh, t.meterStartWh, t.eventCount, t.offline],
      ['Ended', 1, 1, 'TokA', 42, 'Idle', 'EVDisconnected', at(0), at(120), 2750, 1000, 3, false]);
    assert.deepEqual(await s.getTransaction(id, 'T1'), t);
    assert.equal(await s.activeTransactionCount('TOKA'), 0);
    assert.deepEqual((await s.listTransactionEvents(id, 'T1')).map((e) => [e.seqNo, e.eventType, e.messageId]), [[0, 'Started', 'a'], [1, 'Updated', 'b'], [2, 'Ended', 'c']]);
    const mv = await s.listMeterValues({ stationId: id, transactionId: 'T1', limit: 100 });
    assert.deepEqual(mv.map((m) => [m.timestamp, m.measurand, m.unit, m.value]), [[at(0), 'Energy.Active.Import.Register', 'Wh', 1000], [at(60), 'Energy.Active.Import.Register', 'Wh', 1500], [at(120), 'Energy.Active.Import.Register', 'Wh', 2750]]);
  });

  test('[E04][E12] duplicates: same event again (same or new messageId) changes nothing; energy not doubled', async () => {
    const id = await newStation();
    const ev = txEvent({ id: 'D1', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'CablePluggedIn', wh: 100 });
    await s.applyTransactionEvent(id, ev, { receivedAt: at(1), messageId: 'm1' });
    const upd = txEvent({ id: 'D1', seqNo: 1, t: 30, wh: 400 });
    await s.applyTransactionEvent(id, upd, { receivedAt: at(31), messageId: 'm2' });
    const again = await Promise.all([
      s.applyTransactionEvent(id, upd, { receivedAt: at(40), messageId: 'm2' }),
      s.applyTransactionEvent(id, { ...upd, offline: true }, { receivedAt: at(41), messageId: 'm9' }),
      s.applyTransactionEvent(id, ev, { receivedAt: at(42), messageId: 'm10' }),
    ]);
    assert.deepEqual(again.map((r) => r.duplicate), [true, true, true]);
    const t = await s.getTransaction(id, 'D1');
    assert.equal(t?.eventCount, 2);
    assert.equal(t?.energyWh, 400);
    assert.equal(t?.offline, false);
    assert.equal((await s.listMeterValues({ stationId: id, transactionId: 'D1', limit: 100 })).length, 2);
    assert.equal((await s.listTransactionEvents(id, 'D1')).length, 2);
  });

  test('[E04] duplicates: a resent seqNo + messageId counts as a duplicate even with different content', async () => {
    const id = await newStation();
    await s.applyTransactionEvent(id, txEvent({ id: 'D2', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'CablePluggedIn', wh: 100 }), { receivedAt: at(1), messageId: 'm1' });
    await s.applyTransactionEvent(id, txEvent({ id: 'D2', seqNo: 1, t: 30, wh: 400 }), { receivedAt: at(31), messageId: 'm2' });
    const r = await s.applyTransactionEvent(id, txEvent({ id: 'D2', seqNo: 1, t: 35, wh: 450 }), { receivedAt: at(36), messageId: 'm2' });
    assert.equal(r.duplicate, true);
    assert.equal((await s.getTransaction(id, 'D2'))?.energyWh, 400);
    assert.equal((await s.listTransactionEvents(id, 'D2')).length, 2);
    assert.equal((await s.listMeterValues({ stationId: id, transactionId: 'D2', limit: 100 })).length, 2);
  });

  test('[E04] offline events replayed out of order give the same transaction as in order', async () => {
    const id = await newStation();
    const evs = [
      txEvent({ id: 'O1', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'Authorized', offline: true, idToken: { idToken: 'T-off', type: 'Local' }, evse: { id: 2, connectorId: 1 }, wh: 5000, transactionInfo: { transactionId: 'O1', chargingState: 'Charging' } }),
      txEvent({ id: 'O1', seqNo: 1, t: 60, offline: true, wh: 5600, transactionInfo: { transactionId: 'O1', chargingState: 'SuspendedEV' } }),
      txEvent({ id: 'O1', seqNo: 2, t: 90, offline: true, wh: 5900 }),
      txEvent({ id: 'O1', seqNo: 3, t: 120, eventType: 'Ended', triggerReason: 'StopAuthorized', offline: true, wh: 6100, idToken: { idToken: 'stopper', type: 'Local' }, transactionInfo: { transactionId: 'O1', chargingState: 'Idle', stoppedReason: 'Local' } }),
    ];
    for (const i of [3, 1, 0, 2, 1, 3]) await s.applyTransactionEvent(id, evs[i]!, { receivedAt: at(500 + i), messageId: `r${i}` });
    const t = await s.getTransaction(id, 'O1');
    assert.deepEqual([t?.state, t?.idToken?.idToken, t?.evseId, t?.chargingState, t?.stoppedReason, t?.startedAt, t?.endedAt, t?.energyWh, t?.meterStartWh, t?.offline, t?.eventCount],
      ['Ended', 'T-off', 2, 'Idle', 'Local', at(0), at(120), 6100, 5000, true, 4]);
    assert.deepEqual((await s.listTransactionEvents(id, 'O1')).map((e) => e.seqNo), [0, 1, 2, 3]);
    assert.equal(await s.activeTransactionCount('t-off'), 0);
  });

  test('[E17] seqNo restart: new transaction at seqNo 0 and a reboot inside one transaction are both kept', async () => {
    const id = await newStation();
    await s.applyTransactionEvent(id, txEvent({ id: 'R1', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'CablePluggedIn', wh: 10 }), { receivedAt: at(0), messageId: '1' });
    await s.applyTransactionEvent(id, txEvent({ id: 'R1', seqNo: 1, t: 10, wh: 20 }), { receivedAt: at(10), messageId: '2' });
    // station reboots, resumes R1 with its seqNo counter (and message ids) restarted
    await s.applyTransactionEvent(id, txEvent({ id: 'R1', seqNo: 0, t: 200, wh: 900 }), { receivedAt: at(200), messageId: '1b' });
    await s.applyTransactionEvent(id, txEvent({ id: 'R1', seqNo: 1, t: 260, eventType: 'Ended', triggerReason: 'EVDeparted', wh: 950 }), { receivedAt: at(260), messageId: '2b' });
    await s.applyTransactionEvent(id, txEvent({ id: 'R2', seqNo: 0, t: 300, eventType: 'Started', triggerReason: 'CablePluggedIn', wh: 950 }), { receivedAt: at(300), messageId: '1' });
    const r1 = await s.getTransaction(id, 'R1');
    assert.deepEqual([r1?.eventCount, r1?.energyWh, r1?.state], [4, 950, 'Ended']);
    const r2 = await s.getTransaction(id, 'R2');
    assert.deepEqual([r2?.eventCount, r2?.state], [1, 'Started']);
    const all = await s.listTransactions({ stationId: id, limit: 10, offset: 0 });
    assert.deepEqual(all.items.map((t) => t.transactionId), ['R2', 'R1']);
    assert.deepEqual((await s.listTransactions({ stationId: id, state: 'active', limit: 10, offset: 0 })).items.map((t) => t.transactionId), ['R2']);
    assert.deepEqual((await s.listTransactions({ stationId: id, until: at(100), limit: 10, offset: 0 })).items.map((t) => t.transactionId), ['R1']);
    assert.deepEqual((await s.listTransactions({ stationId: id, since: at(270), limit: 10, offset: 0 })).items.map((t) => t.transactionId), ['R2']);
  });

  test('[E05][J02] energy totals exact under many concurrent events; kWh units and multipliers', async () => {
    const id = await newStation();
    await s.applyTransactionEvent(id, txEvent({ id: 'K1', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'Authorized', idToken: { idToken: 'unknown-tok', type: 'ISO14443' } }), { receivedAt: at(0), messageId: 'k0' });
    const evs = Array.from({ length: 100 }, (_, i) => txEvent({ id: 'K1', seqNo: i + 1, t: i + 1, meterValue: [{ timestamp: at(i + 1), sampledValue: [
      { value: (i + 1) * 0.125, unitOfMeasure: { unit: 'kWh' } },
      { value: 999999, measurand: 'Energy.Active.Import.Register', phase: 'L1' },
      { value: 16, measurand: 'Current.Import', phase: 'L1', unitOfMeasure: { unit: 'A' } },
    ] }] }));
    const res = await Promise.all([...evs, ...evs.slice(0, 50)].map((e, i) => s.applyTransactionEvent(id, e, { receivedAt: at(200), messageId: `k${i}` })));
    assert.equal(res.filter((r) => r.duplicate).length, 50);
    const t = await s.getTransaction(id, 'K1');
    assert.equal(t?.energyWh, 12500);
    assert.equal(t?.eventCount, 101);
    assert.equal((await s.listMeterValues({ stationId: id, transactionId: 'K1', measurand: 'Current.Import', limit: 1000 })).length, 100);
    assert.equal((await s.listMeterValues({ stationId: id, transactionId: 'K1', since: at(10), until: at(19), limit: 1000 })).length, 30);
  });

  test('[J01] meter values: flat rows, signed values verbatim, idempotent, raise transaction energy', async () => {
    const id = await newStation();
    const signed = { signedMeterData: 'QUJD', encodingMethod: 'OCMF', publicKey: 'cHVi', signingMethod: 'ECDSA-secp256r1-SHA256' };
    const mvs = [{ timestamp: at(5), sampledValue: [
      { value: 230.1, measurand: 'Voltage' as const, phase: 'L1-N' as const, location: 'Outlet' as const, context: 'Sample.Periodic' as const, unitOfMeasure: { unit: 'V' } },
      { value: 42, measurand: 'Energy.Active.Import.Register' as const, unitOfMeasure: { unit: 'kWh', multiplier: 0 }, signedMeterValue: signed },
    ] }];
    await s.appendMeterValues(id, 1, mvs);
    await s.appendMeterValues(id, 1, mvs);
    const rows = await s.listMeterValues({ stationId: id, evseId: 1, limit: 10 });
    assert.equal(rows.length, 2);
    assert.deepEqual(rows.map((r) => [r.measurand, r.phase, r.location, r.context, r.unit, r.value, r.transactionId]), [
      ['Voltage', 'L1-N', 'Outlet', 'Sample.Periodic', 'V', 230.1, undefined], ['Energy.Active.Import.Register', undefined, undefined, undefined, 'kWh', 42, undefined]]);
    assert.deepEqual(rows[1]?.signedMeterValue, signed);
    assert.equal(rows[1]?.multiplier, 0);
    await s.applyTransactionEvent(id, txEvent({ id: 'M1', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'CablePluggedIn', wh: 41000 }), { receivedAt: at(0), messageId: 'x' });
    await s.appendMeterValues(id, 1, mvs, 'M1');
    assert.equal((await s.getTransaction(id, 'M1'))?.energyWh, 42000);
    // meter values that arrive before the transaction's first event still count
    await s.appendMeterValues(id, 1, [{ timestamp: at(9), sampledValue: [{ value: 77 }] }], 'M2');
    const m2 = await s.applyTransactionEvent(id, txEvent({ id: 'M2', seqNo: 1, t: 10, wh: 70 }), { receivedAt: at(10), messageId: 'y' });
    assert.deepEqual([m2.transaction.energyWh, m2.transaction.meterStartWh, m2.transaction.state], [77, 70, 'Updated']);
    await rejectsWith(s.appendMeterValues(id, 1, [{ timestamp: at(1), sampledValue: [{ value: Number.NaN }] }]), 'STORE_ERR_INVALID');
  });

  test('[J01] [J02] meter values: a later message with a stored timestamp adds only its new sampled values; limit and measurand count sampled values', async () => {
    const id = await newStation();
    await s.applyTransactionEvent(id, txEvent({ id: 'G1', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'CablePluggedIn', wh: 100, evse: { id: 1 } }), { receivedAt: at(0), messageId: 'g0' });
    // an Updated event repeats the reading at t=0 (same energy value) and adds a voltage sample to it
    await s.applyTransactionEvent(id, txEvent({ id: 'G1', seqNo: 1, t: 5, meterValue: [{ timestamp: at(0), sampledValue: [{ value: 100 }, { value: 230, measurand: 'Voltage' }] }] }), { receivedAt: at(5), messageId: 'g1' });
    await s.appendMeterValues(id, 1, [{ timestamp: at(0), sampledValue: [{ value: 999 }, { value: 16, measurand: 'Current.Import', phase: 'L1' }] }], 'G1');
    // the same timestamp on another EVSE is another reading
    await s.appendMeterValues(id, 3, [{ timestamp: at(0), sampledValue: [{ value: 5 }] }], 'G1');
    assert.deepEqual((await s.listMeterValues({ stationId: id, transactionId: 'G1', limit: 10 })).map((r) => [r.timestamp, r.measurand, r.phase, r.value]),
      [[at(0), 'Energy.Active.Import.Register', undefined, 100], [at(0), 'Voltage', undefined, 230], [at(0), 'Current.Import', 'L1', 16], [at(0), 'Energy.Active.Import.Register', undefined, 5]]);
    for (let i = 1; i <= 40; i++) {
      await s.appendMeterValues(id, 2, [{ timestamp: at(i), sampledValue: [{ value: i }, { value: 200 + i, measurand: 'Voltage' }, { value: 10 + i, measurand: 'SoC' }] }], 'G2');
    }
    const seven = await s.listMeterValues({ stationId: id, transactionId: 'G2', limit: 7 });
    assert.deepEqual(seven.map((r) => [r.timestamp, r.measurand]), [
      [at(1), 'Energy.Active.Import.Register'], [at(1), 'Voltage'], [at(1), 'SoC'], [at(2), 'Energy.Active.Import.Register'], [at(2), 'Voltage'], [at(2), 'SoC'], [at(3), 'Energy.Active.Import.Register']]);
    const soc = await s.listMeterValues({ stationId: id, evseId: 2, measurand: 'SoC', limit: 35 });
    assert.deepEqual(soc.map((r) => r.value), Array.from({ length: 35 }, (_, k) => 11 + k));
    assert.equal(new Set((await s.listMeterValues({ stationId: id, limit: 1000 })).map((r) => r.id)).size, 124);
  });

  test('[F01.FR.25] [F07.FR.01] remote starts: recorded, linked to the transaction that carries the remoteStartId', async () => {
    const id = await newStation();
    const profile = { id: 7, stackLevel: 0, chargingProfilePurpose: 'TxProfile' as const, chargingProfileKind: 'Relative' as const, chargingSchedule: [{ id: 1, chargingRateUnit: 'W' as const, chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] }] };
    const rec = await s.recordRemoteStart({ stationId: id, remoteStartId: 77, idToken: { idToken: 'Drv', type: 'ISO14443' }, evseId: 2, chargingProfile: profile, transactionLimit: { maxEnergy: 5000 }, at: at(0) });
    assert.deepEqual(rec, { stationId: id, remoteStartId: 77, idToken: { idToken: 'Drv', type: 'ISO14443' }, evseId: 2, chargingProfile: profile, transactionLimit: { maxEnergy: 5000 }, requestedAt: at(0) });
    assert.deepEqual(await s.findRemoteStart(id, 77), rec);
    assert.equal(await s.findTransactionByRemoteStart(id, 77), undefined);
    assert.equal(await s.findRemoteStart(id, 78), undefined);
    await s.applyTransactionEvent(id, txEvent({ id: 'RS1', seqNo: 0, t: 5, eventType: 'Started', triggerReason: 'RemoteStart', transactionInfo: { transactionId: 'RS1', remoteStartId: 77 } }), { receivedAt: at(5), messageId: 'rs' });
    // a transaction the station started with a remoteStartId the CSMS never recorded is still found
    await s.applyTransactionEvent(id, txEvent({ id: 'RS2', seqNo: 0, t: 6, eventType: 'Started', triggerReason: 'RemoteStart', transactionInfo: { transactionId: 'RS2', remoteStartId: 99 } }), { receivedAt: at(6), messageId: 'rs2' });
    assert.equal((await s.findRemoteStart(id, 77))?.transactionId, 'RS1');
    assert.equal((await s.findTransactionByRemoteStart(id, 77))?.transactionId, 'RS1');
    assert.equal((await s.findTransactionByRemoteStart(id, 99))?.transactionId, 'RS2');
    assert.equal(await s.findTransactionByRemoteStart(`${id}-other`, 77), undefined);
    const again = await s.recordRemoteStart({ stationId: id, remoteStartId: 77, idToken: { idToken: 'Drv2', type: 'Central' }, at: at(9) });
    assert.deepEqual([again.idToken.idToken, again.chargingProfile, again.requestedAt], ['Drv2', undefined, at(9)]);
    await rejectsWith(s.recordRemoteStart({ stationId: 'ghost', remoteStartId: 1, idToken: { idToken: 'x', type: 'Central' }, at: at(0) }), 'STORE_ERR_NOT_FOUND');
    await rejectsWith(s.recordRemoteStart({ stationId: id, remoteStartId: -1, idToken: { idToken: 'x', type: 'Central' }, at: at(0) }), 'STORE_ERR_INVALID');
  });

  test('[E16.FR.02] transaction limits: set, delivered, confirmed, replaced', async () => {
    const id = await newStation();
    assert.equal(await s.getTransactionLimit(id, 'L1'), undefined);
    await rejectsWith(s.markTransactionLimit(id, 'L1', { confirmed: true }), 'STORE_ERR_NOT_FOUND');
    const a = await s.setTransactionLimit(id, 'L1', { maxEnergy: 5000, maxCost: 12.5 });
    assert.deepEqual([a.limit, a.confirmed, a.deliveredWith], [{ maxEnergy: 5000, maxCost: 12.5 }, false, undefined]);
    await s.markTransactionLimit(id, 'L1', { deliveredWith: '3@x' });
    const b = await s.markTransactionLimit(id, 'L1', { confirmed: true });
    assert.deepEqual([b.deliveredWith, b.confirmed], ['3@x', true]);
    assert.deepEqual(await s.getTransactionLimit(id, 'L1'), b);
    const c = await s.setTransactionLimit(id, 'L1', { maxTime: 600 });
    assert.deepEqual([c.limit, c.confirmed, c.deliveredWith], [{ maxTime: 600 }, false, undefined]);
    await rejectsWith(s.setTransactionLimit(id, 'L1', { maxEnergy: Number.NaN }), 'STORE_ERR_INVALID');
    assert.deepEqual((await s.getTransactionLimit(id, 'L1'))?.limit, { maxTime: 600 });
  });

  test('[C01.FR.24] ConcurrentTx count excludes a transaction; deauthorized follows the latest authorization change', async () => {
    const id = await newStation();
    const tok = { idToken: 'Multi', type: 'ISO14443' };
    await s.applyTransactionEvent(id, txEvent({ id: 'C1', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'Authorized', idToken: tok }), { receivedAt: at(0), messageId: 'c1' });
    await s.applyTransactionEvent(id, txEvent({ id: 'C2', seqNo: 0, t: 1, eventType: 'Started', triggerReason: 'Authorized', idToken: tok }), { receivedAt: at(1), messageId: 'c2' });
    assert.equal(await s.activeTransactionCount('multi'), 2);
    assert.equal(await s.activeTransactionCount('MULTI', { excludeTransactionId: 'C1' }), 1);
    assert.equal(await s.activeTransactionCount('multi', { excludeTransactionId: 'nope' }), 2);
    assert.equal((await s.getTransaction(id, 'C1'))?.deauthorized, undefined);
    // out of order: the later re-authorization arrives first, the deauthorization after it
    await s.applyTransactionEvent(id, txEvent({ id: 'C1', seqNo: 2, t: 20, triggerReason: 'Authorized', idToken: tok }), { receivedAt: at(30), messageId: 'c1b' });
    await s.applyTransactionEvent(id, txEvent({ id: 'C1', seqNo: 1, t: 10, triggerReason: 'Deauthorized', idToken: tok }), { receivedAt: at(31), messageId: 'c1a' });
    assert.equal((await s.getTransaction(id, 'C1'))?.deauthorized, undefined);
    await s.applyTransactionEvent(id, txEvent({ id: 'C1', seqNo: 3, t: 40, triggerReason: 'Deauthorized' }), { receivedAt: at(40), messageId: 'c1c' });
    await s.applyTransactionEvent(id, txEvent({ id: 'C1', seqNo: 4, t: 50 }), { receivedAt: at(50), messageId: 'c1d' });
    assert.equal((await s.getTransaction(id, 'C1'))?.deauthorized, true);
  });

  test('history retention: pruneHistory deletes ended transactions with their events, readings, limit and remote start, and old readings outside transactions, in batches', async () => {
    // its own store: pruning is across stations, the shared store holds the other cases' transactions
    const { makeStore, cleanup, sid } = ctx;
    const t = await makeStore();
    try {
      const [a, b] = [sid(), sid()];
      for (const id of [a, b]) await t.registerStation({ id, securityProfile: 1 });
      const ev = (stationId: string, e: Parameters<typeof txEvent>[0], m: string) => t.applyTransactionEvent(stationId, txEvent(e), { receivedAt: e.timestamp ?? at(e.t), messageId: m });
      await t.recordRemoteStart({ stationId: a, remoteStartId: 5, idToken: { idToken: 'Drv', type: 'Central' }, at: at(0) });
      await ev(a, { id: 'A1', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'RemoteStart', transactionInfo: { transactionId: 'A1', remoteStartId: 5 }, wh: 10 }, 'a1');
      await t.setTransactionLimit(a, 'A1', { maxEnergy: 5000 });
      await ev(a, { id: 'A1', seqNo: 1, t: 50, wh: 60 }, 'a2');
      await ev(a, { id: 'A1', seqNo: 2, t: 100, eventType: 'Ended', triggerReason: 'StopAuthorized', wh: 110 }, 'a3');
      await ev(a, { id: 'A2', seqNo: 0, t: 10, eventType: 'Started', triggerReason: 'CablePluggedIn' }, 'a4');
      await ev(a, { id: 'A2', seqNo: 1, t: 300, eventType: 'Ended', triggerReason: 'EVCommunicationLost' }, 'a5');
      await ev(b, { id: 'B1', seqNo: 0, t: 5, eventType: 'Started', triggerReason: 'CablePluggedIn' }, 'b1');
      await ev(b, { id: 'B1', seqNo: 1, t: 400, wh: 40 }, 'b2');
      await ev(b, { id: 'B2', seqNo: 0, t: 20, eventType: 'Started', triggerReason: 'CablePluggedIn' }, 'b3');
      await ev(b, { id: 'B2', seqNo: 1, t: 50, eventType: 'Ended', triggerReason: 'EVCommunicationLost' }, 'b4');
      // readings outside any transaction (two sampled values each)
      const reading = (s: number) => ({ timestamp: at(s), sampledValue: [{ value: s, measurand: 'Energy.Active.Import.Register' as const }, { value: 1, measurand: 'Power.Active.Import' as const }] });
      await t.appendMeterValues(a, 1, [reading(30), reading(60)]);
      await t.appendMeterValues(b, 0, [reading(500)]);
      const outside = async (id: string) => [...new Set((await t.listMeterValues({ stationId: id, limit: 100 })).filter((m) => !m.transactionId).map((m) => m.timestamp))];
      const txIds = async () => (await t.listTransactions({ limit: 100, offset: 0 })).items.map((x) => x.transactionId).sort();

      assert.deepEqual(await t.pruneHistory(at(0), 10), { transactions: 0, readings: 0, more: false }, 'nothing ended or was read before the first event');
      // the oldest started due transaction first (A1 started at 0, B2 at 20), and one reading, at most `limit` each
      assert.deepEqual(await t.pruneHistory(at(200), 1), { transactions: 1, readings: 1, more: true });
      assert.deepEqual(await txIds(), ['A2', 'B1', 'B2']);
      assert.equal(await t.getTransaction(a, 'A1'), undefined);
      assert.deepEqual(await t.listTransactionEvents(a, 'A1'), []);
      assert.deepEqual(await t.listMeterValues({ stationId: a, transactionId: 'A1', limit: 100 }), [], 'its readings went with it');
      assert.equal(await t.getTransactionLimit(a, 'A1'), undefined, 'its limit too');
      assert.equal(await t.findRemoteStart(a, 5), undefined, 'and its remote start');
      assert.equal((await outside(a)).length, 1, 'one of the two old readings of A');
      assert.deepEqual(await t.pruneHistory(at(200), 10), { transactions: 1, readings: 1, more: false });
      assert.deepEqual(await txIds(), ['A2', 'B1']);
      assert.deepEqual([await outside(a), await outside(b)], [[], [at(500)]]);
      // B1 started long before the cut but has not ended: kept; A2 and the reading at 500 are due now
      assert.deepEqual(await t.pruneHistory(at(1000), 10), { transactions: 1, readings: 1, more: false });
      assert.deepEqual(await txIds(), ['B1']);
      assert.deepEqual(await outside(b), []);
      assert.equal((await t.listTransactionEvents(b, 'B1')).length, 2);
      assert.deepEqual((await t.listMeterValues({ stationId: b, transactionId: 'B1', limit: 100 })).map((m) => m.value), [40]);
      // once it ends, it goes too
      await ev(b, { id: 'B1', seqNo: 2, t: 600, eventType: 'Ended', triggerReason: 'StopAuthorized' }, 'b5');
      assert.deepEqual(await t.pruneHistory(at(1000), 10), { transactions: 1, readings: 0, more: false });
      assert.deepEqual(await txIds(), []);
      await rejectsWith(t.pruneHistory('yesterday', 10), 'STORE_ERR_INVALID');
      await rejectsWith(t.pruneHistory(at(0), 0), 'STORE_ERR_INVALID');
    } finally {
      await cleanup(t);
    }
  });

  test('transactions: invalid events are rejected with STORE_ERR_INVALID and store nothing', async () => {
    const id = await newStation();
    await rejectsWith(s.applyTransactionEvent(id, txEvent({ id: 'B1', seqNo: -1, t: 0 }), { receivedAt: at(0), messageId: 'z' }), 'STORE_ERR_INVALID');
    await rejectsWith(s.applyTransactionEvent(id, txEvent({ id: '', seqNo: 0, t: 0 }), { receivedAt: at(0), messageId: 'z' }), 'STORE_ERR_INVALID');
    await rejectsWith(s.applyTransactionEvent(id, { ...txEvent({ id: 'B1', seqNo: 0, t: 0 }), eventType: 'Paused' as 'Started' }, { receivedAt: at(0), messageId: 'z' }), 'STORE_ERR_INVALID');
    await rejectsWith(s.applyTransactionEvent(id, { ...txEvent({ id: 'B1', seqNo: 0, t: 0 }), timestamp: 'now' }, { receivedAt: at(0), messageId: 'z' }), 'STORE_ERR_INVALID');
    assert.equal(await s.getTransaction(id, 'B1'), undefined);
  });

  test('deleteStation removes what was stored for it', async () => {
    const id = await newStation();
    await s.appendJournal([{ stationId: id, direction: 'in', messageType: 2, messageId: 'q', payload: '[]', at: at(0) }]);
    const started = txEvent({ id: 'X1', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'CablePluggedIn', wh: 1 });
    const updated = txEvent({ id: 'X1', seqNo: 1, t: 1, wh: 5 });
    await s.applyTransactionEvent(id, started, { receivedAt: at(0), messageId: 'x' });
    const first = await s.applyTransactionEvent(id, updated, { receivedAt: at(1), messageId: 'y' });
    await s.deleteStation(id);
    assert.equal((await s.listJournal(id, { limit: 10 })).length, 0);
    assert.equal(await s.getTransaction(id, 'X1'), undefined);
    assert.equal((await s.listMeterValues({ stationId: id, limit: 10 })).length, 0);
    // the same id registered again starts from nothing: the old event is no duplicate, its readings count again
    await newStation(id);
    assert.equal((await s.applyTransactionEvent(id, started, { receivedAt: at(0), messageId: 'x' })).duplicate, false);
    const again = await s.applyTransactionEvent(id, updated, { receivedAt: at(1), messageId: 'y' });
    assert.deepEqual([again.duplicate, again.transaction.energyWh], [false, first.transaction.energyWh]);
    assert.equal((await s.listTransactionEvents(id, 'X1')).length, 2);
    assert.equal((await s.listMeterValues({ stationId: id, limit: 10 })).length, 2);
  });
}
