// Block I (OCPP 2.1 local cost calculation) and E16.FR.16, station side, against the scripted CSMS: default tariffs
// (I07), driver tariffs (I08), GetTariffs (I09), ClearTariffs (I10), ChangeTransactionTariff (I11), costDetails and
// running cost (I12), and transactionLimit.maxCost against the local cost instead of the CSMS's cost updates.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness } from '../testing/harness.ts';
import { QUIET } from './sequence.ts';

type Ev = OcppTypes.TransactionEventRequest;
type Tariff = OcppTypes.TariffType;
const MIN = 60_000;
// Running cost updates (on by default) only where a test looks at them.
const POINTS = { ...QUIET, 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized', 'TariffCostCtrlr.Enabled[RunningCost]': 'false' };
const rpcCode = (code: string) => (e: Error & { code?: string }) => e.code === code;
const brief = (e: Ev): string => `${e.eventType}(${e.triggerReason},${e.transactionInfo.chargingState}${e.transactionInfo.stoppedReason ? `,${e.transactionInfo.stoppedReason}` : ''})`;
const kwh = (id: string, priceKwh: number, more: Partial<Tariff> = {}): Tariff => ({ tariffId: id, currency: 'EUR', energy: { prices: [{ priceKwh }] }, ...more });
const TWO_EVSES = [{ connectors: [{}] }, { connectors: [{}] }];

/** Plug in at 6 kW and authorize: Started(Authorized), Updated(ChargingStateChanged). */
async function charge(h: Awaited<ReturnType<typeof harness>>, evseId = 1, token = 'TAG1'): Promise<void> {
  h.st.plugIn(evseId, 1, { powerW: 6000 });
  assert.equal((await h.st.presentToken(token, 'ISO14443', evseId)).status, 'Accepted');
  await settle();
}

describe('I07 SetDefaultTariff, I09 GetTariffs, I10 ClearTariffs (2.1)', () => {
  test('I07.FR.01 I07.FR.02 I07.FR.03 I07.FR.04 I07.FR.05 I07.FR.06 I07.FR.10 I11.FR.01 I11.FR.02 I11.FR.03 the SetDefaultTariff (and ChangeTransactionTariff) statuses', async () => {
    const off = await harness({ version: '2.1', variables: { ...POINTS, 'TariffCostCtrlr.Enabled[Tariff]': 'false' } });
    await assert.rejects(off.csms.call('SetDefaultTariff', { evseId: 0, tariff: kwh('T1', 0.3) }), rpcCode('NotSupported'));
    await assert.rejects(off.csms.call('GetTariffs', { evseId: 0 }), rpcCode('NotSupported'));
    await assert.rejects(off.csms.call('ChangeTransactionTariff', { transactionId: 'x', tariff: kwh('T1', 0.3) }), rpcCode('NotSupported')); // [I11.FR.01]
    const { csms } = await harness({ version: '2.1', variables: { ...POINTS, 'TariffCostCtrlr.MaxElements[Tariff]': '2' } });
    const set = (evseId: number, tariff: Tariff) => csms.call('SetDefaultTariff', { evseId, tariff });
    assert.deepEqual(await set(2, kwh('T1', 0.3)), { status: 'Rejected', statusInfo: { reasonCode: 'UnknownEVSE' } });
    const bad = await set(0, kwh('T1', 0.3, { energy: { prices: [{ priceKwh: 0.3, conditions: { startTimeOfDay: '25:00' } }] } }));
    assert.deepEqual([bad.status, bad.statusInfo?.reasonCode], ['Rejected', 'InvalidValue']);
    assert.deepEqual(await set(0, kwh('T1', 0.3, { energy: { prices: [{ priceKwh: 0.3 }, { priceKwh: 0.2 }, { priceKwh: 0.1 }] } })), { status: 'TooManyElements' });
    assert.deepEqual(await set(0, kwh('T1', 0.3)), { status: 'Accepted' });
    assert.deepEqual(await set(1, kwh('T1', 0.4)), { status: 'DuplicateTariffId' });
    const nocond = await harness({ version: '2.1', variables: { ...POINTS, 'TariffCostCtrlr.ConditionsSupported[Tariff]': 'false' } });
    const conditional = kwh('T2', 0.3, { energy: { prices: [{ priceKwh: 0.3, conditions: { maxPower: 11000 } }] } });
    assert.deepEqual(await nocond.csms.call('SetDefaultTariff', { evseId: 0, tariff: conditional }), { status: 'ConditionNotSupported' });
    assert.deepEqual(await nocond.csms.call('ChangeTransactionTariff', { transactionId: 'x', tariff: conditional }), { status: 'ConditionNotSupported' });
    assert.deepEqual(await csms.call('ChangeTransactionTariff', { transactionId: 'x', tariff: kwh('T3', 0.3, { energy: { prices: [{ priceKwh: 0.3 }, { priceKwh: 0.2 }, { priceKwh: 0.1 }] } }) }), { status: 'TooManyElements' });
  });

  test('I07.FR.11 I07.FR.12 I07.FR.20 I07.FR.22 I09.FR.01 I09.FR.02 I09.FR.03 I09.FR.04 I09.FR.07 per EVSE and station-wide, a later tariff replaces, validFrom reported', async () => {
    const { csms, clock } = await harness({ version: '2.1', evses: TWO_EVSES, variables: POINTS });
    assert.deepEqual(await csms.call('GetTariffs', { evseId: 0 }), { status: 'NoTariff' });
    await csms.call('SetDefaultTariff', { evseId: 0, tariff: kwh('Tariff1', 0.3) });
    await csms.call('SetDefaultTariff', { evseId: 2, tariff: kwh('Tariff2', 0.35) }); // scenario 2: EVSE 2 differs
    const tomorrow = new Date(clock.now() + 86_400_000).toISOString();
    await csms.call('SetDefaultTariff', { evseId: 0, tariff: kwh('Tariff3', 0.4, { validFrom: tomorrow }) }); // scenario 3
    assert.deepEqual(await csms.call('GetTariffs', { evseId: 0 }), { status: 'Accepted', tariffAssignments: [
      { tariffId: 'Tariff1', tariffKind: 'DefaultTariff', evseIds: [1] },
      { tariffId: 'Tariff2', tariffKind: 'DefaultTariff', evseIds: [2] },
      { tariffId: 'Tariff3', tariffKind: 'DefaultTariff', validFrom: tomorrow, evseIds: [1, 2] },
    ] });
    assert.deepEqual((await csms.call('GetTariffs', { evseId: 2 })).tariffAssignments!.map((a) => a.tariffId), ['Tariff2', 'Tariff3']);
    assert.deepEqual((await csms.call('GetTariffs', { evseId: 3 })).status, 'Rejected');
    await clock.advance(86_400_000); // Tariff3 valid: it replaces Tariff1 and Tariff2 (I07.FR.20)
    assert.deepEqual((await csms.call('GetTariffs', { evseId: 0 })).tariffAssignments!.map((a) => [a.tariffId, a.evseIds]), [['Tariff3', [1, 2]]]);
  });

  test('I10.FR.01 I10.FR.02 I10.FR.03 I10.FR.05 I10.FR.06 I10.FR.07 ClearTariffs by id, by EVSE, all; a transaction keeps its cleared tariff', async () => {
    const h = await harness({ version: '2.1', evses: TWO_EVSES, variables: POINTS });
    const { csms, clock } = h;
    const clear = (req: OcppTypes.ClearTariffsRequest) => csms.call('ClearTariffs', req).then((r) => r.clearTariffsResult);
    assert.deepEqual(await clear({}), [{ status: 'NoTariff' }]);
    await csms.call('SetDefaultTariff', { evseId: 0, tariff: kwh('Default01', 0.5) });
    await charge(h); // uses Default01 on EVSE 1
    await csms.call('SetDefaultTariff', { evseId: 0, tariff: kwh('Default02', 0.2, { validFrom: new Date(clock.now() + 3_600_000).toISOString() }) });
    assert.deepEqual(await clear({ tariffIds: ['nope'] }), [{ status: 'NoTariff' }]);
    assert.deepEqual(await clear({ tariffIds: ['Default02'], evseId: 2 }), [{ tariffId: 'Default02', status: 'Accepted' }]);
    assert.deepEqual((await csms.call('GetTariffs', { evseId: 0 })).tariffAssignments!.map((a) => [a.tariffId, a.evseIds]), [['Default01', [1, 2]], ['Default02', [1]]]);
    assert.deepEqual(await clear({ evseId: 1 }), [{ tariffId: 'Default01', status: 'Accepted' }, { tariffId: 'Default02', status: 'Accepted' }]);
    assert.deepEqual(await clear({}), [{ tariffId: 'Default01', status: 'Accepted' }]);
    assert.deepEqual(await csms.call('GetTariffs', { evseId: 0 }), { status: 'NoTariff' });
    await clock.advance(10 * MIN);
    await h.st.presentToken('TAG1', 'ISO14443', 1); // stop
    await settle();
    const ended = csms.txEvents.at(-1)!;
    assert.equal(ended.eventType, 'Ended');
    assert.deepEqual([ended.costDetails?.chargingPeriods?.[0]?.tariffId, ended.costDetails?.totalCost.total], ['Default01', { exclTax: 0.5, inclTax: 0.5 }], '1 kWh at 0.50: the cleared tariff still applied');
  });

  test('I07.FR.19 I07.FR.21 I07.FR.23 I07.FR.24 validFrom: not before it, a later one replaces, an earlier one does not; a transaction keeps its tariff', async () => {
    const h = await harness({ version: '2.1', evses: TWO_EVSES, variables: POINTS });
    const at = (hours: number): string => new Date(Date.parse('2025-01-01T00:00:00Z') + hours * 3_600_000).toISOString();
    const set = (tariff: Tariff) => h.csms.call('SetDefaultTariff', { evseId: 0, tariff });
    await set(kwh('A', 0.1));
    await set(kwh('B', 0.2, { validFrom: at(1) }));
    await set(kwh('C', 0.4, { validFrom: at(3) }));
    await set(kwh('D', 0.3, { validFrom: at(2) }));
    await h.clock.advance(30 * MIN);
    await charge(h, 1); // [I07.FR.19] B, C and D are not valid yet: A
    await h.clock.advance(60 * MIN);
    await charge(h, 2); // 01:30: B replaced A
    const started = () => h.csms.txEvents.filter((e) => e.eventType === 'Started').map((e) => e.transactionInfo.tariffId);
    assert.deepEqual(started(), ['A', 'B']);
    await h.clock.advance(60 * MIN); // 02:30: [I07.FR.21] D (02:00) replaced B
    assert.deepEqual((await h.csms.call('GetTariffs', { evseId: 1 })).tariffAssignments!.map((a) => a.tariffId), ['C', 'D']);
    await h.clock.advance(60 * MIN); // 03:30: [I07.FR.23] C stayed while not valid, and now replaces D
    assert.deepEqual((await h.csms.call('GetTariffs', { evseId: 1 })).tariffAssignments!.map((a) => a.tariffId), ['C']);
    h.st.stopCharging(1);
    await settle();
    // [I07.FR.24] 3 h at 6 kW, all at A's price.
    assert.deepEqual(h.csms.txEvents.at(-1)!.costDetails?.chargingPeriods?.map((p) => [p.tariffId, p.dimensions![0]!.volume]), [['A', 18000]]);
    assert.deepEqual(h.csms.txEvents.at(-1)!.costDetails?.totalCost.total, { exclTax: 1.8, inclTax: 1.8 });
  });

  test('I07.FR.13 default tariffs are kept in <dataDir>/tariffs.json across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cw-tariffs-'));
    const a = await harness({ version: '2.1', dataDir, variables: POINTS });
    await a.csms.call('SetDefaultTariff', { evseId: 1, tariff: kwh('Persisted', 0.3) });
    await a.st.stop();
    const b = await harness({ version: '2.1', dataDir, variables: POINTS });
    assert.deepEqual((await b.csms.call('GetTariffs', { evseId: 0 })).tariffAssignments, [{ tariffId: 'Persisted', tariffKind: 'DefaultTariff', evseIds: [1] }]);
    await b.st.stop();
  });
});

