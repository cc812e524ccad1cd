// Store conformance suite, station side: stations, boots, connectors, device model, events, journal, group commit.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from './store.ts';
import { T0, at, cs, rejectsWith, type SuiteContext } from './store-suite-common.ts';

/** Stations, boots, connection state and connector status. */
export function stationTests(ctx: SuiteContext): void {
  const { name, newStation } = ctx;
  let s!: Store;
  before(() => { s = ctx.store(); });

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
}

/** Device model reports and variables, NotifyEvent and security events, the journal and its retention, group commit. */
export function deviceModelAndJournalTests(ctx: SuiteContext): void {
  const { makeStore, cleanup, sid, newStation } = ctx;
  let s!: Store;
  before(() => { s = ctx.store(); });

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
}
