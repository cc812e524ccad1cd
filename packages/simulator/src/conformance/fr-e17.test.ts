// Block E (E17), station side: resuming transactions after a forced reboot / power loss (OCPP 2.1), named
// after the FR IDs. The "crash" is Station.stop() without ending the transaction; the restart is a new
// station on the same data dir whose clock is `downS` seconds later.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppTypes } from '@chargewire/ocpp';
import { ManualClock, settle } from '../clock.ts';
import { harness, type Harness } from '../testing/harness.ts';
import type { StationOptions } from '../station-types.ts';
import { QUIET } from './sequence.ts';

type Ev = OcppTypes.TransactionEventRequest;
const MIN = 60_000;
const brief = (e: Ev): string => `${e.eventType}(${e.triggerReason},${e.transactionInfo.chargingState}${e.transactionInfo.stoppedReason ? `,${e.transactionInfo.stoppedReason}` : ''})`;
const vars = (more: Record<string, string> = {}) => ({
  ...QUIET, 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized', 'TxCtrlr.ResumptionTimeout': '120', ...more,
});

/** Charge for 10 minutes at 6 kW (1000 Wh), "crash", restart after `downS` seconds. */
async function crashAndRestart(variables: Record<string, string>, downS: number, restart: Partial<StationOptions> = {}, before?: (h: Harness) => Promise<void>): Promise<{ a: Harness; b: Harness; clock: ManualClock; txId: string; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cw-e17-'));
  const a = await harness({ version: '2.1', dataDir, clock: new ManualClock(), variables });
  const ca = a.st.clock as ManualClock;
  a.st.plugIn(1, 1, { powerW: 6000 });
  await a.st.presentToken('TAG1');
  await ca.advance(10 * MIN);
  if (before) await before(a);
  await a.csms.until(() => a.st.outbox.size === 0);
  const txId = a.st.state().evses[0]!.transactionId!;
  await a.st.stop(); // the process dies: no Ended
  const clock = new ManualClock(ca.now() + downS * 1000);
  const b = await harness({ version: '2.1', dataDir, clock, variables, ...restart });
  await b.csms.until(() => b.csms.txEvents.length >= 1);
  await settle();
  return { a, b, clock, txId, dataDir };
}

