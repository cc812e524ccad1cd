// Block J (Metering), station side, part 2: per-phase sampled values and signed meter values (OCMF).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppTypes, OcppVersion } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';

type Sv = OcppTypes.SampledValueType;
const MIN = 60_000;
const NO_HB = { 'OCPPCommCtrlr.HeartbeatInterval': '86400', 'AlignedDataCtrlr.Interval': '0', 'SampledDataCtrlr.TxUpdatedInterval': '0' };
const svs = (e: { meterValue?: OcppTypes.MeterValueType[] }): Sv[] => (e.meterValue ?? []).flatMap((m) => m.sampledValue);
const row = (s: Sv): [string | undefined, string | undefined, number] => [s.measurand, s.phase, s.value];

/** Decode and verify an OCMF signedMeterValue with the given public key; returns the payload. */
function verifyOcmf(smv: OcppTypes.SignedMeterValueType, publicKey: string, version: OcppVersion): { RD: { RV: number; TX?: string; RI: string; RU: string }[]; GS: string } {
  assert.deepEqual([smv.encodingMethod, smv.signingMethod], ['OCMF', 'ECDSA-secp256r1-SHA256']);
  const text = Buffer.from(smv.signedMeterData, 'base64').toString('utf8');
  const [magic, payload, sig, ...rest] = text.split('|');
  assert.equal(magic, 'OCMF');
  assert.equal(rest.length, 0);
  const der = version === '2.1'
    ? (assert.match(publicKey, /^oca:base16:asn1:[0-9a-f]+$/), Buffer.from(publicKey.slice('oca:base16:asn1:'.length), 'hex'))
    : Buffer.from(publicKey, 'base64');
  const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  const s = JSON.parse(sig!) as { SA: string; SD: string };
  assert.equal(s.SA, 'ECDSA-secp256r1-SHA256');
  assert.ok(verify('sha256', Buffer.from(payload!), key, Buffer.from(s.SD, 'hex')), 'the signature verifies with the published key');
  assert.ok(!verify('sha256', Buffer.from(payload!.replace(/"RV":\d+/, '"RV":1')), key, Buffer.from(s.SD, 'hex')), 'a changed reading does not');
  return JSON.parse(payload!);
}

