// Part 6 test cases for the Charging Station, block K (Smart Charging), SetChargingProfile (K01), GetChargingProfiles
// (K09) and ClearChargingProfile (K10): the simulator under test, a scripted CSMS in the OCTT's role (preparations,
// steps, tool validations), 2.1 and 2.0.1. <Configured max time deviation> is 0 (the station clock is the test clock).
// GetCompositeSchedule (K08), remote start with a profile (K05/F01) and TC_P_04_CS: tc-k-cs2.test.ts.
// Not here: TC_K_52_CS (external limits, K12) and TC_K_53_CS ... TC_K_58_CS (ISO 15118, K15-K17): not simulated.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harness, VERSIONS, type Harness } from '../testing/harness.ts';
import { charging, composite, getProfiles, K_REPLIES, K_VARS, periods, profile, setProfile, type Profile } from './k-fixtures.ts';

for (const version of VERSIONS) {
  for (const unit of ['A', 'W'] as const) {
    const six = unit === 'A' ? 6 : 6000;
    /** The OCTT's default profile: TxDefaultProfile, duration, the configured unit, limit 6 A / 6000 W, numberPhases 3. */
    const octt = (o: Parameters<typeof profile>[0] = {}): Profile => profile({ duration: 3600, unit, periods: [[0, six, 3]], ...o });
    const h0 = (o: Parameters<typeof harness>[0] = {}): Promise<Harness> => harness({ version, replies: K_REPLIES, ...o, variables: { ...K_VARS, ...o.variables } });

    describe(`Part 6 block K, K01 / K09 / K10, station side (${version}, chargingRateUnit ${unit})`, () => {
      test('TC_K_01_CS K01.FR.07 K01.FR.15 TxDefaultProfile on a specific EVSE: Accepted, reported as sent with the requestId and evseId', async () => {
        const h = await h0();
        const p = octt({ id: 11 });
        assert.equal((await setProfile(h, 1, p)).status, 'Accepted');
        const { status, reports } = await getProfiles(h, { requestId: 42, chargingProfile: { chargingProfileId: [11] } });
        assert.deepEqual([status, reports.map((r) => [r.requestId, r.evseId, r.chargingProfile])], ['Accepted', [[42, 1, [p]]]]);
      });

      test('TC_K_02_CS K01.FR.09 TxProfile without ongoing transaction on the EVSE: Rejected', async () => {
        const h = await h0();
        assert.equal((await setProfile(h, 1, octt({ purpose: 'TxProfile', transactionId: 'UNKNOWN-TRANSACTION-ID', duration: undefined }))).status, 'Rejected');
      });

      test('TC_K_03_CS ChargingStationMaxProfile (Absolute, EVSE 0): Accepted, reported for evseId 0', async () => {
        const h = await h0();
        const p = octt({ id: 12, purpose: 'ChargingStationMaxProfile', start: h.clock.now() });
        assert.equal((await setProfile(h, 0, p)).status, 'Accepted');
        const { reports } = await getProfiles(h, { requestId: 43, chargingProfile: { chargingProfileId: [12] } });
        assert.deepEqual(reports.map((r) => [r.requestId, r.evseId, r.chargingProfile]), [[43, 0, [p]]]);
      });

      test('TC_K_04_CS K01.FR.05 replace a charging profile with the same id: the new limit (10) is reported', async () => {
        const h = await h0();
        await setProfile(h, 1, octt({ id: 13 }));
        const p = octt({ id: 13, periods: [[0, unit === 'A' ? 10 : 10_000, 3]] });
        assert.equal((await setProfile(h, 1, p)).status, 'Accepted');
        const { reports } = await getProfiles(h, { requestId: 44, chargingProfile: { chargingProfileId: [13] } });
        assert.deepEqual(reports.map((r) => [r.requestId, r.evseId, r.chargingProfile]), [[44, 1, [p]]]);
      });

      test('TC_K_05_CS K10.FR.03 clear with chargingProfileId: Accepted, then NoProfiles', async () => {
        const h = await h0();
        await setProfile(h, 1, octt({ id: 14 }));
        assert.equal((await h.csms.call('ClearChargingProfile', { chargingProfileId: 14 })).status, 'Accepted');
        assert.equal((await getProfiles(h, { chargingProfile: { chargingProfileId: [14] } })).status, 'NoProfiles');
      });

      test('TC_K_06_CS K10.FR.04 clear with stackLevel/purpose during energy transfer: Accepted, then NoProfiles', async () => {
        const h = await h0();
        await setProfile(h, 1, octt({ stackLevel: 2 }));
        await charging(h);
        assert.equal((await h.csms.call('ClearChargingProfile', { chargingProfileCriteria: { chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 2 } })).status, 'Accepted');
        assert.equal((await getProfiles(h, { chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 2 } })).status, 'NoProfiles');
      });

      test('TC_K_07_CS TC_K_08_CS K10.FR.01 clear an unknown stackLevel/purpose or id: Unknown', async () => {
        const h = await h0();
        assert.equal((await h.csms.call('ClearChargingProfile', { chargingProfileId: 15 })).status, 'Unknown');
        await setProfile(h, 1, octt({ stackLevel: 1 }));
        assert.equal((await h.csms.call('ClearChargingProfile', { chargingProfileCriteria: { chargingProfilePurpose: 'ChargingStationMaxProfile', stackLevel: 0 } })).status, 'Unknown');
      });

      test('TC_K_09_CS K10.FR.07 clearing the TxDefaultProfile of an ongoing transaction: the composite limit is no longer 6', async () => {
        const h = await h0({ variables: { 'SmartChargingCtrlr.LimitChangeSignificance': '1.0' } });
        const now = h.clock.now();
        await setProfile(h, 1, octt({ kind: 'Absolute', start: now, validFrom: now, validTo: now + 401_000, duration: 400 }));
        await charging(h);
        const before = await composite(h, 1, 300, unit);
        assert.deepEqual([before.status, before.schedule?.evseId, before.schedule?.duration, before.schedule?.chargingRateUnit, periods(before)[0]], ['Accepted', 1, 300, unit, [0, six]]);
        assert.equal((await h.csms.call('ClearChargingProfile', { chargingProfileCriteria: { chargingProfilePurpose: 'TxDefaultProfile' } })).status, 'Accepted');
        const after = await composite(h, 1, 300, unit);
        assert.equal(after.status, 'Accepted');
        assert.notEqual(periods(after)[0]?.[1], six);
      });

      test('TC_K_10_CS K01.FR.14 TxDefaultProfile for all EVSEs (EVSE 0): reported for evseId 0, tbc false', async () => {
        const h = await h0();
        const p = octt({ id: 16 });
        assert.equal((await setProfile(h, 0, p)).status, 'Accepted');
        const { reports } = await getProfiles(h, { requestId: 45, chargingProfile: { chargingProfileId: [16] } });
        assert.deepEqual(reports.map((r) => [r.requestId, r.evseId, r.tbc, r.chargingProfile]), [[45, 0, false, [p]]]);
      });

      test('TC_K_11_CS K01.FR.16 a TxProfile on EVSE 0: Rejected', async () => {
        const h = await h0();
        await charging(h);
        assert.equal((await setProfile(h, 0, octt({ purpose: 'TxProfile', transactionId: h.st.evse(1).tx!.id }))).status, 'Rejected');
      });

      test('TC_K_12_CS K01.FR.26 a chargingRateUnit that is not supported: Rejected', async () => {
        const h = await h0({ variables: { 'SmartChargingCtrlr.RateUnit': unit === 'A' ? 'W' : 'A' } });
        assert.equal((await setProfile(h, 1, octt())).status, 'Rejected');
      });

      test('TC_K_13_CS K01.FR.27 persistent over reboot: reported after the station booted again', async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'cw-tck13-'));
        const h = await h0({ dataDir });
        const p = octt({ id: 17 });
        assert.equal((await setProfile(h, 1, p)).status, 'Accepted');
        await h.st.stop();
        const h2 = await h0({ dataDir }); // Reusable State Booted
        const { status, reports } = await getProfiles(h2, { requestId: 46, chargingProfile: { chargingProfileId: [17] } });
        assert.deepEqual([status, reports.map((r) => [r.requestId, r.evseId, r.chargingProfile])], ['Accepted', [[46, 1, [p]]]]);
        await h2.st.stop();
      });

      test('TC_K_14_CS K01.FR.28 an EVSE that does not exist: Rejected', async () => {
        const h = await h0();
        assert.equal((await setProfile(h, 2, octt())).status, 'Rejected');
      });

      test('TC_K_15_CS K01.FR.29 a station without smart charging: CALLERROR NotSupported', async () => {
        const h = await h0({ variables: { 'SmartChargingCtrlr.Enabled': 'false' } });
        await assert.rejects(h.csms.call('SetChargingProfile', { evseId: 1, chargingProfile: octt() }), (e: { code?: string }) => e.code === 'NotSupported');
      });

      test('TC_K_16_CS K01.FR.33 a TxProfile for an unknown transactionId during energy transfer: Rejected', async () => {
        const h = await h0();
        await charging(h);
        assert.equal((await setProfile(h, 1, octt({ purpose: 'TxProfile', transactionId: 'UNKNOWN-TRANSACTION-ID' }))).status, 'Rejected');
      });

      for (const recurrencyKind of ['Daily', 'Weekly'] as const) {
        test(`TC_K_19_CS K01.FR.40 chargingProfileKind Recurring (${recurrencyKind}): Accepted`, async () => {
          const h = await h0();
          assert.equal((await setProfile(h, 1, octt({ recurrencyKind, start: h.clock.now() - 3600_000 }))).status, 'Accepted');
        });
      }

      test('TC_K_24_CS K10.FR.04 clear a stackLevel/purpose combination installed on 2 EVSEs: Accepted, then NoProfiles', async () => {
        const h = await h0({ evses: [{}, {}] });
        await setProfile(h, 1, octt({ id: 1, stackLevel: 3 }));
        await setProfile(h, 2, octt({ id: 2, stackLevel: 3 }));
        assert.equal((await h.csms.call('ClearChargingProfile', { chargingProfileCriteria: { chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 3 } })).status, 'Accepted');
        assert.equal((await getProfiles(h, { chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 3 } })).status, 'NoProfiles');
      });

      test('TC_K_60_CS K01.FR.04 a Relative TxProfile with the ongoing transactionId: Accepted, reported as sent', async () => {
        const h = await h0();
        const tx = await charging(h);
        const p = profile({ id: 18, purpose: 'TxProfile', transactionId: tx, unit, periods: [[0, six, 3]] });
        assert.equal((await setProfile(h, 1, p)).status, 'Accepted');
        const { reports } = await getProfiles(h, { chargingProfile: { chargingProfileId: [18] } });
        assert.deepEqual(reports.map((r) => r.chargingProfile), [[p]]);
        assert.equal(h.st.evse(1).meter.powerW, unit === 'A' ? 6 * 230 * 3 : 6000);
      });

      describe('GetChargingProfiles with a ChargingStationMaxProfile (id1) on the station and a TxDefaultProfile (id2) on EVSE 1', () => {
        async function prepared(): Promise<{ h: Harness; max: Profile; def: Profile }> {
          const h = await h0();
          const max = octt({ id: 21, stackLevel: 1, purpose: 'ChargingStationMaxProfile', start: h.clock.now(), periods: [[0, unit === 'A' ? 20 : 20_000, 3]] });
          const def = octt({ id: 22, stackLevel: 2 });
          assert.equal((await setProfile(h, 0, max)).status, 'Accepted');
          assert.equal((await setProfile(h, 1, def)).status, 'Accepted');
          return { h, max, def };
        }
        const ids = (r: { reports: { chargingProfile: Profile[] }[] }): number[] => r.reports.flatMap((x) => x.chargingProfile.map((p) => p.id));

        test('TC_K_29_CS K09.FR.02 K09.FR.05 evseId 0: only the ChargingStationMaxProfile', async () => {
          const { h, max } = await prepared();
          const r = await getProfiles(h, { requestId: 50, evseId: 0, chargingProfile: {} });
          assert.deepEqual([r.status, r.reports.map((x) => [x.requestId, x.evseId, x.chargingProfile])], ['Accepted', [[50, 0, [max]]]]);
        });
        test('TC_K_30_CS K09.FR.04 evseId 1: the TxDefaultProfile', async () => {
          const { h } = await prepared();
          assert.deepEqual(ids(await getProfiles(h, { evseId: 1, chargingProfile: {} })), [22]);
        });
        test('TC_K_31_CS K09.FR.06 no evseId: both', async () => {
          const { h } = await prepared();
          assert.deepEqual(ids(await getProfiles(h, { chargingProfile: {} })), [21, 22]);
        });
        test('TC_K_32_CS K09.FR.01 chargingProfileId id1: the ChargingStationMaxProfile with the requestId', async () => {
          const { h, max } = await prepared();
          const r = await getProfiles(h, { requestId: 51, chargingProfile: { chargingProfileId: [21] } });
          assert.deepEqual(r.reports.map((x) => [x.requestId, x.chargingProfile]), [[51, [max]]]);
        });
        test('TC_K_33_CS evseId 1 and the stackLevel of the TxDefaultProfile', async () => {
          const { h } = await prepared();
          assert.deepEqual(ids(await getProfiles(h, { evseId: 1, chargingProfile: { stackLevel: 2 } })), [22]);
        });
        test('TC_K_34_CS evseId and chargingLimitSource: CSO reports, another source has no profiles', async () => {
          const { h } = await prepared();
          assert.deepEqual(ids(await getProfiles(h, { evseId: 1, chargingProfile: { chargingLimitSource: ['CSO'] } })), [22]);
          assert.equal((await getProfiles(h, { evseId: 1, chargingProfile: { chargingLimitSource: ['SO'] } })).status, 'NoProfiles');
        });
        test('TC_K_35_CS TC_K_36_CS evseId and chargingProfilePurpose (and stackLevel)', async () => {
          const { h } = await prepared();
          assert.deepEqual(ids(await getProfiles(h, { evseId: 1, chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile' } })), [22]);
          assert.deepEqual(ids(await getProfiles(h, { evseId: 1, chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 2 } })), [22]);
        });
      });
    });
  }
}
