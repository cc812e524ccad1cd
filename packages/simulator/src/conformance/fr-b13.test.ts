// Block B (B13, OCPP 2.1), station side: Reset ImmediateAndResume with ongoing transactions, named after the FR
// IDs. The reset takes `rebootDelayMs` of real time; the station clock is advanced meanwhile to show that no
// energy flows during the reset and that resumption does not depend on TxCtrlr.ResumptionTimeout.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, type Harness } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';

type Ev = OcppTypes.TransactionEventRequest;
const MIN = 60_000;
const brief = (e: Ev): string => `${e.eventType}(${e.triggerReason},${e.transactionInfo.chargingState})`;
const vars = (more: Record<string, string> = {}) => ({
  ...QUIET, 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized', 'TxCtrlr.ResumptionTimeout': '1', ...more,
});
const seq = (h: Harness): string[] => sequence(h.csms).filter((a) => a !== 'Heartbeat');
const reset = (h: Harness, evseId?: number) => h.csms.call('Reset', { type: 'ImmediateAndResume' as 'Immediate', ...(evseId !== undefined ? { evseId } : {}) });

/** Two EVSEs, a 6 kW charging session on EVSE 1 for 10 minutes (1000 Wh). */
async function charging(variables: Record<string, string>, evDemandW = 6000): Promise<Harness & { txId: string }> {
  const h = await harness({ version: '2.1', variables, rebootDelayMs: 150, evses: [{ connectors: [{}] }, { connectors: [{}] }] });
  h.st.plugIn(1, 1, { powerW: evDemandW });
  await h.st.presentToken('TAG1');
  await h.clock.advance(10 * MIN);
  await h.csms.until(() => h.st.outbox.size === 0);
  await settle();
  h.csms.clear();
  return { ...h, txId: h.st.state().evses[0]!.transactionId! };
}

/** While the reset is in progress (after Updated(ResetCommand) arrived): 10 minutes pass on the station clock. */
async function duringReset(h: Harness): Promise<{ powerW: number; energyWh: number }> {
  await h.csms.until(() => h.csms.txEvents.some((e) => e.triggerReason === 'ResetCommand'));
  await h.clock.advance(10 * MIN);
  const s = h.st.state().evses[0]!;
  return { powerW: s.powerW, energyWh: s.energyWh };
}

