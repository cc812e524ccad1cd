// Block K (Smart Charging), station side, named after the FR IDs: GetCompositeSchedule (K08), GetChargingProfiles
// (K09), ClearChargingProfile (K10), persistence (K01.FR.27), offline (K06, K07) in 2.1 and 2.0.1, and the 2.1-only
// profile checks and offline validity (K01.FR.101-126).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { charging, composite, getProfiles, K_REPLIES, K_VARS, periods, powerW, profile, setProfile } from './k-fixtures.ts';

for (const version of VERSIONS) {
  describe(`block K station FRs: composite schedule, reports, clearing, offline (${version})`, () => {
    const h0 = (o: Parameters<typeof harness>[0] = {}) => harness({ version, replies: K_REPLIES, ...o, variables: { ...K_VARS, ...o.variables } });

    test('K08.FR.02 K08.FR.03 K08.FR.04 K08.FR.06 from now for the duration; EVSE 0 = the sum of the EVSEs capped by the station maximum', async () => {
      const h = await h0({ evses: [{}, {}] });
      const now = h.clock.now();
      assert.deepEqual(periods(await composite(h, 0, 300, 'W')), [[0, 44_000]], 'no profiles: the local limits (2 x 22 kW)');
      await setProfile(h, 0, profile({ id: 1, start: now, periods: [[0, 6]], unit: 'A', validTo: now + 200_000 }));
      await setProfile(h, 0, profile({ id: 2, purpose: 'ChargingStationMaxProfile', start: now, periods: [[0, 10]], unit: 'A' }));
      const r = await composite(h, 0, 300, 'A');
      assert.deepEqual([r.status, r.schedule?.evseId, r.schedule?.duration, r.schedule?.chargingRateUnit, r.schedule?.scheduleStart], ['Accepted', 0, 300, 'A', new Date(now).toISOString()]);
      assert.deepEqual(periods(r), [[0, 10]], '2 x 6 A capped at 10 A');
      await h.clock.advance(100_000);
      assert.deepEqual(periods(await composite(h, 1, 300, 'A')), [[0, 6], [100, 10]], 'no transaction on EVSE 1: as if one used the TxDefaultProfile');
    });

    test('K08.FR.05 K08.FR.07 an unknown EVSE or an unsupported rate unit: Rejected without schedule', async () => {
      const h = await h0({ variables: { 'SmartChargingCtrlr.RateUnit': 'A' } });
      const a = await composite(h, 2, 300, 'A');
      const b = await composite(h, 1, 300, 'W');
      assert.deepEqual([a.status, a.schedule, b.status, b.schedule], ['Rejected', undefined, 'Rejected', undefined]);
    });

    test('K09.FR.01 K09.FR.02 K09.FR.04 K09.FR.05 K09.FR.06 reports per EVSE with the requestId, tbc on all but the last; filters', async () => {
      const h = await h0({ evses: [{}, {}] });
      const now = h.clock.now();
      const max = profile({ id: 1, purpose: 'ChargingStationMaxProfile', start: now, periods: [[0, 20_000]] });
      const def1 = profile({ id: 2, stackLevel: 1 });
      const def2 = profile({ id: 3, stackLevel: 2 });
      for (const [evseId, p] of [[0, max], [1, def1], [2, def2]] as const) assert.equal((await setProfile(h, evseId, p)).status, 'Accepted');
      const all = await getProfiles(h, { requestId: 5, chargingProfile: {} });
      assert.deepEqual(all.reports.map((r) => [r.requestId, r.evseId, r.tbc, r.chargingLimitSource, r.chargingProfile.map((p) => p.id)]),
        [[5, 0, true, 'CSO', [1]], [5, 1, true, 'CSO', [2]], [5, 2, false, 'CSO', [3]]]);
      assert.deepEqual((await getProfiles(h, { evseId: 0, chargingProfile: {} })).reports.map((r) => r.chargingProfile[0]), [max]);
      assert.deepEqual((await getProfiles(h, { evseId: 1, chargingProfile: {} })).reports.map((r) => r.chargingProfile[0]), [def1]);
      assert.deepEqual((await getProfiles(h, { chargingProfile: { stackLevel: 2, chargingProfilePurpose: 'TxDefaultProfile' } })).reports.map((r) => r.chargingProfile[0]), [def2]);
      assert.equal((await getProfiles(h, { evseId: 1, chargingProfile: { chargingProfilePurpose: 'ChargingStationMaxProfile' } })).status, 'NoProfiles');
      assert.equal((await getProfiles(h, { chargingProfile: { chargingLimitSource: ['EMS'] } })).status, 'NoProfiles');
    });

    test('K10.FR.01 K10.FR.03 K10.FR.04 K10.FR.05 K10.FR.07 clear by id or criteria; nothing matched: Unknown; the transaction goes on without the profile', async () => {
      const h = await h0({ evses: [{}, {}] });
      await setProfile(h, 1, profile({ id: 1, stackLevel: 1, periods: [[0, 4000]] }));
      await setProfile(h, 2, profile({ id: 2, stackLevel: 1, periods: [[0, 4000]] }));
      await setProfile(h, 1, profile({ id: 3, stackLevel: 2, periods: [[0, 5000]] }));
      const tx = await charging(h, 1);
      assert.equal(powerW(h), 5000);
      assert.equal((await h.csms.call('ClearChargingProfile', { chargingProfileId: 99 })).status, 'Unknown');
      assert.equal((await h.csms.call('ClearChargingProfile', { chargingProfileCriteria: { chargingProfilePurpose: 'ChargingStationMaxProfile' } })).status, 'Unknown');
      assert.equal((await h.csms.call('ClearChargingProfile', { chargingProfileId: 3 })).status, 'Accepted');
      await settle();
      assert.equal(powerW(h), 4000);
      assert.equal((await h.csms.call('ClearChargingProfile', { chargingProfileCriteria: { chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 1 } })).status, 'Accepted');
      await settle();
      assert.deepEqual([powerW(h), h.st.evse(1).tx?.id], [11_000, tx]);
      assert.equal((await getProfiles(h, { chargingProfile: {} })).status, 'NoProfiles');
    });

    test('K01.FR.27 ChargingStationMaxProfile and TxDefaultProfile survive a restart, a TxProfile does not', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-k-'));
      const h = await h0({ dataDir });
      const tx = await charging(h);
      await setProfile(h, 0, profile({ id: 1, purpose: 'ChargingStationMaxProfile', start: h.clock.now() }));
      await setProfile(h, 1, profile({ id: 2 }));
      await setProfile(h, 1, profile({ id: 3, purpose: 'TxProfile', transactionId: tx }));
      await h.st.stop();
      const h2 = await h0({ dataDir });
      assert.deepEqual((await getProfiles(h2, { chargingProfile: {} })).reports.flatMap((r) => r.chargingProfile.map((p) => p.id)), [1, 2]);
      assert.equal(h2.st.dm.value({ name: 'SmartChargingCtrlr' }, { name: 'Entries', instance: 'ChargingProfiles' }), '2');
      await h2.st.stop();
    });

    test('K06.FR.01 K07.FR.01 K06.FR.02 offline: the TxProfile stays in force, a transaction started offline uses the TxDefaultProfile; without profiles no limit', async () => {
      const h = await h0({ evses: [{}, {}], variables: { 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true' } });
      const tx = await charging(h, 1);
      await setProfile(h, 1, profile({ id: 1, purpose: 'TxProfile', transactionId: tx, periods: [[0, 3000], [600, 4000]] }));
      await h.st.goOffline();
      await h.clock.advance(600_000);
      assert.equal(powerW(h, 1), 4000);
      await charging(h, 2, 'OFFLINE1');
      assert.equal(powerW(h, 2), 11_000, 'no TxDefaultProfile: no constraint');
      h.st.stopCharging(2);
      h.st.unplug(2);
      await h.st.goOnline();
      await settle();
      await setProfile(h, 2, profile({ id: 2, periods: [[0, 2500]] }));
      await h.st.goOffline();
      await charging(h, 2, 'OFFLINE2');
      assert.equal(powerW(h, 2), 2500);
    });
  });
}

describe('block K station FRs, OCPP 2.1 only: unsupported 2.1 features are Rejected, maxOfflineDuration', () => {
  const h0 = () => harness({ version: '2.1', replies: K_REPLIES, variables: K_VARS });
  type Profile = OcppTypes.ChargingProfileType;
  const withSchedule = (s: Partial<OcppTypes.ChargingScheduleType>, p: Profile = profile()): Profile => ({ ...p, chargingSchedule: [{ ...p.chargingSchedule[0]!, ...s }] });
  const withPeriod = (x: Partial<OcppTypes.ChargingSchedulePeriodType>): Profile => withSchedule({ chargingSchedulePeriod: [{ startPeriod: 0, limit: 6000, ...x }] });

  test('K01.FR.120 K01.FR.121 K01.FR.122 K01.FR.123 K01.FR.124 K01.FR.95 K01.FR.125 K01.FR.126 K01.FR.115 K01.FR.114 K01.FR.144 K01.FR.146 purposes, kinds and schedule features the station does not support', async () => {
    const h = await h0();
    const cases: [Profile, string][] = [
      [profile({ purpose: 'PriorityCharging' }), 'UnsupportedPurpose'],
      [profile({ purpose: 'LocalGeneration' }), 'UnsupportedPurpose'],
      [profile({ kind: 'Dynamic' }), 'UnsupportedKind'],
      [{ ...profile(), dynUpdateInterval: 60 }, 'InvalidProfile'],
      [withSchedule({ useLocalTime: true }), 'InvalidSchedule'],
      [withSchedule({ randomizedDelay: 600 }), 'InvalidSchedule'],
      [withSchedule({ limitAtSoC: { soc: 80, limit: 1000 } }), 'InvalidSchedule'],
      [withPeriod({ operationMode: 'Idle', evseSleep: true }), 'InvalidOperationMode'],
      [withPeriod({ evseSleep: true }), 'InvalidSchedule'],
      [withPeriod({ operationMode: 'CentralSetpoint', setpoint: 1000 }), 'InvalidOperationMode'],
      [withPeriod({ limit_L2: 5000 }), 'PhaseConflict'],
      [withSchedule({ chargingSchedulePeriod: [{ startPeriod: 0, limit_L2: 5000, limit_L3: 5000 }] }), 'PhaseConflict'],
    ];
    for (const [p, code] of cases) {
      const r = await setProfile(h, 1, p);
      assert.deepEqual([r.status, r.statusInfo?.reasonCode], ['Rejected', code], JSON.stringify(p));
    }
    assert.equal((await setProfile(h, 1, withPeriod({ operationMode: 'ChargingOnly' }))).status, 'Accepted');
  });

  test('K01.FR.101 K01.FR.102 K01.FR.103 maxOfflineDuration: invalid while offline longer, valid again online unless invalidAfterOfflineDuration', async () => {
    const h = await h0();
    await charging(h);
    await setProfile(h, 1, { ...profile({ id: 1, stackLevel: 1, periods: [[0, 5000]] }), maxOfflineDuration: 60 });
    await setProfile(h, 1, { ...profile({ id: 2, stackLevel: 2, periods: [[0, 4000]] }), maxOfflineDuration: 120, invalidAfterOfflineDuration: true });
    await setProfile(h, 1, profile({ id: 3, stackLevel: 0, periods: [[0, 7000]] }));
    assert.equal(powerW(h), 4000);
    await h.st.goOffline();
    await h.clock.advance(90_000);
    assert.equal(powerW(h), 4000, 'profile 2 still valid; profile 1 (60 s) is below it anyway');
    await h.clock.advance(60_000);
    assert.equal(powerW(h), 7000, 'both expired offline: profile 3 without maxOfflineDuration');
    await h.st.goOnline();
    await settle();
    assert.equal(powerW(h), 5000, 'online: profile 1 valid again, profile 2 stays invalid');
  });
});
