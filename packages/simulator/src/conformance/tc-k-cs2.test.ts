// Part 6 test cases for the Charging Station, block K (Smart Charging): GetCompositeSchedule (K08) and profiles
// checked through it (K01 validity / startSchedule), remote start with a charging profile (K05, F01), and
// TC_P_04_CS (customData in a charging profile). Scripted CSMS in the OCTT's role, 2.1 and 2.0.1;
// <Configured max time deviation> is 0, so x (the time between setting a profile and the composite) is 0.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS, type Harness } from '../testing/harness.ts';
import { charging, composite, getProfiles, K_REPLIES, K_VARS, periods, profile, setProfile } from './k-fixtures.ts';
import { sequence } from './sequence.ts';

const rfid = { idToken: 'R1', type: 'ISO14443' as const };

for (const version of VERSIONS) {
  for (const unit of ['A', 'W'] as const) {
    const k = unit === 'A' ? 1 : 1000; // "If <Configured chargingRateUnit> is W, then the limit field will be multiplied by 1000"
    const local = unit === 'A' ? 31.8 : 22_000; // the local limit: the 22 kW EVSE, 3 x 230 V
    const h0 = (o: Parameters<typeof harness>[0] = {}): Promise<Harness> => harness({ version, replies: K_REPLIES, ...o, variables: { ...K_VARS, ...o.variables } });

    describe(`Part 6 block K, K08 and profiles seen through the composite schedule, station side (${version}, ${unit})`, () => {
      test('TC_K_39_CS K08.FR.02 K08.FR.03 K08.FR.06 no profile installed: EVSE 0, duration 300, the unit, startPeriod 0', async () => {
        const h = await h0();
        const r = await composite(h, 0, 300, unit);
        assert.deepEqual([r.status, r.schedule?.evseId, r.schedule?.duration, r.schedule?.chargingRateUnit, r.schedule?.chargingSchedulePeriod[0]?.startPeriod], ['Accepted', 0, 300, unit, 0]);
      });

      test('TC_K_40_CS K08.FR.02 K08.FR.06 stacking TxDefaultProfiles: 7, 9 (100), 8 (150), 10 (200)', async () => {
        const h = await h0();
        const now = h.clock.now();
        const common = { start: now, validFrom: now, validTo: now + 401_000, unit };
        await setProfile(h, 1, profile({ id: 1, stackLevel: 0, duration: 400, periods: [[0, 6 * k, 3], [100, 8 * k, 3], [200, 10 * k, 3]], ...common }));
        await setProfile(h, 1, profile({ id: 2, stackLevel: 1, duration: 150, periods: [[0, 7 * k, 3], [100, 9 * k, 3]], ...common }));
        const r = await composite(h, 1, 350, unit);
        assert.deepEqual([r.status, r.schedule?.evseId, r.schedule?.duration, r.schedule?.chargingRateUnit], ['Accepted', 1, 350, unit]);
        assert.deepEqual(periods(r), [[0, 7 * k], [100, 9 * k], [150, 8 * k], [200, 10 * k]]);
      });

      test('TC_K_41_CS K08.FR.02 K08.FR.04 combining ChargingStationMaxProfile, TxDefaultProfile and TxProfile', async () => {
        const h = await h0();
        const tx = await charging(h);
        const now = h.clock.now();
        const valid = { start: now, validFrom: now, validTo: now + 401_000, unit };
        const p = (limits: number[], starts: number[]): [number, number, number][] => starts.map((s, i) => [s, limits[i]! * k, 3]);
        assert.equal((await setProfile(h, 0, profile({ id: 1, purpose: 'ChargingStationMaxProfile', start: now, unit, duration: 86400, periods: p([10], [0]) }))).status, 'Accepted');
        assert.equal((await setProfile(h, 1, profile({ id: 2, duration: 300, periods: p([6, 10, 8, 15, 8], [0, 60, 120, 180, 260]), ...valid }))).status, 'Accepted');
        assert.equal((await setProfile(h, 1, profile({ id: 3, purpose: 'TxProfile', transactionId: tx, duration: 260, periods: p([8, 11, 16, 6, 12], [0, 50, 140, 200, 240]), ...valid }))).status, 'Accepted');
        const r = await composite(h, 1, 400, unit);
        assert.deepEqual([r.status, r.schedule?.duration, r.schedule?.chargingRateUnit], ['Accepted', 400, unit]);
        // The Part 6 validation lists 0: 8, 50: 10, 200: 6, 240: 10; then the TxProfile ends (duration 260) and the
        // TxDefaultProfile applies again (K02.FR.08): 260: 8, and after its duration 300 the station maximum 10.
        assert.deepEqual(periods(r), [[0, 8 * k], [50, 10 * k], [200, 6 * k], [240, 10 * k], [260, 8 * k], [300, 10 * k]]);
      });

      test('TC_K_42_CS K08.FR.07 a chargingRateUnit that is not supported: Rejected, no schedule', async () => {
        const h = await h0({ variables: { 'SmartChargingCtrlr.RateUnit': unit === 'A' ? 'W' : 'A' } });
        const r = await composite(h, 0, 300, unit);
        assert.deepEqual([r.status, r.schedule], ['Rejected', undefined]);
      });

      test('TC_K_47_CS K08.FR.05 an unknown EVSE: Rejected, no schedule', async () => {
        const h = await h0();
        const r = await composite(h, 2, 300, unit);
        assert.deepEqual([r.status, r.schedule], ['Rejected', undefined]);
      });

      test('TC_K_21_CS K01.FR.36 validFrom in 300 s (Relative TxDefaultProfile): the local limit, then 6 from 300', async () => {
        const h = await h0();
        const now = h.clock.now();
        assert.equal((await setProfile(h, 1, profile({ unit, periods: [[0, 6 * k, 3]], validFrom: now + 300_000 }))).status, 'Accepted');
        const r = await composite(h, 1, 400, unit);
        assert.deepEqual([r.schedule?.evseId, r.schedule?.chargingRateUnit, r.schedule?.duration, periods(r)], [1, unit, 400, [[0, local], [300, 6 * k]]]);
      });

      test('TC_K_22_CS K01.FR.37 validTo in 300 s (TxDefaultProfile on EVSE 0): 6 (on EVSE 0 times the number of EVSEs), then the local limit', async () => {
        const h = await h0({ evses: [{}, {}] });
        const now = h.clock.now();
        assert.equal((await setProfile(h, 0, profile({ start: now, unit, periods: [[0, 6 * k, 3]], validFrom: now, validTo: now + 300_000 }))).status, 'Accepted');
        for (const evseId of [0, 1, 2]) {
          const r = await composite(h, evseId, 400, unit);
          assert.deepEqual([r.status, r.schedule?.evseId, r.schedule?.duration], ['Accepted', evseId, 400]);
          assert.deepEqual(periods(r)[0], [0, (evseId === 0 ? 2 : 1) * 6 * k]);
          assert.equal(periods(r)[1]?.[0], 300);
        }
      });

      test('TC_K_23_CS K01.FR.30 startSchedule in 60 s: the local limit, then 6 from 60', async () => {
        const h = await h0();
        const now = h.clock.now();
        assert.equal((await setProfile(h, 1, profile({ start: now + 60_000, unit, periods: [[0, 6 * k, 3]], validFrom: now + 50_000, validTo: now + 400_000 }))).status, 'Accepted');
        const r = await composite(h, 1, 300, unit);
        assert.deepEqual([r.schedule?.duration, periods(r)], [300, [[0, local], [60, 6 * k]]]);
      });

      test('TC_K_28_CS K01.FR.32 a TxDefaultProfile set during the transaction: the composite is 6 at once', async () => {
        const h = await h0({ variables: { 'SmartChargingCtrlr.LimitChangeSignificance': '1.0' } });
        await charging(h);
        const now = h.clock.now();
        assert.equal((await setProfile(h, 1, profile({ start: now, duration: 300, unit, periods: [[0, 6 * k, 3]], validFrom: now, validTo: now + 300_000 }))).status, 'Accepted');
        const r = await composite(h, 1, 300, unit);
        assert.deepEqual([r.status, r.schedule?.duration, periods(r)[0]], ['Accepted', 300, [0, 6 * k]]);
      });
    });
  }

  describe(`Part 6 block K, remote start with a charging profile and customData, station side (${version})`, () => {
    const txProfile = profile({ id: 31, purpose: 'TxProfile', unit: 'A', periods: [[0, 6, 3]] });

    test('TC_K_37_CS K05.FR.03 F01.FR.10 F01.FR.13 remote start with a TxProfile (EVConnectedPreSession): RemoteStart with remoteStartId, the profile is reported and applied', async () => {
      const h = await harness({ version, replies: K_REPLIES, variables: K_VARS });
      h.st.plugIn(1, 1); // EVConnectedPreSession
      await settle();
      h.csms.clear();
      const r = await h.csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 7, evseId: 1, chargingProfile: txProfile });
      assert.equal(r.status, 'Accepted');
      await h.csms.until(() => h.csms.txEvents.length >= 1);
      await settle();
      const first = h.csms.txEvents[0]!;
      assert.deepEqual([first.triggerReason, first.transactionInfo.remoteStartId, first.idToken], ['RemoteStart', 7, rfid]);
      assert.equal(h.st.state().evses[0]!.chargingState, 'Charging'); // Reusable State EnergyTransferStarted
      const { status, reports } = await getProfiles(h, { chargingProfile: { chargingProfileId: [31] } });
      assert.deepEqual([status, reports.map((x) => x.chargingProfile)], ['Accepted', [[txProfile]]]);
      assert.equal(h.st.evse(1).meter.powerW, 6 * 230 * 3);
    });

    test('TC_K_38_CS F01.FR.12 F01.FR.13 a station without smart charging ignores the chargingProfile of a remote start', async () => {
      const h = await harness({ version, replies: K_REPLIES, variables: { ...K_VARS, 'SmartChargingCtrlr.Enabled': 'false' } });
      h.st.plugIn(1, 1);
      await settle();
      h.csms.clear();
      assert.equal((await h.csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 8, evseId: 1, chargingProfile: txProfile })).status, 'Accepted');
      await h.csms.until(() => h.csms.txEvents.length >= 1);
      await settle();
      assert.deepEqual(sequence(h.csms).filter((s) => s.startsWith('TransactionEvent'))[0], 'TransactionEvent(Started,RemoteStart)');
      assert.deepEqual([h.csms.txEvents[0]!.transactionInfo.remoteStartId, h.st.evse(1).meter.powerW], [8, 11_000]);
    });

    test('TC_P_04_CS customData in a charging profile and its schedule period: Accepted', async () => {
      const h = await harness({ version, replies: K_REPLIES, variables: K_VARS });
      const customData = { vendorId: 'com.chargewire', note: 'test' };
      const p = profile({ id: 41, duration: 3600, unit: 'A', periods: [[0, 6, 3]] });
      const withData = { ...p, customData, chargingSchedule: [{ ...p.chargingSchedule[0]!, chargingSchedulePeriod: [{ ...p.chargingSchedule[0]!.chargingSchedulePeriod[0]!, customData }] }] };
      assert.equal((await setProfile(h, 1, withData)).status, 'Accepted');
    });
  });
}