describe('block B13 station FRs (2.1): Reset ImmediateAndResume', () => {
  test('B13.FR.01 TxCtrlr.ResumptionTimeout = 0 (no resumption support): Rejected, the transaction goes on untouched', async () => {
    const h = await charging(vars({ 'TxCtrlr.ResumptionTimeout': '0' }));
    assert.equal((await reset(h)).status, 'Rejected');
    assert.equal((await reset(h, 1)).status, 'Rejected');
    await settle();
    assert.deepEqual(seq(h), []);
    assert.deepEqual([h.st.registration, h.st.state().evses[0]!.transactionId, h.st.state().evses[0]!.powerW], ['Accepted', h.txId, 6000]);
    await h.st.stop();
  });

  test('B13.FR.02 no transaction ongoing: Accepted and B11 (station reboots; an EVSE reset: Unavailable while it resets, B11.FR.08)', async () => {
    const h = await harness({ version: '2.1', variables: vars(), rebootDelayMs: 1 });
    h.csms.clear();
    assert.equal((await reset(h, 1)).status, 'Accepted');
    await h.csms.until(() => h.csms.of('StatusNotification').length === 2);
    assert.deepEqual(seq(h), ['StatusNotification(1/1:Unavailable)', 'StatusNotification(1/1:Available)']);
    h.csms.clear();
    assert.equal((await reset(h)).status, 'Accepted');
    await h.csms.until(() => h.csms.of('StatusNotification').length === 1);
    assert.deepEqual(seq(h), ['BootNotification(RemoteReset)', 'StatusNotification(1/1:Available)']);
    await h.st.stop();
  });

  test('B13.FR.03 B13.FR.04 B13.FR.20 B13.FR.21 B13.FR.23 B13.FR.24 B13.FR.30 station reset: Updated(ResetCommand), reboot, same transaction resumed with Updated(TxResumed, Charging)', async () => {
    const h = await charging(vars());
        assert.deepEqual(await reset(h), { status: 'Accepted' });
    const mid = await duringReset(h);
    assert.deepEqual(mid, { powerW: 0, energyWh: 1000 }, 'B13.FR.20: no energy during the reset');
    await h.csms.until(() => h.csms.txEvents.some((e) => e.triggerReason === 'TxResumed'));
    await settle();
    assert.deepEqual(seq(h), [
      'TransactionEvent(Updated,ResetCommand)', 'BootNotification(RemoteReset)', 'StatusNotification(1/1:Occupied)', 'StatusNotification(2/1:Available)', 'TransactionEvent(Updated,TxResumed)',
    ]);
    const [rc, tr] = h.csms.txEvents;
    assert.deepEqual([brief(rc!), brief(tr!)], ['Updated(ResetCommand,Charging)', 'Updated(TxResumed,Charging)']);
    assert.deepEqual([rc!.transactionInfo.transactionId, tr!.transactionInfo.transactionId, tr!.seqNo], [h.txId, h.txId, rc!.seqNo + 1]);
    assert.equal(tr!.meterValue?.[0]?.sampledValue[0]?.context, 'Interruption.End');
    // B13.FR.23: resumed although the reset (10 min) took far longer than ResumptionTimeout (1 s); B13.FR.24: energy flows.
    await h.clock.advance(10 * MIN);
    const s = h.st.state().evses[0]!;
    assert.deepEqual([s.transactionId, s.powerW, s.energyWh], [h.txId, 6000, 2000]);
    await h.st.stop();
  });

  test('B13.FR.03 B13.FR.04 B13.FR.10 B13.FR.11 B13.FR.12 B13.FR.13 B13.FR.30 EVSE reset: no reboot, energy stops on that EVSE only, the transaction resumes', async () => {
    const h = await charging(vars());
    h.st.plugIn(2, 1, { powerW: 3000 });
    await h.st.presentToken('TAG2');
    await settle();
    const other = h.st.state().evses[1]!.transactionId;
    h.csms.clear();
    assert.deepEqual(await reset(h, 1), { status: 'Accepted' });
    const mid = await duringReset(h);
    assert.deepEqual(mid, { powerW: 0, energyWh: 1000 }, 'B13.FR.10');
    assert.deepEqual([h.st.state().evses[1]!.powerW, h.st.state().evses[1]!.energyWh], [3000, 500], 'EVSE 2 keeps charging');
    await h.csms.until(() => h.csms.txEvents.some((e) => e.triggerReason === 'TxResumed'));
    await settle();
    assert.deepEqual(seq(h), ['TransactionEvent(Updated,ResetCommand)', 'TransactionEvent(Updated,TxResumed)'], 'B13.FR.11: no BootNotification');
    assert.deepEqual(h.csms.txEvents.map((e) => [brief(e), e.transactionInfo.transactionId, e.evse?.id]), [
      ['Updated(ResetCommand,Charging)', h.txId, 1], ['Updated(TxResumed,Charging)', h.txId, 1],
    ]);
    assert.equal(h.st.registration, 'Accepted');
    await h.clock.advance(10 * MIN);
    assert.deepEqual(h.st.state().evses.map((e) => [e.transactionId, e.powerW]), [[h.txId, 6000], [other, 3000]], 'B13.FR.13');
    await h.st.stop();
  });

  test('B13.FR.14 B13.FR.25 AllowEnergyTransferResumption = false: a Charging transaction resumes as SuspendedEVSE without energy', async () => {
    for (const evseId of [1, undefined]) {
      const h = await charging(vars({ 'TxCtrlr.AllowEnergyTransferResumption': 'false' }));
      assert.equal((await reset(h, evseId)).status, 'Accepted');
      await h.csms.until(() => h.csms.txEvents.some((e) => e.triggerReason === 'TxResumed'));
      await settle();
      assert.deepEqual(h.csms.txEvents.map(brief), ['Updated(ResetCommand,Charging)', 'Updated(TxResumed,SuspendedEVSE)'], `evseId ${evseId}`);
      await h.clock.advance(10 * MIN);
      assert.deepEqual([h.st.state().evses[0]!.powerW, h.st.state().evses[0]!.energyWh], [0, 1000]);
      await h.st.stop();
    }
  });

  test('B13.FR.12 B13.FR.14 a SuspendedEV transaction resumes as SuspendedEV (FR.14 changes only Charging)', async () => {
    const h = await charging(vars({ 'TxCtrlr.AllowEnergyTransferResumption': 'false' }));
    h.st.setPower(1, 0);
    await settle();
    h.csms.clear();
    assert.equal((await reset(h, 1)).status, 'Accepted');
    await h.csms.until(() => h.csms.txEvents.some((e) => e.triggerReason === 'TxResumed'));
    assert.deepEqual(h.csms.txEvents.map(brief), ['Updated(ResetCommand,SuspendedEV)', 'Updated(TxResumed,SuspendedEV)']);
    await h.st.stop();
  });

  test('B11.FR.09 ImmediateAndResume for an EVSE that does not exist: Rejected, nothing sent', async () => {
    const h = await charging(vars());
    assert.equal((await reset(h, 9)).status, 'Rejected');
    await settle();
    assert.deepEqual(seq(h), []);
    await h.st.stop();
  });
});