describe('I07 / I08 / I12 the tariff of a transaction and its costDetails (2.1)', () => {
  test('I07.FR.14 I07.FR.32 I12.FR.01 I12.FR.04 I12.FR.09 I12.FR.10 I12.FR.16 I12.FR.17 I12.FR.41 I12.FR.42 default tariff: tariffId once, costDetails in Ended', async () => {
    const h = await harness({ version: '2.1', variables: POINTS });
    const tariff: Tariff = { tariffId: 'T-EU', currency: 'EUR', energy: { prices: [{ priceKwh: 0.25 }], taxRates: [{ type: 'VAT', tax: 20 }] }, chargingTime: { prices: [{ priceMinute: 0.02 }] } };
    await h.csms.call('SetDefaultTariff', { evseId: 0, tariff });
    await charge(h);
    await h.clock.advance(30 * MIN);
    h.st.stopCharging(1);
    await settle();
    const evs = h.csms.txEvents;
    assert.deepEqual(evs.map(brief), ['Started(Authorized,EVConnected)', 'Updated(ChargingStateChanged,Charging)', 'Ended(StopAuthorized,EVConnected,Local)']);
    assert.deepEqual(evs.map((e) => e.transactionInfo.tariffId), ['T-EU', undefined, undefined], 'the tariffId once, with the authorization');
    assert.deepEqual(evs[2]!.costDetails, {
      chargingPeriods: [{ tariffId: 'T-EU', startPeriod: '2025-01-01T00:00:00.000Z', dimensions: [{ type: 'Energy', volume: 3000 }, { type: 'ChargingTime', volume: 1800 }] }],
      totalCost: {
        currency: 'EUR', typeOfCost: 'NormalCost', energy: { exclTax: 0.75, inclTax: 0.9, taxRates: [{ type: 'VAT', tax: 20 }] },
        chargingTime: { exclTax: 0.6, inclTax: 0.6 }, total: { exclTax: 1.35, inclTax: 1.5 },
      },
      totalUsage: { energy: 3000, chargingTime: 1800, idleTime: 0 },
    });
    assert.equal(evs[0]!.costDetails, undefined, 'no running cost with Enabled[RunningCost] false');
  });

  test('I08.FR.04 I08.FR.06 I08.FR.10 I08.FR.22 I09.FR.05 I09.FR.06 a driver tariff from the AuthorizeResponse is used for that driver, then removed', async () => {
    const msp: Tariff = kwh('MSP01', 0.2, { validFrom: '2030-01-01T00:00:00Z' });
    const h = await harness({
      version: '2.1', evses: TWO_EVSES, variables: { ...POINTS, 'AuthCacheCtrlr.Enabled': 'false' },
      replies: { Authorize: (req) => (req.idToken.idToken === 'ABCD1234' ? { idTokenInfo: { status: 'Accepted' }, tariff: msp } : { idTokenInfo: { status: 'Accepted' } }) },
    });
    await h.csms.call('SetDefaultTariff', { evseId: 0, tariff: kwh('Default01', 0.5) });
    await charge(h, 1, 'ABCD1234');
    await charge(h, 2, 'OTHER');
    assert.deepEqual(h.csms.txEvents.filter((e) => e.eventType === 'Started').map((e) => [e.evse?.id, e.transactionInfo.tariffId]), [[1, 'MSP01'], [2, 'Default01']]);
    // [I08.FR.10] the validFrom of a driver tariff is ignored (and not reported).
    assert.deepEqual((await h.csms.call('GetTariffs', { evseId: 0 })).tariffAssignments, [
      { tariffId: 'Default01', tariffKind: 'DefaultTariff', evseIds: [1, 2] },
      { tariffId: 'MSP01', tariffKind: 'DriverTariff', idTokens: ['ABCD1234'], evseIds: [1] },
    ]);
    assert.deepEqual((await h.csms.call('GetTariffs', { evseId: 2 })).tariffAssignments!.map((a) => a.tariffId), ['Default01']);
    await h.clock.advance(10 * MIN);
    await h.st.presentToken('ABCD1234', 'ISO14443', 1);
    await settle();
    const ended = h.csms.txEvents.find((e) => e.eventType === 'Ended')!;
    assert.deepEqual(ended.costDetails?.totalCost.total, { exclTax: 0.2, inclTax: 0.2 }, '1 kWh at the driver price');
    assert.deepEqual((await h.csms.call('GetTariffs', { evseId: 0 })).tariffAssignments!.map((a) => a.tariffId), ['Default01'], 'I08.FR.06 removed after its transaction');
  });

  test('I08.FR.31 C10.FR.04 a charge refused because the driver tariff failed (Deauthorize) leaves the CSMS\'s Accepted verdict in the authorization cache', async () => {
    const big: Tariff = kwh('BIG', 0.1, { energy: { prices: Array.from({ length: 11 }, (_, i) => ({ priceKwh: i })) } });
    const h = await harness({ version: '2.1', evses: TWO_EVSES, variables: { ...POINTS, 'AuthCacheCtrlr.Enabled': 'true' }, replies: { Authorize: () => ({ idTokenInfo: { status: 'Accepted' }, tariff: big }) } });
    const r = await h.csms.call('SetVariables', { setVariableData: [{ component: { name: 'TariffCostCtrlr' }, variable: { name: 'HandleFailedTariff', instance: 'Tariff' }, attributeValue: 'Deauthorize' }] });
    assert.equal(r.setVariableResult[0]!.attributeStatus, 'Accepted');
    assert.equal((await h.st.presentToken('DEAUTH', 'ISO14443', 1)).status, 'Invalid', 'not authorized for charging here');
    assert.equal(h.st.auth.fromCache({ idToken: 'DEAUTH', type: 'ISO14443' }, h.clock.now(), 86400)?.status, 'Accepted', 'the cache holds what the CSMS said');
  });

  test('I08.FR.30 I08.FR.31 I08.FR.32 I08.FR.33 I08.FR.35 I08.FR.36 I12.FR.43 I12.FR.44 a driver tariff the station cannot process: Problem, then HandleFailedTariff', async () => {
    const big: Tariff = kwh('BIG', 0.1, { energy: { prices: Array.from({ length: 11 }, (_, i) => ({ priceKwh: i })) } });
    let next: Tariff = big;
    const h = await harness({ version: '2.1', evses: TWO_EVSES, variables: { ...POINTS, 'AuthCacheCtrlr.Enabled': 'false' }, replies: { Authorize: () => ({ idTokenInfo: { status: 'Accepted' }, tariff: next }) } });
    await h.csms.call('SetDefaultTariff', { evseId: 0, tariff: kwh('Default01', 0.5) });
    await charge(h, 1, 'USEDEF'); // UseDefaultTariff (the default)
    const problem = () => h.csms.of('NotifyEvent').map((n) => n.eventData[0]!).filter((d) => d.component.name === 'TariffCostCtrlr').map((d) => `${d.variable.name}=${d.actualValue}${d.techCode ? `/${d.techCode}` : ''}:${d.trigger}/${d.eventNotificationType}`);
    assert.deepEqual(problem(), ['Problem=true/TooManyElements:Alerting/HardWiredNotification']);
    assert.equal(h.st.str('TariffCostCtrlr', 'Problem', ''), 'true');
    assert.equal(h.csms.txEvents[0]!.transactionInfo.tariffId, 'Default01', 'I08.FR.32 the default tariff');
    const handle = async (v: string) => assert.equal((await h.csms.call('SetVariables', { setVariableData: [{ component: { name: 'TariffCostCtrlr' }, variable: { name: 'HandleFailedTariff', instance: 'Tariff' }, attributeValue: v }] })).setVariableResult[0]!.attributeStatus, 'Accepted');
    await handle('CentralCost');
    await charge(h, 2, 'CENTRAL');
    const started2 = h.csms.txEvents.find((e) => e.eventType === 'Started' && e.evse?.id === 2)!;
    assert.equal(started2.transactionInfo.tariffId, undefined, 'I08.FR.33 no local cost calculation');
    await handle('Deauthorize');
    h.st.unplug(1); // [I12.FR.43] [I12.FR.44] the transaction's cost was calculated: Problem false
    await settle();
    assert.ok(h.csms.txEvents.some((e) => e.eventType === 'Ended' && e.costDetails?.chargingPeriods?.[0]?.tariffId === 'Default01'));
    assert.equal(h.st.str('TariffCostCtrlr', 'Problem', ''), 'false');
    assert.equal((await h.st.presentToken('DEAUTH', 'ISO14443', 1)).status, 'Invalid', 'I08.FR.31 not authorized for charging');
    next = kwh('GOOD', 0.2);
    assert.equal((await h.st.presentToken('FINE', 'ISO14443', 1)).status, 'Accepted');
    await settle();
    const f = 'Alerting/HardWiredNotification';
    // [I08.FR.35] [I08.FR.36] cleared again by a tariff that works.
    assert.deepEqual(problem(), [`Problem=true/TooManyElements:${f}`, `Problem=false:${f}`, `Problem=true/TooManyElements:${f}`, `Problem=false:${f}`]);
  });
});

