// Part 6 test cases for the Charging Station, blocks D (Local Authorization List) and J (Metering): the
// simulator under test, a scripted CSMS in the OCTT's role (preparations, steps, tool validations), 2.1 and 2.0.1.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppTypes, OcppVersion } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET } from './sequence.ts';

type Mv = OcppTypes.MeterValueType;
const MIN = 60_000;
const TWO = { evses: [{ connectors: [{}] }, { connectors: [{}] }] };
const tok = (idToken: string) => ({ idToken, type: 'ISO14443' as const });
const entry = (id: string) => ({ idToken: tok(id), idTokenInfo: { status: 'Accepted' as const } });
const LIST_ON = { ...QUIET, 'LocalAuthListCtrlr.Enabled': 'true' };
const secs = (ts: string[]) => ts.slice(1).map((t, i) => (Date.parse(t) - Date.parse(ts[i]!)) / 1000);
const measurands = (m: Mv) => m.sampledValue.map((s) => s.measurand ?? 'Energy.Active.Import.Register');

/** Verify an OCMF signed meter value (format as in fr-j2) against `publicKey`; returns the reading's TX flag. */
function ocmfTx(smv: OcppTypes.SignedMeterValueType, publicKey: string, version: OcppVersion): string | undefined {
  const [magic, payload, sig] = Buffer.from(smv.signedMeterData, 'base64').toString('utf8').split('|');
  assert.equal(magic, 'OCMF');
  const der = version === '2.1' ? Buffer.from(publicKey.replace(/^oca:base16:asn1:/, ''), 'hex') : Buffer.from(publicKey, 'base64');
  const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  assert.ok(verify('sha256', Buffer.from(payload!), key, Buffer.from((JSON.parse(sig!) as { SD: string }).SD, 'hex')), 'signature verifies');
  return (JSON.parse(payload!) as { RD: { TX?: string }[] }).RD[0]!.TX;
}

