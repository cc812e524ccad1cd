// Block K (Smart Charging), station side, named after the FR IDs (2.1 and 2.0.1): SetChargingProfile checks (K01),
// the limit driving the simulated power (K01, K02, K04), remote start with a TxProfile (K05, F01, F02).
// GetCompositeSchedule / GetChargingProfiles / ClearChargingProfile, offline and 2.1-only checks: fr-k2.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { charging, getProfiles, K_REPLIES, K_VARS, powerW, profile, setProfile } from './k-fixtures.ts';

const rfid = { idToken: 'R1', type: 'ISO14443' as const };

for (const version of VERSIONS) {
  describe(`block K station FRs: SetChargingProfile and the power it allows (${version})`, () => {
    const h0 = (o: Parameters<typeof harness>[0] = {}) => harness({ version, replies: K_REPLIES, ...o, variables: { ...K_VARS, ...o.variables } });

    test('K01.FR.29 smart charging not enabled: CALLERROR NotSupported', async () => {
      const h = await h0({ variables: { 'SmartChargingCtrlr.Enabled': 'false' } });
      await assert.rejects(h.csms.call('SetChargingProfile', { evseId: 1, chargingProfile: profile() }), (e: { code?: string }) => e.code === 'NotSupported');
    });

    test('K01.FR.28 K01.FR.16 K01.FR.09 K01.FR.33 K01.FR.22 K04.FR.03 K01.FR.38 unknown EVSE, TxProfile on EVSE 0 / without (the) transaction, external constraints, a misplaced ChargingStationMaxProfile: Rejected', async () => {
      const h = await h0({ evses: [{}, {}] });
      const reason = async (evseId: number, p: ReturnType<typeof profile>) => { const r = await setProfile(h, evseId, p); return [r.status, r.statusInfo?.reasonCode]; };
      assert.deepEqual(await reason(3, profile()), ['Rejected', 'UnknownEvse']);
      assert.deepEqual(await reason(0, profile({ purpose: 'TxProfile', transactionId: 'X' })), ['Rejected', 'InvalidProfile']);
      assert.deepEqual(await reason(1, profile({ purpose: 'TxProfile', transactionId: 'X' })), ['Rejected', 'TxNotFound']);
      const tx = await charging(h, 1);
      assert.deepEqual(await reason(1, profile({ purpose: 'TxProfile', transactionId: 'UNKNOWN' })), ['Rejected', 'TxNotFound']);
      assert.deepEqual(await reason(2, profile({ purpose: 'TxProfile', transactionId: tx })), ['Rejected', 'TxNotFound'], 'the transaction is on another EVSE');
      assert.deepEqual(await reason(0, profile({ purpose: 'ChargingStationExternalConstraints' })), ['Rejected', 'InvalidProfile']);
      assert.deepEqual(await reason(1, profile({ purpose: 'ChargingStationMaxProfile', start: h.clock.now() })), ['Rejected', 'InvalidProfile']);
      assert.deepEqual(await reason(0, profile({ purpose: 'ChargingStationMaxProfile' })), ['Rejected', 'InvalidProfile'], 'Relative');
      assert.equal(h.st.evse(1).profileLimitW, undefined);
    });

    test('K01.FR.26 K01.FR.31 K01.FR.35 K01.FR.40 K01.FR.41 K01.FR.34 rate unit, first startPeriod 0, increasing periods, startSchedule by kind, one schedule; PeriodsPerSchedule, ProfileStackLevel', async () => {
      const h = await h0({ variables: { 'SmartChargingCtrlr.RateUnit': 'W' } });
      const now = h.clock.now();
      const cases: [ReturnType<typeof profile>, string][] = [
        [profile({ unit: 'A' }), 'UnsupportedRateUnit'],
        [profile({ periods: [[10, 6000]] }), 'InvalidSchedule'],
        [profile({ periods: [[0, 6000], [60, 5000], [60, 4000]] }), 'InvalidSchedule'],
        [profile({ kind: 'Absolute' }), 'InvalidSchedule'],
        [profile({ kind: 'Recurring', recurrencyKind: 'Daily' }), 'InvalidSchedule'],
        [profile({ kind: 'Relative', start: now }), 'InvalidSchedule'],
        [profile({ periods: Array.from({ length: 25 }, (_, i) => [i * 60, 6000] as [number, number]) }), 'TooManyElements'],
        [profile({ stackLevel: 11 }), 'InvalidStackLevel'],
        [{ ...profile(), chargingSchedule: [profile().chargingSchedule[0]!, { ...profile().chargingSchedule[0]!, id: 2 }] }, 'InvalidSchedule'],
      ];
      for (const [p, code] of cases) {
        const r = await setProfile(h, 1, p);
        assert.deepEqual([r.status, r.statusInfo?.reasonCode], ['Rejected', code], JSON.stringify(p.chargingSchedule[0]));
      }
      assert.equal((await setProfile(h, 1, profile({ kind: 'Recurring', recurrencyKind: 'Weekly', start: now }))).status, 'Accepted');
    });

    test('K01.FR.19 K01.FR.48 phaseToUse without numberPhases 1, or a phase a 3-phase EVSE cannot select (no ACPhaseSwitchingSupported): Rejected', async () => {
      const h = await h0();
      const p = profile();
      p.chargingSchedule[0]!.chargingSchedulePeriod[0] = { startPeriod: 0, limit: 6000, numberPhases: 3, phaseToUse: 1 };
      assert.equal((await setProfile(h, 1, p)).statusInfo?.reasonCode, 'InvalidSchedule');
      p.chargingSchedule[0]!.chargingSchedulePeriod[0] = { startPeriod: 0, limit: 6000, numberPhases: 1, phaseToUse: 2 };
      assert.equal((await setProfile(h, 1, p)).statusInfo?.reasonCode, 'InvalidSchedule');
    });

    test('K01.FR.06 K01.FR.52 K01.FR.53 K01.FR.39 the same stackLevel and purpose twice: Rejected DuplicateProfile, unless the validity does not overlap', async () => {
      const h = await h0({ evses: [{}, {}] });
      const now = h.clock.now();
      assert.equal((await setProfile(h, 1, profile({ id: 1, validTo: now + 3600_000 }))).status, 'Accepted');
      assert.equal((await setProfile(h, 1, profile({ id: 2 }))).statusInfo?.reasonCode, 'DuplicateProfile');
      assert.equal((await setProfile(h, 1, profile({ id: 2, validFrom: now + 3600_000 }))).status, 'Accepted', 'no overlap');
      assert.equal((await setProfile(h, 0, profile({ id: 3, validFrom: now + 7200_000 }))).statusInfo?.reasonCode, 'DuplicateProfile', 'FR.52: EVSE 0 vs EVSE 1');
      assert.equal((await setProfile(h, 0, profile({ id: 4, stackLevel: 1 }))).status, 'Accepted');
      assert.equal((await setProfile(h, 2, profile({ id: 5, stackLevel: 1 }))).statusInfo?.reasonCode, 'DuplicateProfile', 'FR.53: EVSE 2 vs EVSE 0');
      const tx = await charging(h, 2);
      assert.equal((await setProfile(h, 2, profile({ id: 6, purpose: 'TxProfile', transactionId: tx }))).status, 'Accepted');
      assert.equal((await setProfile(h, 2, profile({ id: 7, purpose: 'TxProfile', transactionId: tx }))).statusInfo?.reasonCode, 'DuplicateProfile');
    });

    test('K01.FR.04 K01.FR.07 K02.FR.04 K02.FR.05 a TxProfile limits the ongoing transaction (power and energy), and is deleted when it ends', async () => {
      const h = await h0();
      const tx = await charging(h);
      assert.equal(powerW(h), 11_000);
      const e0 = h.st.evse(1).meter.energyWh;
      assert.equal((await setProfile(h, 1, profile({ purpose: 'TxProfile', transactionId: tx, periods: [[0, 3680]] }))).status, 'Accepted');
      assert.equal(powerW(h), 3680);
      await h.clock.advance(3600_000);
      assert.ok(Math.abs(h.st.evse(1).meter.energyWh - e0 - 3680) < 1, 'an hour at 3.68 kW');
      h.st.stopCharging(1);
      await settle();
      assert.deepEqual((await getProfiles(h, { chargingProfile: { chargingProfilePurpose: 'TxProfile' } })).status, 'NoProfiles');
      assert.equal(h.st.dm.value({ name: 'SmartChargingCtrlr' }, { name: 'Entries', instance: 'ChargingProfiles' }), '0');
    });

    test('K01.FR.05 a known id is replaced (TxDefaultProfile 6 kW, then 10 kW under the same id)', async () => {
      const h = await h0();
      await charging(h);
      await setProfile(h, 1, profile({ id: 9, periods: [[0, 6000]] }));
      assert.equal(powerW(h), 6000);
      assert.equal((await setProfile(h, 1, profile({ id: 9, periods: [[0, 10_000]] }))).status, 'Accepted');
      assert.equal(powerW(h), 10_000);
      const { reports } = await getProfiles(h, { chargingProfile: { chargingProfileId: [9] } });
      assert.deepEqual(reports.flatMap((r) => r.chargingProfile.map((p) => p.chargingSchedule[0]!.chargingSchedulePeriod[0]!.limit)), [10_000]);
    });

    test('K01.FR.14 K01.FR.15 K01.FR.32 a TxDefaultProfile on EVSE 0 applies to every EVSE, one on an EVSE to that EVSE only, also to ongoing transactions', async () => {
      const h = await h0({ evses: [{}, {}] });
      await charging(h, 1);
      await charging(h, 2, 'TAG2');
      await setProfile(h, 2, profile({ id: 1, stackLevel: 1, periods: [[0, 4000]] }));
      assert.deepEqual([powerW(h, 1), powerW(h, 2)], [11_000, 4000]);
      await setProfile(h, 0, profile({ id: 2, stackLevel: 2, periods: [[0, 5000]] }));
      assert.deepEqual([powerW(h, 1), powerW(h, 2)], [5000, 5000], 'stack level 2 on EVSE 0 overrules stack level 1 on EVSE 2');
    });

    test('K01.FR.30 K01.FR.12 K01.FR.11 K01.FR.36 K01.FR.37 the schedule drives the meter over time: startSchedule, periods, duration, validity', async () => {
      const h = await h0();
      await charging(h);
      const now = h.clock.now();
      await setProfile(h, 1, profile({ start: now + 60_000, duration: 300, periods: [[0, 6000], [120, 0], [300, 1000]], validTo: now + 3600_000 }));
      await setProfile(h, 1, profile({ id: 2, stackLevel: 1, start: now, periods: [[0, 2000]], validFrom: now + 1800_000 }));
      h.csms.clear();
      const at: number[] = [];
      for (const s of [30, 60, 170, 180, 359, 360, 1800]) { await h.clock.advance(s * 1000 - (h.clock.now() - now)); at.push(powerW(h)); }
      assert.deepEqual(at, [11_000, 6000, 6000, 0, 0, 11_000, 2000]);
      // [E02] energy transfer stopped by the schedule: Updated(ChargingStateChanged) SuspendedEVSE, then Charging again.
      assert.deepEqual(h.csms.txEvents.map((e) => [e.triggerReason, e.transactionInfo.chargingState]), [['ChargingStateChanged', 'SuspendedEVSE'], ['ChargingStateChanged', 'Charging']]);
    });

    test('K01.FR.42 a Relative profile starts when the power path closes, also when it arrives later', async () => {
      const h = await h0();
      await setProfile(h, 1, profile({ periods: [[0, 3000], [600, 7000]] }));
      await h.clock.advance(3600_000); // long before the EV comes: the schedule has not started
      await charging(h);
      assert.equal(powerW(h), 3000);
      await h.clock.advance(600_000);
      assert.equal(powerW(h), 7000);
    });

    test('K01.FR.49 K01.FR.50 K01.FR.51 K01.FR.43 K01.FR.45 an A limit is per phase (3 phases unless given; 1 on a single-phase EVSE, no more phases than numberPhases), W / (230 V x phases)', async () => {
      const h = await h0({ evses: [{}, { phases: 1 }] });
      await charging(h, 1);
      await charging(h, 2, 'TAG2');
      await setProfile(h, 0, profile({ unit: 'A', periods: [[0, 10]] }));
      assert.deepEqual([powerW(h, 1), powerW(h, 2)], [6900, 2300]);
      await setProfile(h, 0, profile({ unit: 'A', periods: [[0, 10, 1]] }));
      assert.deepEqual([powerW(h, 1), powerW(h, 2)], [2300, 2300], 'numberPhases 1');
    });

    test('K02.FR.08 a TxProfile that expires falls back to the TxDefaultProfile and the ChargingStationMaxProfile, then to the local limit', async () => {
      const h = await h0();
      const now = h.clock.now();
      await setProfile(h, 0, profile({ id: 1, purpose: 'ChargingStationMaxProfile', start: now, periods: [[0, 9000]] }));
      await setProfile(h, 1, profile({ id: 2, start: now, duration: 1200, periods: [[0, 5000]] }));
      const tx = await charging(h);
      await setProfile(h, 1, profile({ id: 3, purpose: 'TxProfile', transactionId: tx, start: now, duration: 600, periods: [[0, 8000]] }));
      assert.equal(powerW(h), 8000);
      await h.clock.advance(600_000);
      assert.equal(powerW(h), 5000);
      await h.clock.advance(600_000);
      assert.equal(powerW(h), 9000);
    });

    test('K04.FR.01 K04.FR.05 the ChargingStationMaxProfile limits all EVSEs together: shared by those that charge; a significant change is reported (SC.02, SC.03)', async () => {
      const h = await h0({ evses: [{}, {}], variables: { 'SmartChargingCtrlr.LimitChangeSignificance': '0.2' } });
      await setProfile(h, 0, profile({ purpose: 'ChargingStationMaxProfile', start: h.clock.now(), periods: [[0, 12_000]] }));
      await charging(h, 1);
      assert.equal(powerW(h, 1), 11_000);
      h.csms.clear();
      await charging(h, 2, 'TAG2');
      assert.deepEqual([powerW(h, 1), powerW(h, 2)], [6000, 6000]);
      const ev1 = h.csms.txEvents.filter((e) => e.evse?.id === 1);
      assert.deepEqual(ev1.map((e) => [e.eventType, e.triggerReason, e.transactionInfo.chargingState]), [['Updated', 'ChargingRateChanged', 'Charging']]);
      h.csms.clear();
      h.st.setPower(2, 2000);
      assert.deepEqual([powerW(h, 1), powerW(h, 2)], [10_000, 2000]);
      h.st.setPower(2, 3000);
      await settle();
      assert.deepEqual([powerW(h, 1), powerW(h, 2)], [9000, 3000]);
      assert.deepEqual(h.csms.txEvents.filter((e) => e.evse?.id === 1 && e.triggerReason === 'ChargingRateChanged').length, 1, '6 -> 10 kW is reported, 10 -> 9 kW (10 %) is not');
      h.st.stopCharging(2);
      await settle();
      assert.deepEqual([powerW(h, 1), powerW(h, 2)], [11_000, 0]);
    });
  });

  describe(`block K / F station FRs: RequestStartTransaction with a ChargingProfile (${version})`, () => {
    const tx = (id = 5) => profile({ id, purpose: 'TxProfile', periods: [[0, 4200]] });

    test('F01.FR.10 K05.FR.03 cable first: the TxProfile of the remote start limits the transaction it starts, and goes with it', async () => {
      const h = await harness({ version, replies: K_REPLIES, variables: K_VARS });
      h.st.plugIn(1, 1);
      await settle();
      assert.equal((await h.csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 1, evseId: 1, chargingProfile: tx() })).status, 'Accepted');
      await settle();
      assert.deepEqual([h.st.evse(1).tx?.remoteStartId, powerW(h)], [1, 4200]);
      const { reports } = await getProfiles(h, { chargingProfile: { chargingProfileId: [5] } });
      assert.deepEqual(reports[0]?.chargingProfile, [tx()], 'reported as sent');
      h.st.stopCharging(1);
      await settle();
      assert.equal((await getProfiles(h, { chargingProfile: { chargingProfileId: [5] } })).status, 'NoProfiles');
    });

    test('F02.FR.18 K05.FR.03 remote start first: the TxProfile applies once the EV is plugged in; a later local transaction does not get it', async () => {
      const h = await harness({ version, replies: K_REPLIES, variables: K_VARS });
      assert.equal((await h.csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 2, evseId: 1, chargingProfile: tx(6) })).status, 'Accepted');
      await settle();
      h.st.plugIn(1, 1);
      await settle();
      assert.deepEqual([h.st.evse(1).tx?.remoteStartId, powerW(h)], [2, 4200]);
      h.st.stopCharging(1);
      h.st.unplug(1);
      await settle();
      await charging(h);
      assert.equal(powerW(h), 11_000);
    });

    test('F01.FR.26 F02.FR.27 K05.FR.05 an invalid ChargingProfile: Rejected with InvalidProfile / InvalidSchedule, nothing starts', async () => {
      const h = await harness({ version, replies: K_REPLIES, variables: K_VARS });
      const bad: [ReturnType<typeof profile>, string][] = [
        [profile({ purpose: 'TxDefaultProfile' }), 'InvalidProfile'],
        [profile({ purpose: 'TxProfile', transactionId: 'T1' }), 'InvalidProfile'],
        [profile({ purpose: 'TxProfile', periods: [[30, 6000]] }), 'InvalidSchedule'],
      ];
      for (const [chargingProfile, code] of bad) {
        const r = await h.csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 3, evseId: 1, chargingProfile });
        assert.deepEqual([r.status, r.statusInfo?.reasonCode], ['Rejected', code]);
      }
      await settle();
      assert.deepEqual([h.st.evse(1).auth, (await getProfiles(h, { chargingProfile: {} })).status], [undefined, 'NoProfiles']);
    });

    test('F01.FR.12 F02.FR.20 K05.FR.04 without smart charging the ChargingProfile is ignored', async () => {
      const h = await harness({ version, replies: K_REPLIES, variables: { ...K_VARS, 'SmartChargingCtrlr.Enabled': 'false' } });
      assert.equal((await h.csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 4, evseId: 1, chargingProfile: profile({ purpose: 'TxDefaultProfile', periods: [[5, 1]] }) })).status, 'Accepted');
      await settle();
      h.st.plugIn(1, 1);
      await settle();
      assert.deepEqual([h.st.evse(1).tx?.remoteStartId, powerW(h)], [4, 11_000]);
    });
  });
}