describe('I11 ChangeTransactionTariff, I12 running cost (2.1)', () => {
  test('I11.FR.04 I11.FR.05 I11.FR.06 I11.FR.07 I11.FR.08 the tariff changes from now on: TariffChanged, a new charging period', async () => {
    const h = await harness({ version: '2.1', variables: POINTS });
    assert.deepEqual(await h.csms.call('ChangeTransactionTariff', { transactionId: 'none', tariff: kwh('X', 1) }), { status: 'TxNotFound' });
    await h.csms.call('SetDefaultTariff', { evseId: 0, tariff: kwh('Day', 0.3) });
    await charge(h);
    const txId = h.csms.txEvents[0]!.transactionInfo.transactionId;
    await h.clock.advance(10 * MIN);
    assert.deepEqual(await h.csms.call('ChangeTransactionTariff', { transactionId: txId, tariff: { ...kwh('Dollar', 0.1), currency: 'USD' } }), { status: 'NoCurrencyChange' });
    assert.deepEqual(await h.csms.call('ChangeTransactionTariff', { transactionId: txId, tariff: kwh('Peak', 0.6) }), { status: 'Accepted' });
    await settle();
    const changed = h.csms.txEvents.at(-1)!;
    assert.deepEqual([brief(changed), changed.transactionInfo.tariffId], ['Updated(TariffChanged,Charging)', 'Peak']);
    await h.clock.advance(10 * MIN);
    h.st.stopCharging(1);
    await settle();
    const d = h.csms.txEvents.at(-1)!.costDetails!;
    assert.deepEqual(d.chargingPeriods!.map((p) => [p.tariffId, p.startPeriod.slice(11, 19), p.dimensions![0]!.volume]), [['Day', '00:00:00', 1000], ['Peak', '00:10:00', 1000]]);
    assert.deepEqual(d.totalCost.total, { exclTax: 0.9, inclTax: 0.9 }, 'no retroactive calculation');
  });

  test('I12.FR.02 I12.FR.03 Enabled[RunningCost]: costDetails in Started and in an Updated(RunningCost) every Interval[Cost] seconds', async () => {
    const h = await harness({ version: '2.1', variables: { ...POINTS, 'TariffCostCtrlr.Enabled[RunningCost]': 'true', 'TariffCostCtrlr.Interval[Cost]': '300' } });
    assert.equal((await harness({ version: '2.1', start: false })).st.str('TariffCostCtrlr', 'Enabled', '', 'RunningCost'), 'true', 'on by default');
    await h.csms.call('SetDefaultTariff', { evseId: 0, tariff: kwh('Run', 0.4) });
    await charge(h);
    await h.clock.advance(10 * MIN);
    const evs = h.csms.txEvents;
    assert.deepEqual(evs.map(brief), ['Started(Authorized,EVConnected)', 'Updated(ChargingStateChanged,Charging)', 'Updated(RunningCost,Charging)', 'Updated(RunningCost,Charging)']);
    assert.deepEqual(evs.map((e) => e.costDetails?.totalCost.total.inclTax), [0, undefined, 0.2, 0.4]);
    assert.deepEqual(evs[3]!.costDetails, { totalCost: { currency: 'EUR', typeOfCost: 'NormalCost', energy: { exclTax: 0.4, inclTax: 0.4 }, total: { exclTax: 0.4, inclTax: 0.4 } }, totalUsage: { energy: 1000, chargingTime: 600, idleTime: 0 } }, 'no chargingPeriods while running');
  });

  test('I12.FR.06 I12.FR.07 I12.FR.08 a reservation used by the transaction: reservation time from the ReserveNowRequest and fixed fee', async () => {
    const h = await harness({ version: '2.1', variables: POINTS });
    await h.csms.call('SetDefaultTariff', { evseId: 0, tariff: kwh('Res', 0.3, { reservationTime: { prices: [{ priceMinute: 0.05 }] }, reservationFixed: { prices: [{ priceFixed: 1 }] } }) });
    const expiry = new Date(h.clock.now() + 3_600_000).toISOString();
    assert.equal((await h.csms.call('ReserveNow', { id: 42, expiryDateTime: expiry, idToken: { idToken: 'TAG1', type: 'ISO14443' }, evseId: 1 })).status, 'Accepted');
    await h.clock.advance(20 * MIN);
    await charge(h);
    h.st.stopCharging(1);
    await settle();
    const d = h.csms.txEvents.at(-1)!.costDetails!;
    assert.equal(h.csms.txEvents[0]!.reservationId, 42);
    assert.deepEqual([d.totalCost.reservationTime, d.totalCost.reservationFixed, d.totalUsage.reservationTime], [{ exclTax: 1, inclTax: 1 }, { exclTax: 1, inclTax: 1 }, 1200]);
  });
});

