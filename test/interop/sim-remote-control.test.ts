// Block F interop: our simulator against our CSMS over real WebSockets, OCPP 2.1 and 2.0.1.
// Scenarios follow the OCPP 2.0.1 Part 6 certification test cases for the CSMS (TC_F_xx_CSMS, TC_E_21_CSMS).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { requestStartTransaction, requestStopTransaction, unlockConnector, triggerMessage } from '../../packages/csms/src/blocks/remote-control.ts';
import { transactionOfRemoteStart } from '../../packages/csms/src/blocks/transactions.ts';
import { startSimEnv, VERSIONS, idFor, eventually, drained, type SimEnv } from './sim-harness.ts';

const TOKEN = { idToken: 'F-TOKEN', type: 'ISO14443' as const };
const MIN = 60_000;

for (const version of VERSIONS) {
  describe(`simulator <-> CSMS, block F, OCPP ${version}`, () => {
    let env: SimEnv;
    before(async () => {
      env = await startSimEnv();
      await env.store.upsertIdToken({ ...TOKEN, status: 'Accepted' });
    });
    after(async () => { await env.stop(); });

    for (const [tc, authorizeRemoteStart] of [['TC_F_02_CSMS', 'true'], ['TC_F_03_CSMS', 'false']] as const) {
      test(`${tc} [F01.FR.0${authorizeRemoteStart === 'true' ? 1 : 2}] [F02.FR.01] Remote start before plug-in (AuthorizeRemoteStart=${authorizeRemoteStart}), then TC_E_21_CSMS [F03.FR.01] remote stop`, async () => {
        const sid = idFor(tc, version);
        const s = await env.station({ identity: sid, version, variables: { 'AuthCtrlr.AuthorizeRemoteStart': authorizeRemoteStart } });
        await s.accepted();
        const { remoteStartId, response } = await requestStartTransaction(env.runtime, sid, { idToken: TOKEN, evseId: 1 });
        assert.equal(response.status, 'Accepted');
        await eventually(() => s.st.state().evses[0]?.idToken === TOKEN.idToken);
        assert.equal(s.log.sent.filter((m) => m.action === 'Authorize').length, authorizeRemoteStart === 'true' ? 1 : 0);
        s.st.plugIn(1, 1, { powerW: 11_000 });
        const txId = s.st.state().evses[0]!.transactionId!;
        const linked = await eventually(() => transactionOfRemoteStart(env.runtime, sid, remoteStartId), 5000);
        assert.equal(linked.transactionId, txId);
        assert.equal(linked.remoteStartId, remoteStartId);
        await s.clock.advance(6 * MIN);
        assert.equal((await requestStopTransaction(env.runtime, sid, { transactionId: txId })).status, 'Accepted');
        const tx = await eventually(async () => { const r = await env.store.getTransaction(sid, txId); return r?.state === 'Ended' ? r : undefined; }, 5000);
        assert.deepEqual([tx.stoppedReason, tx.triggerReason, tx.energyWh], ['Remote', 'RemoteStop', 1100]);
        assert.deepEqual(s.log.requests.filter((r) => r.action.startsWith('Request')).map((r) => r.action), ['RequestStartTransaction', 'RequestStopTransaction']);
      });
    }

    test('TC_F_01_CSMS [F01.FR.19] [F01.FR.25] Remote start after plug-in: the running transaction gets the remoteStartId', async () => {
      const sid = idFor('F01', version);
      const s = await env.station({ identity: sid, version, variables: { 'TxCtrlr.TxStartPoint': 'EVConnected' } });
      await s.accepted();
      s.st.plugIn(1, 1);
      const txId = s.st.state().evses[0]!.transactionId!;
      assert.ok(txId);
      const { remoteStartId, response } = await requestStartTransaction(env.runtime, sid, { idToken: TOKEN, evseId: 1 });
      assert.deepEqual([response.status, response.transactionId], ['Accepted', txId]);
      await drained(s.st);
      const remote = s.log.txEvents.find((e) => e.triggerReason === 'RemoteStart');
      assert.equal(remote?.eventType, 'Updated');
      const tx = await eventually(async () => { const r = await env.store.getTransaction(sid, txId); return r?.remoteStartId === remoteStartId ? r : undefined; }, 5000);
      assert.deepEqual(tx.idToken, TOKEN);
    });

    test('TC_F_06_CSMS TC_F_20_CSMS TC_F_11_CSMS [F05.FR.01] [F06.FR.01] [F06.FR.02] Unlock connector; TriggerMessage Heartbeat and MeterValues', async () => {
      const sid = idFor('F06', version);
      const s = await env.station({ identity: sid, version });
      await s.accepted();
      assert.equal((await unlockConnector(env.runtime, sid, { evseId: 1, connectorId: 1 })).status, 'Unlocked');
      assert.equal((await triggerMessage(env.runtime, sid, { requestedMessage: 'Heartbeat' })).status, 'Accepted');
      await eventually(async () => (await env.store.listJournal(sid, { action: 'Heartbeat', direction: 'in', limit: 5 })).length === 1);
      assert.equal((await triggerMessage(env.runtime, sid, { requestedMessage: 'MeterValues', evse: { id: 1 } })).status, 'Accepted');
      const rows = await eventually(async () => { const r = await env.store.listMeterValues({ stationId: sid, evseId: 1, limit: 10 }); return r.length ? r : undefined; }, 5000);
      assert.deepEqual(rows.map((r) => [r.measurand, r.context, r.value]), [['Energy.Active.Import.Register', 'Trigger', 0]]);
    });
  });
}