for (const version of VERSIONS) {
  describe(`Part 6 block D, station side (${version})`, () => {
    /** Preparation shared by D_02..D_08: LocalAuthListEnabled true, a list with <valid idtoken>, versionNumber N. */
    const prepared = async (n = 3, dataDir?: string) => {
      const h = await harness({ version, variables: LIST_ON, ...(dataDir ? { dataDir } : {}) });
      assert.equal((await h.csms.call('SendLocalList', { versionNumber: n, updateType: 'Full', localAuthorizationList: [entry('VALID1')] })).status, 'Accepted');
      return h;
    };

    test('TC_D_02_CS D01.FR.02 D01.FR.16 Differential update with a new idToken: Accepted, version N+1, entry added', async () => {
      const { st, csms } = await prepared();
      assert.deepEqual(await csms.call('SendLocalList', { versionNumber: 4, updateType: 'Differential', localAuthorizationList: [entry('VALID2')] }), { status: 'Accepted' });
      assert.deepEqual(await csms.call('GetLocalListVersion', {}), { versionNumber: 4 });
      assert.deepEqual([st.auth.fromList(tok('VALID1'))?.status, st.auth.fromList(tok('VALID2'))?.status], ['Accepted', 'Accepted']);
    });

    test('TC_D_03_CS D01.FR.02 D01.FR.17 Differential with entries without idTokenInfo: Accepted, version N+1, entries removed', async () => {
      const { st, csms } = await prepared();
      assert.deepEqual(await csms.call('SendLocalList', { versionNumber: 4, updateType: 'Differential', localAuthorizationList: [{ idToken: tok('VALID1') }] }), { status: 'Accepted' });
      assert.deepEqual(await csms.call('GetLocalListVersion', {}), { versionNumber: 4 });
      assert.deepEqual([st.auth.fromList(tok('VALID1')), st.auth.listSize], [undefined, 0]);
    });

    test('TC_D_04_CS D01.FR.02 D01.FR.04 Full with an empty list (localAuthorizationList omitted): Accepted, version N, list emptied', async () => {
      const { st, csms } = await prepared();
      assert.deepEqual(await csms.call('SendLocalList', { versionNumber: 3, updateType: 'Full' }), { status: 'Accepted' });
      assert.deepEqual(await csms.call('GetLocalListVersion', {}), { versionNumber: 3 });
      assert.equal(st.auth.listSize, 0);
    });

    test('TC_D_05_CS D01.FR.02 D01.FR.05 Differential with an empty list: Accepted, version N+1, list unchanged', async () => {
      const { st, csms } = await prepared();
      assert.deepEqual(await csms.call('SendLocalList', { versionNumber: 4, updateType: 'Differential' }), { status: 'Accepted' });
      assert.deepEqual(await csms.call('GetLocalListVersion', {}), { versionNumber: 4 });
      assert.equal(st.auth.fromList(tok('VALID1'))?.status, 'Accepted');
    });

    test('TC_D_06_CS D01.FR.19 Differential with versionNumber N-1: VersionMismatch, version stays N', async () => {
      const { st, csms } = await prepared(3);
      assert.deepEqual(await csms.call('SendLocalList', { versionNumber: 2, updateType: 'Differential', localAuthorizationList: [entry('VALID2')] }), { status: 'VersionMismatch' });
      assert.deepEqual(await csms.call('GetLocalListVersion', {}), { versionNumber: 3 });
      assert.equal(st.auth.fromList(tok('VALID2')), undefined);
    });

    test('TC_D_07_CS D01.FR.10 the list persists over a reboot: version N after a Reset and after a power cycle', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-tcd07-'));
      const { st, csms } = await prepared(7, dataDir);
      assert.deepEqual(await csms.call('Reset', { type: 'Immediate' }), { status: 'Accepted' });
      await csms.until(() => csms.of('BootNotification').length === 2);
      assert.deepEqual(await csms.call('GetLocalListVersion', {}), { versionNumber: 7 });
      await st.stop();
      const b = await harness({ version, dataDir, variables: LIST_ON });
      assert.deepEqual(await b.csms.call('GetLocalListVersion', {}), { versionNumber: 7 });
      assert.equal(b.st.auth.fromList(tok('VALID1'))?.status, 'Accepted');
      await b.st.stop();
    });

    test('TC_D_08_CS D02.FR.01 GetLocalListVersion: the configured versionNumber', async () => {
      const { csms } = await prepared(12);
      assert.deepEqual(await csms.call('GetLocalListVersion', {}), { versionNumber: 12 });
    });

    test('TC_D_10_CS D02.FR.03 LocalAuthListCtrlr.Enabled false (set by the CSMS): GetLocalListVersion 0', async () => {
      const { csms } = await prepared(5);
      const r = await csms.call('SetVariables', { setVariableData: [{ component: { name: 'LocalAuthListCtrlr' }, variable: { name: 'Enabled' }, attributeValue: 'false' }] });
      assert.equal(r.setVariableResult[0]!.attributeStatus, 'Accepted');
      assert.deepEqual(await csms.call('GetLocalListVersion', {}), { versionNumber: 0 });
    });
  });

  describe(`Part 6 block J, station side (${version})`, () => {
    const ALIGNED = { ...QUIET, 'AlignedDataCtrlr.Interval': '300', 'AlignedDataCtrlr.Measurands': 'Energy.Active.Import.Register,Power.Active.Import,Current.Import' };

    test('TC_J_01_CS J01.FR.01 J01.FR.02 J01.FR.06 J01.FR.07 J01.FR.14 idle: clock-aligned MeterValues, Sample.Clock, every AlignedDataMeasurand, at the AlignedDataInterval', async () => {
      const { csms, clock } = await harness({ version, ...TWO, variables: ALIGNED });
      csms.clear();
      await clock.advance(15 * MIN);
      const mv = csms.of('MeterValues');
      assert.ok(mv.length >= 3, 'the OCTT ends after three MeterValues');
      for (const m of mv) {
        assert.equal(m.meterValue[0]!.sampledValue[0]!.context, 'Sample.Clock');
        assert.deepEqual([...new Set(measurands(m.meterValue[0]!))], ['Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import']);
      }
      for (const evseId of [1, 2]) assert.deepEqual(secs(mv.filter((m) => m.evseId === evseId).map((m) => m.meterValue[0]!.timestamp)), [300, 300]);
      assert.deepEqual(mv.filter((m) => m.evseId === 1).map((m) => m.meterValue[0]!.timestamp), mv.filter((m) => m.evseId === 2).map((m) => m.meterValue[0]!.timestamp), 'same timestamp for every EVSE');
    });

    test('TC_J_02_CS J01.FR.01 J01.FR.02 J01.FR.08 J01.FR.14 transaction ongoing: MeterValueClock TransactionEvents for its EVSE, MeterValues for the idle one', async () => {
      const { st, csms, clock } = await harness({ version, ...TWO, variables: { ...ALIGNED, 'AlignedDataCtrlr.SendDuringIdle': 'false' } });
      st.plugIn(1, 1, { powerW: 6000 });
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      await clock.advance(15 * MIN);
      const clockEvents = csms.txEvents.filter((e) => e.triggerReason === 'MeterValueClock');
      assert.deepEqual(clockEvents.map((e) => [e.eventType, e.evse?.id ?? 1]), [['Updated', 1], ['Updated', 1], ['Updated', 1]]);
      for (const e of clockEvents) {
        assert.equal(e.meterValue![0]!.sampledValue[0]!.context, 'Sample.Clock');
        assert.deepEqual([...new Set(measurands(e.meterValue![0]!))], ['Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import']);
      }
      assert.deepEqual(secs(clockEvents.map((e) => e.timestamp)), [300, 300]);
      const mv = csms.of('MeterValues');
      assert.deepEqual(mv.map((m) => m.evseId), [2, 2, 2], 'MeterValues only for the idle EVSE');
      assert.ok(mv.every((m) => m.meterValue[0]!.sampledValue[0]!.context === 'Sample.Clock'));
      assert.deepEqual(secs(mv.map((m) => m.meterValue[0]!.timestamp)), [300, 300]);
    });

    test('TC_J_04_CS J01.FR.21 AlignedDataCtrlr.TxEndedInterval, SignReadings true: Ended carries signed Sample.Clock readings with a public key', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-tcj04-'));
      const { st, csms, clock } = await harness({ version, dataDir, variables: { ...QUIET, 'AlignedDataCtrlr.TxEndedInterval': '300', 'AlignedDataCtrlr.TxEndedMeasurands': 'Energy.Active.Import.Register',
        'AlignedDataCtrlr.SendDuringIdle': 'false', 'AlignedDataCtrlr.SignReadings': 'true', 'SampledDataCtrlr.TxEndedMeasurands': '' } });
      st.plugIn(1, 1, { powerW: 6000 });
      await st.presentToken('TAG1');
      await clock.advance(16 * MIN);
      st.unplug(1); // ParkingBayUnoccupied
      await settle();
      const ended = csms.txEvents.at(-1)!;
      assert.equal(ended.eventType, 'Ended');
      const clk = ended.meterValue!.filter((m) => m.sampledValue[0]!.context === 'Sample.Clock');
      assert.deepEqual(clk.map((m) => m.timestamp.slice(11, 19)), ['00:05:00', '00:10:00', '00:15:00']);
      assert.deepEqual(secs(clk.map((m) => m.timestamp)), [300, 300]);
      const svs = clk.flatMap((m) => m.sampledValue);
      assert.ok(svs.every((s) => s.signedMeterValue !== undefined), 'signedMeterValue not omitted');
      const key = svs.map((s) => s.signedMeterValue!.publicKey).find((k) => k);
      assert.ok(key, 'OncePerTransaction: a valid public key in the first signed value');
      for (const s of svs) ocmfTx(s.signedMeterValue!, key!, version);
      await st.stop();
    });

    test('TC_J_06_CS J01.FR.20 AlignedDataCtrlr.SendDuringIdle true: clock-aligned MeterValues while idle, no meter values at all during the transaction', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...ALIGNED, 'AlignedDataCtrlr.SendDuringIdle': 'true', 'SampledDataCtrlr.TxStartedMeasurands': '', 'AlignedDataCtrlr.TxEndedMeasurands': '' } });
      csms.clear();
      await clock.advance(5 * MIN);
      assert.deepEqual(csms.of('MeterValues').map((m) => [m.meterValue[0]!.timestamp.slice(11, 19), m.meterValue[0]!.sampledValue[0]!.context]), [['00:05:00', 'Sample.Clock']]);
      st.plugIn(1, 1, { powerW: 6000 }); // step 3 EnergyTransferStarted
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      await clock.advance(5 * MIN + 5000); // step 6 after the interval + 5 s
      assert.equal(csms.of('MeterValues').length, 0);
      assert.deepEqual(csms.txEvents.filter((e) => e.meterValue), [], 'no TransactionEvent with meter values during the transaction');
      st.unplug(1);
      await settle();
      csms.clear();
      await clock.advance(5 * MIN);
      const mv = csms.of('MeterValues');
      assert.deepEqual(mv.map((m) => [m.meterValue[0]!.timestamp.slice(11, 19), m.meterValue[0]!.sampledValue[0]!.context]), [['00:15:00', 'Sample.Clock']]);
      assert.deepEqual([...new Set(measurands(mv[0]!.meterValue[0]!))], ['Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import']);
    });

    const STARTED = 'Energy.Active.Import.Register,Power.Active.Import';

    test('TC_J_07_CS J02.FR.01 J02.FR.02 J02.FR.10 E01.FR.09 E02.FR.09 TxStartPoint EVConnected: Started carries Transaction.Begin with every TxStartedMeasurand', async () => {
      const { st, csms } = await harness({ version, variables: { ...QUIET, 'TxCtrlr.TxStartPoint': 'EVConnected', 'SampledDataCtrlr.TxStartedMeasurands': STARTED } });
      csms.clear();
      st.plugIn(1, 1, { powerW: 6000 }); // EVConnectedPreSession
      await st.presentToken('TAG1'); // EnergyTransferStarted
      await settle();
      const started = csms.txEvents.find((e) => e.eventType === 'Started')!;
      assert.equal(started.triggerReason, 'CablePluggedIn');
      assert.equal(started.meterValue![0]!.sampledValue[0]!.context, 'Transaction.Begin');
      assert.deepEqual(measurands(started.meterValue![0]!), STARTED.split(','));
    });

    test('TC_J_08_CS J02.FR.01 J02.FR.02 J02.FR.10 E01.FR.16 E01.FR.17 TxStartPoint Authorized: the first event with an evse carries Transaction.Begin with every TxStartedMeasurand', async () => {
      const { st, csms } = await harness({ version, variables: { ...QUIET, 'TxCtrlr.TxStartPoint': 'Authorized', 'SampledDataCtrlr.TxStartedMeasurands': STARTED } });
      csms.clear();
      await st.presentToken('TAG1'); // Authorized, EVSE not known yet
      st.plugIn(1, 1, { powerW: 6000 }); // EVConnectedPreSession, EnergyTransferStarted
      await settle();
      assert.equal(csms.txEvents[0]!.eventType, 'Started');
      const first = csms.txEvents.find((e) => e.evse !== undefined)!;
      assert.ok(first.meterValue, 'the first TransactionEvent with an evse has meter values');
      assert.equal(first.meterValue[0]!.sampledValue[0]!.context, 'Transaction.Begin');
      assert.deepEqual(measurands(first.meterValue[0]!), STARTED.split(','));
    });

    test('TC_J_09_CS J02.FR.01 J02.FR.11 J02.FR.14 E02.FR.10 SampledDataCtrlr.TxUpdatedInterval: Updated(MeterValuePeriodic), Sample.Periodic, every TxUpdatedMeasurand, at the interval', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...QUIET, 'SampledDataCtrlr.TxUpdatedInterval': '120', 'SampledDataCtrlr.TxUpdatedMeasurands': 'Energy.Active.Import.Register,Power.Active.Import,Current.Import' } });
      st.plugIn(1, 1, { powerW: 6000 });
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      await clock.advance(6 * MIN);
      const periodic = csms.txEvents;
      assert.deepEqual(periodic.map((e) => [e.eventType, e.triggerReason]), [['Updated', 'MeterValuePeriodic'], ['Updated', 'MeterValuePeriodic'], ['Updated', 'MeterValuePeriodic']]);
      for (const e of periodic) {
        assert.equal(e.meterValue![0]!.sampledValue[0]!.context, 'Sample.Periodic');
        assert.deepEqual([...new Set(measurands(e.meterValue![0]!))], ['Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import']);
      }
      assert.deepEqual(secs(periodic.map((e) => e.timestamp)), [120, 120]);
    });

    test('TC_J_11_CS J02.FR.21 SampledDataCtrlr.TxEndedInterval, SignReadings true: Ended has Sample.Periodic readings and a Transaction.End, all signed, a public key', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-tcj11-'));
      const { st, csms, clock } = await harness({ version, dataDir, variables: { ...QUIET, 'SampledDataCtrlr.TxEndedInterval': '300', 'SampledDataCtrlr.TxEndedMeasurands': 'Energy.Active.Import.Register', 'SampledDataCtrlr.SignReadings': 'true' } });
      st.plugIn(1, 1, { powerW: 6000 });
      await st.presentToken('TAG1');
      await clock.advance(11 * MIN);
      st.unplug(1); // ParkingBayUnoccupied
      await settle();
      const ended = csms.txEvents.at(-1)!;
      assert.equal(ended.eventType, 'Ended');
      const mvs = ended.meterValue!;
      assert.deepEqual(mvs.map((m) => [m.timestamp.slice(11, 19), m.sampledValue[0]!.context]), [['00:00:00', 'Sample.Periodic'], ['00:05:00', 'Sample.Periodic'], ['00:10:00', 'Sample.Periodic'], ['00:11:00', 'Transaction.End']]);
      assert.deepEqual(secs(mvs.slice(0, 3).map((m) => m.timestamp)), [300, 300]);
      const svs = mvs.flatMap((m) => m.sampledValue);
      assert.ok(svs.every((s) => s.signedMeterValue !== undefined), 'signedMeterValue not omitted');
      assert.ok(svs.every((s) => typeof s.signedMeterValue!.publicKey === 'string'), 'publicKey exists: "" or a key');
      const key = csms.txEvents.flatMap((e) => e.meterValue ?? []).flatMap((m) => m.sampledValue).map((s) => s.signedMeterValue?.publicKey).find((k) => k);
      assert.ok(key, 'OncePerTransaction: the key was sent once in this transaction');
      const tx = svs.map((s) => ocmfTx(s.signedMeterValue!, key!, version)); // every signature verifies with the key
      assert.equal(tx.at(-1), 'E', 'the Transaction.End reading is the OCMF end reading');
      await st.stop();
    });
  });
}