describe('E16.FR.16 maxCost against the local cost calculation', () => {
  test('E16.FR.16 E16.FR.06 the CSMS cost updates are ignored; the transaction ends when the local cost reaches maxCost', async () => {
    const plan: { limit?: OcppTypes.TransactionLimitType; cost?: number } = { limit: { maxCost: 1.1 } };
    const replies = {
      TransactionEvent: (): OcppTypes.TransactionEventResponse => {
        const r: OcppTypes.TransactionEventResponse = {};
        if (plan.limit) { r.transactionLimit = plan.limit; plan.limit = undefined; }
        if (plan.cost !== undefined) { r.totalCost = plan.cost; plan.cost = undefined; }
        return r;
      },
    };
    const h = await harness({ version: '2.1', replies, variables: { ...POINTS, 'TxCtrlr.TxStopPoint': 'EnergyTransfer' } });
    // 0.50/kWh + 10 % VAT = 0.55/kWh incl.: maxCost 1.10 is 2 kWh, at 6 kW after exactly 20 minutes.
    await h.csms.call('SetDefaultTariff', { evseId: 0, tariff: kwh('Local', 0.5, { energy: { prices: [{ priceKwh: 0.5 }], taxRates: [{ type: 'VAT', tax: 10 }] } }) });
    await charge(h);
    const txId = h.csms.txEvents[0]!.transactionInfo.transactionId;
    assert.deepEqual(h.csms.txEvents.map((e) => [e.triggerReason, e.transactionInfo.transactionLimit]).at(-1), ['LimitSet', { maxCost: 1.1 }]);
    // The CSMS says far more than maxCost (would stop at once under E16.FR.15) ...
    assert.deepEqual(await h.csms.call('CostUpdated', { totalCost: 50, transactionId: txId }), {});
    plan.cost = 99;
    await h.csms.call('TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } });
    await settle();
    await h.clock.advance(5 * MIN);
    assert.equal(h.st.state().evses[0]!.chargingState, 'Charging', 'CSMS cost updates do not count');
    // ... then far less: still the local cost decides.
    await h.clock.advance(14 * MIN);
    assert.deepEqual(await h.csms.call('CostUpdated', { totalCost: 0.1, transactionId: txId }), {});
    assert.equal(h.csms.txEvents.at(-1)!.eventType, 'Updated');
    await h.clock.advance(MIN);
    const ended = h.csms.txEvents.at(-1)!;
    assert.deepEqual([brief(ended), ended.timestamp], ['Ended(CostLimitReached,EVConnected,LocalOutOfCredit)', '2025-01-01T00:20:00.000Z']);
    assert.deepEqual([ended.costDetails?.totalCost.total, ended.costDetails?.totalUsage.energy], [{ exclTax: 1, inclTax: 1.1 }, 2000]);
    assert.equal(h.st.state().evses[0]!.energyWh, 2000);
  });

  test('E16.FR.15 E16.FR.16 without a tariff (or with TariffCostCtrlr.Enabled[Tariff] false) the CSMS cost still decides', async () => {
    for (const disable of [false, true]) {
      let limit: OcppTypes.TransactionLimitType | undefined = { maxCost: 5 };
      const h = await harness({ version: '2.1', variables: POINTS, replies: { TransactionEvent: () => { const r = limit ? { transactionLimit: limit } : {}; limit = undefined; return r; } } });
      if (disable) {
        await h.csms.call('SetDefaultTariff', { evseId: 0, tariff: kwh('Off', 0.5) });
        await h.csms.call('SetVariables', { setVariableData: [{ component: { name: 'TariffCostCtrlr' }, variable: { name: 'Enabled', instance: 'Tariff' }, attributeValue: 'false' }] });
      }
      await charge(h);
      const txId = h.csms.txEvents[0]!.transactionInfo.transactionId;
      assert.equal(h.csms.txEvents[0]!.transactionInfo.tariffId, undefined);
      await h.csms.call('CostUpdated', { totalCost: 5.2, transactionId: txId });
      await settle();
      assert.equal(brief(h.csms.txEvents.at(-1)!), 'Updated(CostLimitReached,SuspendedEVSE)');
    }
  });
});

describe('OCPP 2.0.1', () => {
  test('I07 I09 I10 I11 are 2.1 only: NotImplemented under 2.0.1, and transactions carry no tariffId or costDetails', async () => {
    const h = await harness({ version: '2.0.1', variables: POINTS });
    const transport = (h.csms.endpoint as any).transport;
    for (const [i, action] of ['SetDefaultTariff', 'GetTariffs', 'ClearTariffs', 'ChangeTransactionTariff'].entries()) {
      transport.send(JSON.stringify([2, `t${i}`, action, action === 'GetTariffs' ? { evseId: 0 } : {}]));
      await settle();
      assert.deepEqual(JSON.parse(transport.peer.sent.at(-1)).slice(0, 3), [4, `t${i}`, 'NotImplemented'], action);
    }
    await charge(h);
    await h.clock.advance(10 * MIN);
    h.st.stopCharging(1);
    await settle();
    assert.ok(h.csms.txEvents.length >= 3 && h.csms.txEvents.every((e) => e.costDetails === undefined && e.transactionInfo.tariffId === undefined));
  });
});
