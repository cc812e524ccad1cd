// Block E (E16) and F (F07), station side, OCPP 2.1 only (transactionLimit and LimitSet do not exist in
// 2.0.1): transaction limits maxEnergy/maxTime/maxSoC/maxCost, set by the CSMS or the driver.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness } from '../testing/harness.ts';
import { QUIET } from './sequence.ts';

type Ev = OcppTypes.TransactionEventRequest;
type Limit = OcppTypes.TransactionLimitType;
const MIN = 60_000;
const rfid = { idToken: 'LIMIT1', type: 'ISO14443' as const };
const points = (start: string, stop: string, more: Record<string, string> = {}) => ({ ...QUIET, 'TxCtrlr.TxStartPoint': start, 'TxCtrlr.TxStopPoint': stop, ...more });
const brief = (e: Ev): string => `${e.eventType}(${e.triggerReason},${e.transactionInfo.chargingState}${e.transactionInfo.stoppedReason ? `,${e.transactionInfo.stoppedReason}` : ''})`;

/** A CSMS that answers the next TransactionEvent with `limits.next` (once) and optionally a totalCost. */
function limitingCsms(first?: Limit) {
  const plan: { next?: Limit; cost?: number } = first ? { next: first } : {};
  const reply = (): OcppTypes.TransactionEventResponse => {
    const res: OcppTypes.TransactionEventResponse = {};
    if (plan.next) { res.transactionLimit = plan.next; plan.next = undefined; }
    if (plan.cost !== undefined) { res.totalCost = plan.cost; plan.cost = undefined; }
    return res;
  };
  return { plan, replies: { TransactionEvent: reply } };
}

