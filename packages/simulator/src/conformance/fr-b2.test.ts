// Block B (Provisioning), station side: boot retries while Pending/Rejected, "temporarily unable" answers,
// EVSE reset, and the Immediate reset with an unanswered TransactionEvent (2.1 and 2.0.1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { DEFAULT_BOOT_RETRY_S, setTemporarilyUnable } from '../blocks/provisioning.ts';
import { QUIET, sequence } from './sequence.ts';

const now = () => new Date().toISOString();
const boots = (csms: { received: { action: string }[] }) => csms.received.filter((r) => r.action === 'BootNotification').length;

for (const version of VERSIONS) {
  describe(`block B station-side FRs, part 2 (${version})`, () => {
    test('B02.FR.06 while Pending the station keeps the connection open across boot retries and answers the CSMS', async () => {
      const { st, csms, clock } = await harness({ version, variables: QUIET, replies: { BootNotification: () => ({ currentTime: now(), interval: 10, status: 'Pending' }) } });
      let closed = 0;
      st.on('disconnected', () => { closed++; });
      const endpoint = csms.endpoint;
      for (let i = 0; i < 3; i++) await clock.advance(10_000);
      assert.equal(boots(csms), 4);
      assert.deepEqual([closed, st.connected, csms.endpoint === endpoint], [0, true, true]);
      const r = await csms.call('GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] });
      assert.equal(r.getVariableResult[0]!.attributeStatus, 'Accepted');
    });

    for (const [fr, status] of [['B02.FR.07', 'Pending'], ['B03.FR.05', 'Rejected']] as const) {
      test(`${fr} ${status} with interval 0: the station retries after its own interval (${DEFAULT_BOOT_RETRY_S} s), not at once`, async () => {
        const { csms, clock } = await harness({ version, variables: QUIET, replies: { BootNotification: () => ({ currentTime: now(), interval: 0, status }) } });
        assert.equal(boots(csms), 1);
        await clock.advance(DEFAULT_BOOT_RETRY_S * 1000 - 1);
        assert.equal(boots(csms), 1, 'no retry before the chosen interval');
        await clock.advance(1);
        assert.equal(boots(csms), 2);
        await clock.advance(DEFAULT_BOOT_RETRY_S * 1000);
        assert.equal(boots(csms), 3);
      });
    }

    test('B07.FR.13 B08.FR.16 temporarily unable to run a report: GetBaseReport and GetReport Rejected, no NotifyReport', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      csms.clear();
      setTemporarilyUnable(st, 'report');
      assert.deepEqual(await csms.call('GetBaseReport', { requestId: 1, reportBase: 'FullInventory' }), { status: 'Rejected' });
      assert.deepEqual(await csms.call('GetReport', { requestId: 2, componentVariable: [{ component: { name: 'OCPPCommCtrlr' } }] }), { status: 'Rejected' });
      await settle();
      assert.deepEqual(sequence(csms), []);
      setTemporarilyUnable(st, 'report', false);
      assert.deepEqual(await csms.call('GetBaseReport', { requestId: 3, reportBase: 'FullInventory' }), { status: 'Accepted' });
    });

    test('B11.FR.06 B12.FR.10 temporarily unable to reset: Reset Rejected (station and EVSE, with a transaction too), nothing happens', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      setTemporarilyUnable(st, 'reset');
      for (const req of [{ type: 'Immediate' as const }, { type: 'OnIdle' as const }, { type: 'Immediate' as const, evseId: 1 }]) {
        assert.deepEqual(await csms.call('Reset', req), { status: 'Rejected' }, JSON.stringify(req));
      }
      await settle();
      assert.deepEqual(sequence(csms), []);
      assert.ok(st.evse(1).tx, 'the transaction goes on');
      assert.equal(st.registration, 'Accepted');
    });

    test('B11.FR.08 B12.FR.04 Reset Immediate of one EVSE: its transaction ends, the EVSE is Unavailable while it resets, no reboot', async () => {
      const { st, csms } = await harness({ version, variables: QUIET, evses: [{}, {}] });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      assert.deepEqual(await csms.call('Reset', { type: 'Immediate', evseId: 1 }), { status: 'Accepted' });
      await csms.until(() => csms.of('StatusNotification').length === 2);
      assert.deepEqual(sequence(csms), ['TransactionEvent(Ended,ResetCommand,ImmediateReset)', 'StatusNotification(1/1:Unavailable)', 'StatusNotification(1/1:Occupied)']);
      assert.equal(st.registration, 'Accepted');
    });

    test('B11.FR.08 Reset of an EVSE authorized by a remote start (no transaction yet): the authorization is gone after the reset', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      await csms.call('RequestStartTransaction', { idToken: { idToken: 'R1', type: 'Central' }, remoteStartId: 7 });
      await settle();
      assert.ok(st.evse(1).auth);
      csms.clear();
      assert.deepEqual(await csms.call('Reset', { type: 'Immediate', evseId: 1 }), { status: 'Accepted' });
      await csms.until(() => csms.of('StatusNotification').length === 2);
      assert.deepEqual(sequence(csms), ['StatusNotification(1/1:Unavailable)', 'StatusNotification(1/1:Available)']);
      assert.equal(st.evse(1).auth, undefined);
      st.plugIn(1, 1);
      await settle();
      assert.equal(csms.txEvents.find((e) => e.eventType === 'Started')?.transactionInfo.remoteStartId, undefined, 'no transaction for the old remote start');
    });

    test('B11.FR.07 B11.FR.08 B12.FR.01 Reset OnIdle of an EVSE with a transaction: Scheduled; the EVSE resets once the transaction ended', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      assert.deepEqual(await csms.call('Reset', { type: 'OnIdle', evseId: 1 }), { status: 'Scheduled' });
      await settle();
      assert.deepEqual(sequence(csms), []);
      await st.presentToken('TAG1');
      await csms.until(() => csms.of('StatusNotification').length === 2);
      assert.deepEqual(sequence(csms), ['TransactionEvent(Ended,StopAuthorized,Local)', 'StatusNotification(1/1:Unavailable)', 'StatusNotification(1/1:Occupied)']);
      assert.equal(st.registration, 'Accepted');
    });

    test('B12.FR.05 Immediate reset, the Ended TransactionEvent is not answered within MessageTimeout: queued, reboot, resent after the reboot', async () => {
      let hang = true;
      const { st, csms } = await harness({ version, variables: { ...QUIET, 'OCPPCommCtrlr.MessageTimeout[Default]': '1' },
        replies: { TransactionEvent: (req) => (hang && req.eventType === 'Ended' ? new Promise<never>(() => {}) : {}) } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      assert.deepEqual(await csms.call('Reset', { type: 'Immediate' }), { status: 'Accepted' });
      await csms.until(() => csms.txEvents.length === 1);
      hang = false;
      await csms.until(() => csms.txEvents.length === 2, 8000);
      const [first, again] = csms.txEvents;
      assert.deepEqual(sequence(csms).filter((s) => !s.startsWith('StatusNotification')),
        ['TransactionEvent(Ended,ResetCommand,ImmediateReset)', 'BootNotification(RemoteReset)', 'TransactionEvent(Ended,ResetCommand,ImmediateReset)']);
      assert.deepEqual([again!.seqNo, again!.transactionInfo.transactionId], [first!.seqNo, first!.transactionInfo.transactionId], 'the same message again');
      await settle();
      assert.equal(st.outbox.size, 0);
    });
  });
}
