// The Store conformance suite (design habit 4, aedes-persistence abstract.js): every adapter runs it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TransactionEventRequest } from '@chargewire/ocpp/types';
import { StoreError, type Store } from './store.ts';

export interface SuiteOptions {
  /** Close the store and open a new one on the same data (durability tests); absent = skipped with reason. */
  reopen?: (old: Store) => Promise<Store>;
}

const T0 = Date.parse('2025-01-01T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const cs = { model: 'M1', vendorName: 'V' };

function txEvent(o: Partial<TransactionEventRequest> & { id: string; seqNo: number; t: number; wh?: number }): TransactionEventRequest {
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

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof StoreError && e.code === code);
}

export function runStoreSuite(name: string, makeStore: () => Promise<Store>, cleanup: (s: Store) => Promise<void>, opts: SuiteOptions = {}): void {
  describe(`Store conformance: ${name}`, () => {
    let s: Store;
    let n = 0;
    const sid = () => `CS-${++n}`;
    const newStation = async (id = sid()) => (await s.registerStation({ id, securityProfile: 1, passwordHash: 'h1' })).id;
    before(async () => { s = await makeStore(); });
    after(async () => { if (s) await cleanup(s); });

    test('stations: register, get, list with search/paging, conflict, delete', async () => {
      const id = await newStation(`ST-${name}-a`);
      await s.registerStation({ id: `ST-${name}-b`, securityProfile: 2, bootPolicy: 'Pending', description: 'Depot North' });
      await rejectsWith(s.registerStation({ id, securityProfile: 1 }), 'STORE_ERR_CONFLICT');
      const got = await s.getStation(id);
      assert.equal(got?.passwordHash, 'h1');
      assert.equal(got?.connected, false);
      const page = await s.listStations({ search: 'depot', limit: 10, offset: 0 });
      assert.deepEqual(page.items.map((x) => x.id), [`ST-${name}-b`]);
      assert.equal(page.items[0]?.bootPolicy, 'Pending');
      const p2 = await s.listStations({ search: `ST-${name}`, limit: 1, offset: 1 });
      assert.equal(p2.total, 2);
      assert.deepEqual(p2.items.map((x) => x.id), [`ST-${name}-b`]);
      await s.setStationPasswordHash(id, 'h2');
      assert.equal((await s.getStation(id))?.passwordHash, 'h2');
      const up = await s.updateStation(`ST-${name}-b`, { bootPolicy: null, description: 'x' });
      assert.equal(up.bootPolicy, undefined);
      await s.deleteStation(`ST-${name}-b`);
      assert.equal(await s.getStation(`ST-${name}-b`), undefined);
      await rejectsWith(s.deleteStation(`ST-${name}-b`), 'STORE_ERR_NOT_FOUND');
      await rejectsWith(s.setStationPasswordHash('nope', 'h'), 'STORE_ERR_NOT_FOUND');
    });

    test('stations: invalid input raises STORE_ERR_INVALID and writes nothing', async () => {
      await rejectsWith(s.registerStation({ id: '', securityProfile: 1 }), 'STORE_ERR_INVALID');
      await rejectsWith(s.registerStation({ id: 'bad-prof', securityProfile: 7 as 1 }), 'STORE_ERR_INVALID');
      await rejectsWith(s.registerStation({ id: 'bad-pol', securityProfile: 1, bootPolicy: 'Maybe' as 'Pending' }), 'STORE_ERR_INVALID');
      assert.equal(await s.getStation('bad-prof'), undefined);
      const id = await newStation();
      await rejectsWith(s.recordBoot({ stationId: id, at: 'yesterday', reason: 'PowerUp', chargingStation: cs, status: 'Accepted', interval: 60 }), 'STORE_ERR_INVALID');
      assert.equal((await s.getStation(id))?.lastBoot, undefined);
    });

    test('stations: boot, connection and lastSeen (touch never goes backwards)', async () => {
      const id = await newStation();
      await s.recordBoot({ stationId: id, at: at(0), reason: 'PowerUp', chargingStation: cs, status: 'Pending', interval: 30 });
      await s.recordBoot({ stationId: id, at: at(5), reason: 'RemoteReset', chargingStation: { ...cs, firmwareVersion: '1.2' }, status: 'Accepted', interval: 300 });
      const st = await s.getStation(id);
      assert.deepEqual(st?.lastBoot, { at: at(5), reason: 'RemoteReset', chargingStation: { ...cs, firmwareVersion: '1.2' }, status: 'Accepted', interval: 300 });
      const boots = await s.listBoots(id, 10);
      assert.deepEqual(boots.map((b) => b.status), ['Accepted', 'Pending']);
      await rejectsWith(s.recordBoot({ stationId: 'ghost', at: at(0), reason: 'PowerUp', chargingStation: cs, status: 'Accepted', interval: 1 }), 'STORE_ERR_NOT_FOUND');
      await s.recordConnection(id, { at: at(1), version: 'ocpp2.1', connected: true });
      let g = await s.getStation(id);
      assert.equal(g?.connected, true);
      assert.equal(g?.ocppVersion, 'ocpp2.1');
      assert.equal(g?.lastConnectedAt, at(1));
      await s.recordConnection(id, { at: at(9), connected: false });
      await Promise.all([s.touchStation(id, at(20)), s.touchStation(id, new Date(T0 + 10_000)), s.touchStation('ghost', at(1))]);
      g = await s.getStation(id);
      assert.equal(g?.connected, false);
      assert.equal(g?.lastDisconnectedAt, at(9));
      assert.equal(g?.lastSeen, at(20));
    });

    test('[G01] connector status: upsert, older status ignored, listed in order', async () => {
      const id = await newStation();
      assert.deepEqual(await s.upsertConnectorStatus({ stationId: id, evseId: 2, connectorId: 1, status: 'Available', at: at(10) }), { applied: true });
      await s.upsertConnectorStatus({ stationId: id, evseId: 1, connectorId: 1, status: 'Occupied', at: at(10) });
      assert.deepEqual(await s.upsertConnectorStatus({ stationId: id, evseId: 2, connectorId: 1, status: 'Faulted', at: at(5) }), { applied: false });
      await s.upsertConnectorStatus({ stationId: id, evseId: 1, connectorId: 1, status: 'Available', at: at(11) });
      const list = await s.listConnectors(id);
      assert.deepEqual(list.map((c) => [c.evseId, c.connectorId, c.status, c.at]), [[1, 1, 'Available', at(11)], [2, 1, 'Available', at(10)]]);
      await rejectsWith(s.upsertConnectorStatus({ stationId: id, evseId: -1, connectorId: 1, status: 'Available', at: at(1) }), 'STORE_ERR_INVALID');
    });

    test('[G01] connector status and connection of an unknown station: STORE_ERR_NOT_FOUND, nothing stored', async () => {
      await rejectsWith(s.upsertConnectorStatus({ stationId: 'ghost-c', evseId: 1, connectorId: 1, status: 'Available', at: at(1) }), 'STORE_ERR_NOT_FOUND');
      await rejectsWith(s.recordConnection('ghost-c', { at: at(1), connected: true }), 'STORE_ERR_NOT_FOUND');
      await rejectsWith(s.recordConnection('ghost-c', { at: at(2), connected: false }), 'STORE_ERR_NOT_FOUND');
      assert.deepEqual(await s.listConnectors('ghost-c'), []);
      // a station registered later starts without the rejected status
      const id = await newStation('ghost-c');
      assert.deepEqual(await s.listConnectors(id), []);
      assert.deepEqual(await s.upsertConnectorStatus({ stationId: id, evseId: 1, connectorId: 1, status: 'Available', at: at(1) }), { applied: true });
    });

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

    test('[B07] device model: applyReport upserts attributes and characteristics; setVariableValues', async () => {
      const id = await newStation();
      await s.applyReport(id, 7, [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, variableAttribute: [{ type: 'Actual', value: '60', mutability: 'ReadWrite' }], variableCharacteristics: { dataType: 'integer', supportsMonitoring: false, unit: 's' } },
        { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' }, variableAttribute: [{ value: '22000' }, { type: 'MaxSet', value: '22000' }] },
      ]);
      await s.applyReport(id, 7, [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, variableAttribute: [{ type: 'Actual', value: '90', mutability: 'ReadWrite' }], variableCharacteristics: { dataType: 'integer', supportsMonitoring: true } }]);
      let vars = await s.listVariables(id, { limit: 50, offset: 0 });
      assert.equal(vars.total, 3);
      assert.deepEqual(vars.items.map((v) => [v.component, v.evseId, v.variable, v.attributeType, v.value]), [
        ['EVSE', 1, 'Power', 'Actual', '22000'], ['EVSE', 1, 'Power', 'MaxSet', '22000'], ['OCPPCommCtrlr', undefined, 'HeartbeatInterval', 'Actual', '90']]);
      assert.deepEqual(vars.items[2]?.characteristics, { dataType: 'integer', supportsMonitoring: true });
      assert.equal(vars.items[2]?.reportRequestId, 7);
      await s.setVariableValues(id, [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, value: '120', status: 'Accepted' },
        { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' }, attributeType: 'MaxSet', value: '1', status: 'Rejected' },
      ]);
      vars = await s.listVariables(id, { component: 'OCPPCommCtrlr', limit: 10, offset: 0 });
      assert.equal(vars.items[0]?.value, '120');
      assert.equal(vars.items[0]?.lastSetStatus, 'Accepted');
      const p = await s.listVariables(id, { variable: 'Power', attributeType: undefined, limit: 10, offset: 0 } as never);
      assert.deepEqual(p.items.map((v) => [v.attributeType, v.value, v.lastSetStatus]), [['Actual', '22000', undefined], ['MaxSet', '22000', 'Rejected']]);
      assert.equal((await s.listVariables(id, { search: 'heartbeat', limit: 10, offset: 0 })).total, 1);
      assert.equal((await s.listVariables(id, { limit: 1, offset: 1 })).items[0]?.attributeType, 'MaxSet');
      await rejectsWith(s.applyReport(id, 8, [{ component: { name: '' }, variable: { name: 'X' }, variableAttribute: [{ value: '1' }] }]), 'STORE_ERR_INVALID');
      await rejectsWith(s.applyReport('ghost', 1, []), 'STORE_ERR_NOT_FOUND');
      assert.equal((await s.listVariables(id, { limit: 50, offset: 0 })).total, 3);
      // A rejected set of a variable never stored before keeps no value (only the attempt's status).
      await s.setVariableValues(id, [{ component: { name: 'TxCtrlr' }, variable: { name: 'EVConnectionTimeOut' }, value: '999', status: 'Rejected' }]);
      const fresh = await s.listVariables(id, { component: 'TxCtrlr', limit: 10, offset: 0 });
      assert.equal(fresh.items[0]?.lastSetStatus, 'Rejected');
      assert.equal(fresh.items[0]?.value, undefined);
    });

    test('[N] NotifyEvent and security events: stored, idempotent, newest first', async () => {
      const id = await newStation();
      const ev = (eventId: number, t: number) => ({ eventId, timestamp: at(t), trigger: 'Alerting' as const, actualValue: 'x', eventNotificationType: 'HardWiredNotification' as const, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Problem' } });
      await s.appendEvents(id, at(3), 0, [ev(1, 1), ev(2, 2)]);
      await s.appendEvents(id, at(3), 0, [ev(1, 1), ev(2, 2)]); // replay
      await s.appendEvents(id, at(4), 1, [ev(3, 4)]);
      const list = await s.listEvents({ stationId: id, limit: 10 });
      assert.deepEqual(list.map((e) => e.event.eventId), [3, 2, 1]);
      assert.deepEqual(list[2]?.event, ev(1, 1));
      assert.deepEqual((await s.listEvents({ stationId: id, since: at(2), limit: 10 })).map((e) => e.event.eventId), [3, 2]);
      await s.appendSecurityEvent(id, { type: 'FirmwareUpdated', timestamp: at(1), techInfo: 'v2' });
      await s.appendSecurityEvent(id, { type: 'ResetOrReboot', timestamp: at(2) });
      const sec = await s.listSecurityEvents({ stationId: id, limit: 10 });
      assert.deepEqual(sec.map((e) => [e.type, e.techInfo]), [['ResetOrReboot', undefined], ['FirmwareUpdated', 'v2']]);
      await rejectsWith(s.appendEvents(id, at(5), 2, [{ ...ev(4, 1), timestamp: 'soon' }]), 'STORE_ERR_INVALID');
    });

    test('journal: appended verbatim, filtered, paged by id', async () => {
      const id = await newStation();
      const frames = Array.from({ length: 25 }, (_, i) => ({
        stationId: id, direction: (i % 2 ? 'out' : 'in') as 'in' | 'out', messageType: i % 2 ? 3 : 2, messageId: `m${i}`,
        ...(i % 2 ? {} : { action: i % 4 ? 'Heartbeat' : 'StatusNotification' }), payload: `[2,"m${i}","Heartbeat",{"ü":"\\u0000"}]`, at: at(i),
      }));
      await Promise.all(frames.map((f) => s.appendJournal([f])));
      const p1 = await s.listJournal(id, { limit: 10 });
      assert.deepEqual(p1.map((j) => j.messageId), ['m24', 'm23', 'm22', 'm21', 'm20', 'm19', 'm18', 'm17', 'm16', 'm15']);
      assert.equal(p1[0]?.payload, frames[24]?.payload);
      assert.equal(p1[0]?.at, at(24));
      const p2 = await s.listJournal(id, { limit: 10, beforeId: p1[9]!.id });
      assert.equal(p2[0]?.messageId, 'm14');
      assert.deepEqual((await s.listJournal(id, { action: 'StatusNotification', limit: 100 })).map((j) => j.messageId), ['m24', 'm20', 'm16', 'm12', 'm8', 'm4', 'm0']);
      assert.equal((await s.listJournal(id, { direction: 'out', since: at(10), until: at(15), limit: 100 })).length, 3);
      await rejectsWith(s.appendJournal([{ ...frames[0]!, direction: 'sideways' as 'in' }]), 'STORE_ERR_INVALID');
    });

    test('journal retention: pruneJournal deletes the oldest due entries of all stations, in batches', async () => {
      // its own store: pruning is across stations, the shared store holds the other cases' entries
      const t = await makeStore();
      try {
        const [a, b] = [sid(), sid()];
        for (const id of [a, b]) await t.registerStation({ id, securityProfile: 1 });
        const frame = (stationId: string, i: number, when: string) => ({ stationId, direction: 'in' as const, messageType: 2, messageId: `p${i}`, action: 'Heartbeat', payload: `[2,"p${i}","Heartbeat",{}]`, at: when });
        // 7 entries of two stations at 0…6 s, then one recorded at 2 s after one at 100 s (appended out of time order)
        for (let i = 0; i < 7; i++) await t.appendJournal([frame(i % 2 ? b : a, i, at(i))]);
        await t.appendJournal([frame(a, 7, at(100)), frame(b, 8, at(2))]);
        const ids = async (id: string) => (await t.listJournal(id, { limit: 100 })).map((j) => j.messageId);
        assert.equal(await t.pruneJournal(at(0), 10), 0, 'nothing is older than the first entry');
        assert.equal(await t.pruneJournal(at(5), 3), 3, 'at most `limit`');
        assert.deepEqual([await ids(a), await ids(b)], [['p7', 'p6', 'p4'], ['p8', 'p5', 'p3']]);
        assert.equal(await t.pruneJournal(new Date(T0 + 5000), 10), 2, 'up to the first entry not before the cut (a Date works too)');
        assert.deepEqual([await ids(a), await ids(b)], [['p7', 'p6'], ['p8', 'p5']]);
        // p8 (at 2 s) was appended after p7 (at 100 s): it waits until p7 is due
        assert.equal(await t.pruneJournal(at(50), 10), 2);
        assert.deepEqual([await ids(a), await ids(b)], [['p7'], ['p8']]);
        assert.equal(await t.pruneJournal(at(101), 10), 2);
        assert.deepEqual([await ids(a), await ids(b)], [[], []]);
        assert.equal(await t.pruneJournal(at(101), 10), 0, 'an empty journal');
        // new entries after a prune keep their order and paging
        await t.appendJournal([frame(a, 9, at(200)), frame(a, 10, at(201))]);
        const rows = await t.listJournal(a, { limit: 1 });
        assert.deepEqual(rows.map((j) => j.messageId), ['p10']);
        assert.deepEqual((await t.listJournal(a, { limit: 5, beforeId: rows[0]!.id })).map((j) => j.messageId), ['p9']);
        await rejectsWith(t.pruneJournal('yesterday', 10), 'STORE_ERR_INVALID');
        await rejectsWith(t.pruneJournal(at(0), 0), 'STORE_ERR_INVALID');
      } finally {
        await cleanup(t);
      }
    });

    test('group commit: concurrent hot writes share batches and all become durable', async () => {
      const id = await newStation();
      const before = s.stats();
      await Promise.all(Array.from({ length: 300 }, (_, i) => s.appendJournal([{ stationId: id, direction: 'in', messageType: 2, messageId: `c${i}`, action: 'Heartbeat', payload: '[]', at: at(i) }])));
      const after = s.stats();
      assert.ok(after.batches - before.batches < 30, `300 writes took ${after.batches - before.batches} batches`);
      assert.equal((await s.listJournal(id, { limit: 1000 })).length, 300);
      const bad = s.appendJournal([{ stationId: id, direction: 'in', messageType: 1, messageId: 'x', payload: '', at: at(0) }]);
      const good = s.touchStation(id, at(999));
      await rejectsWith(bad, 'STORE_ERR_INVALID');
      await good;
      await s.flush();
      assert.equal((await s.getStation(id))?.lastSeen, at(999));
    });

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

    test('durability: data written before close is there after reopening', { skip: opts.reopen ? false : 'adapter keeps no data across instances (memory)' }, async () => {
      const id = await newStation();
      const writes = [
        s.appendJournal([{ stationId: id, direction: 'in', messageType: 2, messageId: 'dur', payload: '[2,"dur","Heartbeat",{}]', at: at(0) }]),
        s.applyTransactionEvent(id, txEvent({ id: 'DUR', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'CablePluggedIn', wh: 321 }), { receivedAt: at(0), messageId: 'd' }),
        s.touchStation(id, at(77)),
      ];
      await Promise.all(writes);
      s = await opts.reopen!(s);
      assert.equal((await s.listJournal(id, { limit: 10 }))[0]?.payload, '[2,"dur","Heartbeat",{}]');
      assert.equal((await s.getTransaction(id, 'DUR'))?.energyWh, 321);
      assert.equal((await s.getStation(id))?.lastSeen, at(77));
    });

    test('durability: remote starts and transaction limits survive reopening', { skip: opts.reopen ? false : 'adapter keeps no data across instances (memory)' }, async () => {
      const id = await newStation();
      await s.recordRemoteStart({ stationId: id, remoteStartId: 5, idToken: { idToken: 'D', type: 'Central' }, transactionLimit: { maxCost: 3 }, at: at(0) });
      await s.applyTransactionEvent(id, txEvent({ id: 'DL', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'RemoteStart', transactionInfo: { transactionId: 'DL', remoteStartId: 5 } }), { receivedAt: at(0), messageId: 'dl' });
      await s.setTransactionLimit(id, 'DL', { maxCost: 3 });
      await s.markTransactionLimit(id, 'DL', { deliveredWith: '0@t' });
      s = await opts.reopen!(s);
      assert.deepEqual([(await s.findRemoteStart(id, 5))?.transactionLimit, (await s.findRemoteStart(id, 5))?.transactionId], [{ maxCost: 3 }, 'DL']);
      assert.equal((await s.findTransactionByRemoteStart(id, 5))?.transactionId, 'DL');
      assert.deepEqual([(await s.getTransactionLimit(id, 'DL'))?.limit, (await s.getTransactionLimit(id, 'DL'))?.deliveredWith], [{ maxCost: 3 }, '0@t']);
    });

    test('close: later calls reject with STORE_ERR_CLOSED', async () => {
      const t = await makeStore();
      await t.close();
      await rejectsWith(t.appendJournal([]), 'STORE_ERR_CLOSED');
      await cleanup(t).catch(() => undefined);
    });
  });
}