describe('block E16 / F07 station FRs (2.1)', () => {
  test('F07.FR.02 F07.FR.03 F07.FR.04 E16.FR.02 E16.FR.03 E16.FR.05 E16.FR.19 remote start, maxEnergy in the Started response: confirmed once (LimitSet), energy suspended exactly at the limit', async () => {
    const { plan, replies } = limitingCsms({ maxEnergy: 1000 });
    const { st, csms, clock } = await harness({ version: '2.1', replies, variables: points('PowerPathClosed', 'EVConnected,Authorized') });
    st.plugIn(1, 1, { powerW: 6000 });
    await settle();
    csms.clear();
    assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 7, evseId: 1 })).status, 'Accepted');
    await csms.until(() => csms.txEvents.length === 3);
    // [E03.FR.12] RemoteStart (EVConnected), then the start of energy transfer in its own event (F01 step 10).
    const [started, charging, set] = csms.txEvents as [Ev, Ev, Ev];
    assert.deepEqual([brief(started), started.transactionInfo.transactionLimit], ['Started(RemoteStart,EVConnected)', undefined]);
    assert.deepEqual([brief(charging), charging.transactionInfo.transactionLimit], ['Updated(ChargingStateChanged,Charging)', undefined]);
    assert.deepEqual([brief(set), set.seqNo, set.transactionInfo.transactionLimit], ['Updated(LimitSet,Charging)', 2, { maxEnergy: 1000 }]);
    assert.equal(plan.next, undefined);
    await clock.advance(9 * MIN);
    assert.equal(csms.txEvents.length, 3, 'nothing until the limit');
    await clock.advance(MIN);
    const hit = csms.txEvents[3]!;
    assert.equal(brief(hit), 'Updated(EnergyLimitReached,SuspendedEVSE)');
    assert.equal(hit.timestamp, '2025-01-01T00:10:00.000Z', '6 kW: 1000 Wh after exactly 10 minutes');
    assert.equal(hit.transactionInfo.transactionLimit, undefined, 'the limit is sent once');
    const reading = hit.meterValue![0]!.sampledValue[0]!;
    assert.deepEqual([reading.context, reading.measurand, reading.value], ['Interruption.Begin', 'Energy.Active.Import.Register', 1000]);
    await clock.advance(30 * MIN);
    assert.deepEqual([st.state().evses[0]!.energyWh, st.state().evses[0]!.powerW, st.state().evses[0]!.chargingState], [1000, 0, 'SuspendedEVSE']);
  });

  test('E16.FR.14 E16.FR.17 E16.FR.07 a raised limit resumes energy transfer; a very high value lifts it', async () => {
    const { plan, replies } = limitingCsms({ maxEnergy: 1000 });
    const { st, csms, clock } = await harness({ version: '2.1', replies, variables: points('PowerPathClosed', 'EVConnected,Authorized') });
    st.plugIn(1, 1, { powerW: 6000 });
    await st.presentToken('TAG1');
    await clock.advance(10 * MIN);
    assert.equal(st.state().evses[0]!.chargingState, 'SuspendedEVSE');
    csms.clear();
    // The CSMS raises the limit in the response to the next TransactionEvent (here a triggered one).
    plan.next = { maxEnergy: 1500 };
    await csms.call('TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } });
    await csms.until(() => csms.txEvents.length === 2);
    assert.deepEqual(csms.txEvents.map(brief), ['Updated(Trigger,SuspendedEVSE)', 'Updated(LimitSet,Charging)']);
    assert.deepEqual(csms.txEvents[1]!.transactionInfo.transactionLimit, { maxEnergy: 1500 });
    await clock.advance(5 * MIN);
    assert.equal(brief(csms.txEvents[2]!), 'Updated(EnergyLimitReached,SuspendedEVSE)');
    assert.equal(st.state().evses[0]!.energyWh, 1500);
    plan.next = { maxEnergy: 1_000_000_000 }; // [E16.FR.17] lifted
    await csms.call('TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } });
    await csms.until(() => csms.txEvents.length === 5);
    assert.equal(brief(csms.txEvents[4]!), 'Updated(LimitSet,Charging)');
    await clock.advance(10 * MIN);
    assert.equal(st.state().evses[0]!.energyWh, 2500);
  });

  test('E16.FR.06 E16.FR.09 TxStopPoint EnergyTransfer: maxTime counts from Started and ends the transaction (TimeLimitReached)', async () => {
    const { replies } = limitingCsms({ maxTime: 600 });
    const { st, csms, clock } = await harness({ version: '2.1', replies, variables: points('EVConnected', 'EnergyTransfer') });
    st.plugIn(1, 1, { powerW: 6000 }); // Started at 00:00, no energy yet
    await clock.advance(4 * MIN);
    await st.presentToken('TAG1'); // energy from 00:04
    await clock.advance(10 * MIN);
    const evs = csms.txEvents;
    // [E03.FR.12] Authorized, then the start of energy transfer in its own Updated(ChargingStateChanged).
    assert.deepEqual(evs.map(brief), ['Started(CablePluggedIn,EVConnected)', 'Updated(LimitSet,EVConnected)', 'Updated(Authorized,EVConnected)',
      'Updated(ChargingStateChanged,Charging)', 'Ended(TimeLimitReached,EVConnected,TimeLimitReached)']);
    assert.equal(evs[3]!.timestamp, '2025-01-01T00:04:00.000Z', 'energy transfer from 00:04');
    assert.equal(evs[4]!.timestamp, '2025-01-01T00:10:00.000Z', 'maxTime from the Started event, not from the start of energy transfer');
    assert.equal(st.state().evses[0]!.energyWh, 600);
  });

  test('E16.FR.01 E16.FR.04 E16.FR.13 driver limit: Updated(LimitSet) with the supported fields only, never above the CSMS limit', async () => {
    const { replies } = limitingCsms({ maxEnergy: 5000 });
    const { st, csms } = await harness({ version: '2.1', replies, variables: points('PowerPathClosed', 'EVConnected,Authorized', { 'TxCtrlr.SupportedLimits': 'maxEnergy,maxTime' }) });
    st.plugIn(1, 1, { powerW: 6000 });
    await st.presentToken('TAG1');
    // Started(Authorized), Updated(ChargingStateChanged), then the CSMS limit of the Started response confirmed.
    await csms.until(() => csms.txEvents.length === 3);
    assert.deepEqual(csms.txEvents.map((e) => [brief(e), e.transactionInfo.transactionLimit]), [
      ['Started(Authorized,EVConnected)', undefined], ['Updated(ChargingStateChanged,Charging)', undefined], ['Updated(LimitSet,Charging)', { maxEnergy: 5000 }]]);
    csms.clear();
    const applied = st.setTransactionLimit(1, { maxEnergy: 8000, maxTime: 3600, maxCost: 5 });
    assert.deepEqual(applied, { maxEnergy: 5000, maxTime: 3600 });
    await settle();
    assert.deepEqual(csms.txEvents.map((e) => [brief(e), e.transactionInfo.transactionLimit]), [['Updated(LimitSet,Charging)', { maxEnergy: 5000, maxTime: 3600 }]]);
    // A lower driver limit is fine.
    st.setTransactionLimit(1, { maxEnergy: 2000 });
    await settle();
    assert.deepEqual(csms.txEvents[1]!.transactionInfo.transactionLimit, { maxEnergy: 2000, maxTime: 3600 });
  });

  test('E16.FR.01 transaction limits are OCPP 2.1: a driver limit on a 2.0.1 connection is refused', async () => {
    const { st, csms } = await harness({ version: '2.0.1', variables: points('PowerPathClosed', 'EVConnected,Authorized') });
    st.plugIn(1, 1);
    await st.presentToken('TAG1');
    await settle();
    assert.throws(() => st.setTransactionLimit(1, { maxEnergy: 100 }), /OCPP 2.1/);
    await settle();
    assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.triggerReason]), [['Started', 'Authorized'], ['Updated', 'ChargingStateChanged']], 'no LimitSet');
  });

  test('E16.FR.13 E16.FR.20 a CSMS limit the station does not support: not confirmed, NotifyEvent TxCtrlr.SupportedLimits', async () => {
    const { replies } = limitingCsms({ maxCost: 10 });
    const { st, csms } = await harness({ version: '2.1', replies, variables: points('PowerPathClosed', 'EVConnected,Authorized', { 'TxCtrlr.SupportedLimits': 'maxEnergy' }) });
    st.plugIn(1, 1);
    await st.presentToken('TAG1');
    await csms.until(() => csms.of('NotifyEvent').length === 1);
    await settle();
    assert.deepEqual(csms.txEvents.map(brief), ['Started(Authorized,EVConnected)', 'Updated(ChargingStateChanged,Charging)'], 'no LimitSet');
    const d = csms.of('NotifyEvent')[0]!.eventData[0]!;
    assert.deepEqual([d.trigger, d.eventNotificationType, d.component.name, d.variable.name, d.actualValue], ['Alerting', 'HardWiredNotification', 'TxCtrlr', 'SupportedLimits', 'maxCost']);
  });

  test('E16.FR.10 a limit that is already exceeded when set acts at once (also a negative one)', async () => {
    const { st, csms, clock } = await harness({ version: '2.1', variables: points('PowerPathClosed', 'EVConnected,Authorized') });
    st.plugIn(1, 1, { powerW: 6000 });
    await st.presentToken('TAG1');
    await clock.advance(10 * MIN);
    csms.clear();
    st.setTransactionLimit(1, { maxEnergy: 500 });
    await settle();
    assert.deepEqual(csms.txEvents.map(brief), ['Updated(LimitSet,Charging)', 'Updated(EnergyLimitReached,SuspendedEVSE)']);
    st.setTransactionLimit(1, { maxTime: -1 });
    await settle();
    assert.deepEqual(csms.txEvents.map(brief).slice(2), ['Updated(LimitSet,SuspendedEVSE)'], 'still suspended: the limit is confirmed only');
    assert.equal(st.state().evses[0]!.energyWh, 1000);
  });

  test('E16.FR.15 maxCost against the CSMS cost updates (TransactionEventResponse.totalCost, CostUpdated): CostLimitReached', async () => {
    const { plan, replies } = limitingCsms({ maxCost: 5 });
    const { st, csms, clock } = await harness({ version: '2.1', replies, variables: points('PowerPathClosed', 'EVConnected,Authorized') });
    st.plugIn(1, 1, { powerW: 6000 });
    await st.presentToken('TAG1');
    await csms.until(() => csms.txEvents.length === 2);
    const txId = csms.txEvents[0]!.transactionInfo.transactionId;
    plan.cost = 3;
    await csms.call('TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } });
    await csms.until(() => csms.txEvents.length === 3);
    await settle();
    assert.equal(st.state().evses[0]!.chargingState, 'Charging', 'below maxCost');
    await clock.advance(5 * MIN);
    assert.deepEqual(await csms.call('CostUpdated', { totalCost: 5.2, transactionId: txId }), {});
    await settle();
    assert.equal(brief(csms.txEvents.at(-1)!), 'Updated(CostLimitReached,SuspendedEVSE)');
    assert.equal(st.state().evses[0]!.powerW, 0);
    // Raised (E16.FR.14), then a totalCost in a TransactionEventResponse reaches it again.
    plan.next = { maxCost: 10 };
    await csms.call('TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } });
    await settle();
    assert.equal(brief(csms.txEvents.at(-1)!), 'Updated(LimitSet,Charging)');
    plan.cost = 10;
    await csms.call('TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } });
    await settle();
    assert.deepEqual(csms.txEvents.slice(-2).map(brief), ['Updated(Trigger,Charging)', 'Updated(CostLimitReached,SuspendedEVSE)']);
  });

  test('E16.FR.05 maxSoC: energy stops when the EV battery reaches the SoC (SoCLimitReached)', async () => {
    const { replies } = limitingCsms({ maxSoC: 60 });
    const { st, csms, clock } = await harness({ version: '2.1', replies, variables: points('PowerPathClosed', 'EVConnected,Authorized') });
    st.plugIn(1, 1, { powerW: 6000, socPercent: 50, capacityWh: 60_000 });
    await st.presentToken('TAG1');
    await clock.advance(59 * MIN);
    assert.deepEqual(csms.txEvents.map((e) => e.triggerReason), ['Authorized', 'ChargingStateChanged', 'LimitSet']);
    await clock.advance(MIN);
    const hit = csms.txEvents[3]!;
    assert.deepEqual([brief(hit), hit.timestamp], ['Updated(SoCLimitReached,SuspendedEVSE)', '2025-01-01T01:00:00.000Z']);
  });
});