for (const version of VERSIONS) {
  describe(`block J station-side FRs, part 2 (${version})`, () => {
    test('J01.FR.10 J02.FR.05 J02.FR.06 J01.FR.14 per-phase values: Current.Import L1-L3 and Voltage L1-N..L3-N on a 3-phase EVSE, L1 only on a 1-phase EVSE', async () => {
      const { st, csms, clock } = await harness({
        version, evses: [{ connectors: [{}] }, { phases: 1, connectors: [{}] }],
        variables: { ...NO_HB, 'SampledDataCtrlr.TxUpdatedInterval': '60', 'SampledDataCtrlr.TxUpdatedMeasurands': 'Current.Import,Voltage,Power.Active.Import,SoC', 'AlignedDataCtrlr.Interval': '900', 'AlignedDataCtrlr.Measurands': 'Voltage' },
      });
      st.plugIn(1, 1, { powerW: 6900, socPercent: 40, capacityWh: 69_000 });
      await st.presentToken('TAG1');
      st.plugIn(2, 1, { powerW: 2300 });
      await st.presentToken('TAG2', 'ISO14443', 2);
      await settle();
      csms.clear();
      await clock.advance(MIN);
      const periodic = (evse: number) => svs(csms.txEvents.find((e) => e.evse?.id === evse && e.triggerReason === 'MeterValuePeriodic')!).map(row);
      assert.deepEqual(periodic(1), [['Current.Import', 'L1', 10], ['Current.Import', 'L2', 10], ['Current.Import', 'L3', 10],
        ['Voltage', 'L1-N', 230], ['Voltage', 'L2-N', 230], ['Voltage', 'L3-N', 230], ['Power.Active.Import', undefined, 6900], ['SoC', undefined, 40.2]]);
      // J02.FR.05 the location where the value is measured: SoC comes from the EV, the rest from the outlet (default).
      const loc = svs(csms.txEvents.find((e) => e.evse?.id === 1 && e.triggerReason === 'MeterValuePeriodic')!).map((s) => s.location);
      assert.deepEqual(loc, [undefined, undefined, undefined, undefined, undefined, undefined, undefined, 'EV']);
      assert.deepEqual(periodic(2), [['Current.Import', 'L1', 10], ['Voltage', 'L1-N', 230], ['Power.Active.Import', undefined, 2300]]);
      st.unplug(1);
      st.unplug(2);
      await settle();
      csms.clear();
      await clock.advance(15 * MIN);
      // J01.FR.14: clock-aligned data for every phase the meter measures.
      assert.deepEqual(csms.of('MeterValues').map((m) => [m.evseId, m.meterValue[0]!.sampledValue.map((s) => s.phase)]), [[1, ['L1-N', 'L2-N', 'L3-N']], [2, ['L1-N']]]);
    });

    test('J02.FR.06 SampledDataCtrlr.RegisterValuesWithoutPhases = false: the energy register per phase besides the total', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...NO_HB, 'SampledDataCtrlr.RegisterValuesWithoutPhases': 'false', 'SampledDataCtrlr.TxEndedMeasurands': 'Energy.Active.Import.Register' } });
      st.plugIn(1, 1, { powerW: 6000 });
      await st.presentToken('TAG1');
      await clock.advance(6 * MIN);
      await st.presentToken('TAG1');
      await settle();
      const ended = csms.txEvents.find((e) => e.eventType === 'Ended')!;
      assert.deepEqual(svs({ meterValue: ended.meterValue!.slice(-1) }).map(row), [['Energy.Active.Import.Register', undefined, 600], ['Energy.Active.Import.Register', 'L1', 200], ['Energy.Active.Import.Register', 'L2', 200], ['Energy.Active.Import.Register', 'L3', 200]]);
    });

    test('J01.FR.11 J01.FR.13 J02.FR.07 J02.FR.09 PhaseRotation relative to the grid connection in the device model (phases as the meter sees them)', async () => {
      const { csms } = await harness({ version, evses: [{ connectors: [{}] }, { phases: 1, connectors: [{}] }], variables: NO_HB });
      const r = await csms.call('GetVariables', { getVariableData: [
        { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'PhaseRotation' } },
        { component: { name: 'EVSE', evse: { id: 2 } }, variable: { name: 'PhaseRotation' } },
        { component: { name: 'EVSE', evse: { id: 2 } }, variable: { name: 'SupplyPhases' } },
      ] });
      assert.deepEqual(r.getVariableResult.map((x) => x.attributeValue), ['RST', 'Rxx', '1']);
    });

    test('J02.FR.21 J02.FR.23 J02.FR.24 E02.FR.14 SampledDataCtrlr.SignReadings: energy readings signed (OCMF, ECDSA P-256), public key once per transaction', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-sign-'));
      const variables = { ...NO_HB, 'SampledDataCtrlr.SignReadings': 'true', 'SampledDataCtrlr.TxUpdatedInterval': '300',
        'SampledDataCtrlr.TxUpdatedMeasurands': 'Energy.Active.Import.Register,Power.Active.Import', 'SampledDataCtrlr.TxStartedMeasurands': 'Energy.Active.Import.Register' };
      const { st, csms, clock } = await harness({ version, dataDir, variables });
      st.plugIn(1, 1, { powerW: 6000 });
      await st.presentToken('TAG1');
      await clock.advance(5 * MIN);
      await st.presentToken('TAG1');
      await settle();
      const [started, periodic, ended] = [csms.txEvents[0]!, csms.txEvents.find((e) => e.triggerReason === 'MeterValuePeriodic')!, csms.txEvents.find((e) => e.eventType === 'Ended')!];
      const key = svs(started)[0]!.signedMeterValue!.publicKey!;
      assert.ok(key.length > 0, 'the key goes with the first signed value of the transaction');
      const begin = verifyOcmf(svs(started)[0]!.signedMeterValue!, key, version);
      assert.deepEqual([begin.RD[0]!.TX, begin.RD[0]!.RV, begin.RD[0]!.RI, begin.RD[0]!.RU, begin.GS], ['B', 0, '1-b:1.8.0', 'Wh', 'CS001']);
      const [energy, power] = svs(periodic);
      assert.equal(energy!.signedMeterValue!.publicKey, '', 'OncePerTransaction: not again');
      assert.deepEqual(verifyOcmf(energy!.signedMeterValue!, key, version).RD.map((r) => [r.TX, r.RV]), [['C', 500]]);
      assert.equal(power!.signedMeterValue, undefined, 'the meter signs its energy register only');
      assert.deepEqual(svs(ended).map((s) => verifyOcmf(s.signedMeterValue!, key, version).RD.map((r) => [r.TX, r.RV])), [[['B', 0]], [['E', 500]]], 'start and end reading, both signed');
      await st.stop();
      // The key pair is the station's: the same after a restart.
      const b = await harness({ version, dataDir, variables: { ...variables, 'OCPPCommCtrlr.PublicKeyWithSignedMeterValue': 'EveryMeterValue' } });
      b.st.plugIn(1, 1);
      await b.st.presentToken('TAG1');
      await b.csms.until(() => b.csms.txEvents.length === 1);
      assert.equal(svs(b.csms.txEvents[0]!)[0]!.signedMeterValue!.publicKey, key);
      await b.st.stop();
    });

    test('E03.FR.10 E04.FR.10 idToken first, transaction offline: the queued events carry signed readings too', async () => {
      const { st, csms } = await harness({ version, variables: { ...NO_HB, 'SampledDataCtrlr.SignReadings': 'true', 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true',
        'SampledDataCtrlr.TxStartedMeasurands': 'Energy.Active.Import.Register', 'OCPPCommCtrlr.PublicKeyWithSignedMeterValue': 'EveryMeterValue' } });
      await st.goOffline();
      await st.presentToken('TAG1'); // token first (E03), while offline (E04: OfflineTxForUnknownIdEnabled)
      st.plugIn(1, 1);
      await settle();
      await st.goOnline();
      await csms.until(() => csms.txEvents.length === 1);
      const e = csms.txEvents[0]!;
      assert.deepEqual([e.eventType, e.offline], ['Started', true]);
      const sv = svs(e)[0]!;
      assert.equal(verifyOcmf(sv.signedMeterValue!, sv.signedMeterValue!.publicKey!, version).RD[0]!.TX, 'B');
    });

    test('J01.FR.21 AlignedDataCtrlr.SignReadings: clock-aligned MeterValues signed (PublicKeyWithSignedMeterValue EveryMeterValue); unsigned when off', async () => {
      const { csms, clock } = await harness({ version, variables: { ...NO_HB, 'AlignedDataCtrlr.Interval': '900', 'AlignedDataCtrlr.Measurands': 'Energy.Active.Import.Register', 'AlignedDataCtrlr.SignReadings': 'true', 'OCPPCommCtrlr.PublicKeyWithSignedMeterValue': 'EveryMeterValue' } });
      await clock.advance(30 * MIN);
      const mv = csms.of('MeterValues');
      assert.equal(mv.length, 2);
      for (const m of mv) {
        const sv = m.meterValue[0]!.sampledValue[0]!;
        const p = verifyOcmf(sv.signedMeterValue!, sv.signedMeterValue!.publicKey!, version);
        assert.equal(p.RD[0]!.TX, undefined, 'outside a transaction: no transaction flag');
      }
      await csms.call('SetVariables', { setVariableData: [{ component: { name: 'AlignedDataCtrlr' }, variable: { name: 'SignReadings' }, attributeValue: 'false' }] });
      csms.clear();
      await clock.advance(15 * MIN);
      assert.equal(csms.of('MeterValues')[0]!.meterValue[0]!.sampledValue[0]!.signedMeterValue, undefined);
    });

    test('J02.FR.21 SignStartedReadings / SignUpdatedReadings = false narrow SignReadings; PublicKeyWithSignedMeterValue Never', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...NO_HB, 'SampledDataCtrlr.SignReadings': 'true', 'SampledDataCtrlr.SignStartedReadings': 'false', 'SampledDataCtrlr.SignUpdatedReadings': 'false',
        'SampledDataCtrlr.TxUpdatedInterval': '300', 'SampledDataCtrlr.TxUpdatedMeasurands': 'Energy.Active.Import.Register', 'OCPPCommCtrlr.PublicKeyWithSignedMeterValue': 'Never' } });
      st.plugIn(1, 1, { powerW: 6000 });
      await st.presentToken('TAG1');
      await clock.advance(5 * MIN);
      await st.presentToken('TAG1');
      await settle();
      const signed = csms.txEvents.map((e) => [e.eventType, e.triggerReason, svs(e).some((s) => s.signedMeterValue !== undefined)]);
      assert.deepEqual(signed, [['Started', 'Authorized', false], ['Updated', 'ChargingStateChanged', false], ['Updated', 'MeterValuePeriodic', false], ['Ended', 'StopAuthorized', true]]);
      assert.deepEqual(svs(csms.txEvents.at(-1)!).map((s) => [s.context, s.signedMeterValue?.publicKey]), [['Transaction.Begin', undefined], ['Transaction.End', '']], 'SignStartedReadings false: the start reading unsigned');
    });
  });
}