describe('block E17 station FRs (2.1)', () => {
  test('E17.FR.01 E17.FR.02 E17.FR.10 E17.FR.11 E17.FR.14 within ResumptionTimeout: same transaction resumed, Updated(TxResumed, Charging), seqNo continues, energy keeps flowing', async () => {
    const { a, b, clock, txId, dataDir } = await crashAndRestart(vars(), 60);
    const saved = JSON.parse(readFileSync(join(dataDir, 'station-state.json'), 'utf8')) as { transactions: { id: string; seqNo: number; chargingState: string; idToken: { idToken: string } }[] };
    assert.deepEqual(saved.transactions.map((t) => [t.id, t.chargingState, t.idToken.idToken]), [[txId, 'Charging', 'TAG1']], 'E17.FR.01 persisted');
    const last = a.csms.txEvents.at(-1)!;
    const e = b.csms.txEvents[0]!;
    assert.deepEqual([brief(e), e.transactionInfo.transactionId, e.seqNo, e.evse], ['Updated(TxResumed,Charging)', txId, last.seqNo + 1, { id: 1, connectorId: 1 }]);
    assert.equal(b.csms.txEvents.length, 1);
    const reading = e.meterValue![0]!.sampledValue[0]!;
    assert.deepEqual([reading.context, reading.measurand, reading.value], ['Interruption.End', 'Energy.Active.Import.Register', 1000]);
    const s = b.st.state().evses[0]!;
    assert.deepEqual([s.transactionId, s.idToken, s.energyWh, s.powerW], [txId, 'TAG1', 1000, 6000], 'the register continues where it was');
    await clock.advance(10 * MIN);
    b.st.unplug(1);
    await settle();
    const end = b.csms.txEvents.at(-1)!;
    assert.deepEqual([brief(end), end.seqNo, end.meterValue?.map((m) => m.sampledValue[0]?.value)], ['Ended(EVCommunicationLost,Idle,EVDisconnected)', last.seqNo + 2, [0, 2000]], 'the start reading was kept across the restart');
    await b.st.stop();
  });

  test('E17.FR.20 E17.FR.21 interrupted longer than ResumptionTimeout: Ended(AbnormalCondition, PowerLoss)', async () => {
    const { b, txId } = await crashAndRestart(vars(), 121);
    assert.deepEqual(b.csms.txEvents.map((e) => [brief(e), e.transactionInfo.transactionId]), [['Ended(AbnormalCondition,Idle,PowerLoss)', txId]]);
    assert.equal(b.st.state().evses[0]!.transactionId, undefined);
    await b.st.stop();
  });

  test('E17.FR.22 interruption caused by the station itself (software fault): Ended(AbnormalCondition, Reboot)', async () => {
    const { b } = await crashAndRestart(vars(), 500, { interruption: { cause: 'Fault' } });
    assert.deepEqual(b.csms.txEvents.map(brief), ['Ended(AbnormalCondition,Idle,Reboot)']);
    await b.st.stop();
  });

  test('E17.FR.12 AllowEnergyTransferResumption = false: a Charging transaction resumes in SuspendedEVSE, no energy', async () => {
    const { b, clock } = await crashAndRestart(vars({ 'TxCtrlr.AllowEnergyTransferResumption': 'false' }), 30);
    assert.deepEqual(b.csms.txEvents.map(brief), ['Updated(TxResumed,SuspendedEVSE)']);
    await clock.advance(10 * MIN);
    assert.deepEqual([b.st.state().evses[0]!.energyWh, b.st.state().evses[0]!.powerW], [1000, 0]);
    await b.st.stop();
  });

  test('E17.FR.13 AllowEnergyTransferResumption = false: a SuspendedEV transaction resumes as SuspendedEV', async () => {
    const { b } = await crashAndRestart(vars({ 'TxCtrlr.AllowEnergyTransferResumption': 'false' }), 30, {}, async (a) => { a.st.setPower(1, 0); await settle(); });
    assert.deepEqual(b.csms.txEvents.map(brief), ['Updated(TxResumed,SuspendedEV)']);
    await b.st.stop();
  });

  test('E17.FR.18 EnergyTransferResumptionRandomRange: energy resumes after a random delay of at most that many seconds', async () => {
    const { b, clock } = await crashAndRestart(vars({ 'TxCtrlr.EnergyTransferResumptionRandomRange': '30' }), 30);
    assert.deepEqual(b.csms.txEvents.map(brief), ['Updated(TxResumed,Charging)']);
    assert.equal(b.st.state().evses[0]!.powerW, 0, 'held back right after the restart');
    await clock.advance(30_000);
    assert.equal(b.st.state().evses[0]!.powerW, 6000);
    assert.equal(b.csms.txEvents.length, 1, 'the charging state never changed');
    await b.st.stop();
  });

  test('E17.FR.16 EV unplugged during the interruption, TxStopPoint not met: resumed in Idle', async () => {
    const v = vars({ 'TxCtrlr.TxStopPoint': 'Authorized', 'TxCtrlr.StopTxOnEVSideDisconnect': 'false' });
    const { b } = await crashAndRestart(v, 30, { interruption: { evDeparted: [1] } });
    assert.deepEqual(b.csms.txEvents.map(brief), ['Updated(TxResumed,Idle)']);
    await b.st.stop();
  });

  test('E17.FR.17 EV unplugged during the interruption, TxStopPoint EVConnected met: the transaction ends as in E06', async () => {
    const { b } = await crashAndRestart(vars(), 30, { interruption: { evDeparted: [1] } });
    assert.deepEqual(b.csms.txEvents.map(brief), ['Ended(EVCommunicationLost,Idle,EVDisconnected)']);
    await b.st.stop();
  });

  test('E17.FR.10 E16.FR.05 a resumed transaction keeps its transaction limit', async () => {
    const limit = { maxEnergy: 1500 };
    const { b, clock } = await crashAndRestart(vars(), 30, {}, async (a) => { a.st.setTransactionLimit(1, limit); await settle(); });
    await clock.advance(5 * MIN);
    assert.deepEqual(b.csms.txEvents.map(brief), ['Updated(TxResumed,Charging)', 'Updated(EnergyLimitReached,SuspendedEVSE)']);
    assert.equal(b.st.state().evses[0]!.energyWh, 1500);
    await b.st.stop();
  });

  test('E17.FR.10 a station that cannot speak 2.1 (no TxResumed in 2.0.1) ends the transaction even within the timeout', async () => {
    const { b } = await crashAndRestart(vars(), 30, { versions: ['2.0.1'] });
    assert.deepEqual(b.csms.txEvents.map(brief), ['Ended(AbnormalCondition,Idle,PowerLoss)']);
    await b.st.stop();
  });
});
