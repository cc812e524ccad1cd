// Blocks F and J end-to-end over real WebSockets: the OCPP 2.0.1 Part 6 test cases TC_F_04/12/13/14/15/18/23/24_CSMS
// and TC_J_03/04/08/11_CSMS, each in OCPP 2.0.1 and 2.1. The station is a raw OcppClient playing the OCTT's
// side; the operator's "manual actions" (RequestStartTransaction, TriggerMessage) go through the REST API of the
// running CSMS (Fastify inject, admin token).
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppClient, OcppVersion } from '@chargewire/ocpp';
import type { MeterValueType, SampledValueType, TriggerMessageRequest } from '@chargewire/ocpp/types';
import type { TestCsms } from '../fixtures/csms.ts';
import { aBootNotification } from '../fixtures/builders.ts';
import { connectorStatus, now, startApiCsms, txOf, type SendTx } from '../fixtures/tc-csms.ts';

const iso = (idToken: string) => ({ idToken, type: 'ISO14443' as const });

const mv = (at: string, context: SampledValueType['context'], value: number, signed?: boolean): MeterValueType => ({
  timestamp: at,
  sampledValue: [{ value, context, ...(signed && { signedMeterValue: { signedMeterData: Buffer.from(`OCMF|${value}`).toString('base64'), signingMethod: 'ECDSA-secp256r1-SHA256', encodingMethod: 'OCMF', publicKey: 'MFkwEw==' } }) }],
});

for (const version of ['2.0.1', '2.1'] as OcppVersion[]) {
  describe(`blocks F and J test cases over WebSocket, OCPP ${version}`, () => {
    let h: Awaited<ReturnType<typeof startApiCsms>>;
    let t: TestCsms;
    before(async () => {
      h = await startApiCsms('tc-fj');
      t = h.t;
      assert.equal((await h.api('PUT', '/id-tokens/ISO14443/VALID', { status: 'Accepted' })).status, 200);
    });
    after(async () => { await h.stop(); });
    let n = 0;
    const booted = async (tc: string, evses = 1) => {
      const sid = `${tc}-${version.replace(/\./g, '')}-${n++}`;
      const cs = await t.connect(sid, { version });
      assert.equal((await cs.call('BootNotification', aBootNotification())).status, 'Accepted');
      for (let e = 1; e <= evses; e++) await connectorStatus(cs, e, 'Available');
      return { sid, cs };
    };
    /** State EnergyTransferStarted on one EVSE (Authorized, EVConnectedPreSession, Charging), with a begin reading. */
    const energyTransferStarted = async (cs: OcppClient, id: string, evseId = 1, startWh = 1000) => {
      const send = txOf(cs, id, evseId);
      assert.equal((await cs.call('Authorize', { idToken: iso('VALID') })).idTokenInfo.status, 'Accepted');
      assert.equal((await send('Started', 'Authorized', {}, { idToken: iso('VALID'), meterValue: [mv(now(), 'Transaction.Begin', startWh)] })).idTokenInfo?.status, 'Accepted');
      await connectorStatus(cs, evseId, 'Occupied');
      await send('Updated', 'CablePluggedIn', { chargingState: 'EVConnected' });
      await send('Updated', 'ChargingStateChanged', { chargingState: 'Charging' });
      return send;
    };
    /** The operator's TriggerMessage through the REST API; returns what the station received. */
    const trigger = async (sid: string, cs: OcppClient, body: TriggerMessageRequest, then: () => Promise<void>) => {
      const got: TriggerMessageRequest[] = [];
      cs.handle('TriggerMessage', async (_c, req) => { got.push(req); return { status: 'Accepted' }; });
      const r = await h.api('POST', `/stations/${sid}/trigger`, body);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body['response'], { status: 'Accepted' });
      await then(); // step 3: the station sends the requested message(s)
      return got;
    };

    test('TC_F_04_CSMS [F02.FR.01] [E03.FR.02] [E03.FR.04] [E03.FR.05] remote start first, cable plug-in timeout: the deauthorized remote transaction is answered and kept', async () => {
      const { sid, cs } = await booted('F04');
      const got: { idToken: unknown; remoteStartId: number }[] = [];
      cs.handle('RequestStartTransaction', async (_c, req) => { got.push(req); return { status: 'Accepted' }; }); // transactionId omitted
      // Manual action: trigger the CSMS to request a start
      const r = await h.api('POST', `/stations/${sid}/transactions/start`, { idToken: iso('VALID'), evseId: 1 });
      assert.deepEqual([r.status, r.body['response']], [200, { status: 'Accepted' }]);
      // Step 1 validation: idToken is the configured valid idToken
      assert.deepEqual(got.map((g) => g.idToken), [iso('VALID')]);
      const rsId = got[0]!.remoteStartId;
      assert.equal(rsId, r.body['remoteStartId']);
      const send = txOf(cs, 'f04', 1);
      const step4 = await send('Started', 'RemoteStart', { remoteStartId: rsId, chargingState: 'Idle' }, { idToken: iso('VALID') });
      assert.equal(step4.idTokenInfo?.status, 'Accepted');
      // step 5: no cable within EVConnectionTimeOut, the station deauthorizes
      assert.equal((await send('Updated', 'EVConnectTimeout', { chargingState: 'Idle' })).idTokenInfo, undefined);
      const linked = await h.api('GET', `/stations/${sid}/remote-starts/${rsId}`);
      assert.deepEqual([linked.status, linked.body['transaction'].transactionId, linked.body['transaction'].triggerReason], [200, 'f04', 'EVConnectTimeout']);
      // [E03.FR.05] the station ends it with stoppedReason Timeout
      await send('Ended', 'EVConnectTimeout', { stoppedReason: 'Timeout', chargingState: 'Idle' });
      const tx = (await t.store.getTransaction(sid, 'f04'))!;
      assert.deepEqual([tx.state, tx.stoppedReason, tx.remoteStartId], ['Ended', 'Timeout', rsId]);
    });

    test('TC_F_12_CSMS [F06.FR.01] TriggerMessage MeterValues for all EVSE: no evse in the request, every EVSE answered and stored', async () => {
      const { sid, cs } = await booted('F12', 2);
      const got = await trigger(sid, cs, { requestedMessage: 'MeterValues' }, async () => {
        for (const evseId of [1, 2]) assert.deepEqual(await cs.call('MeterValues', { evseId, meterValue: [mv(now(), 'Trigger', 100 * evseId)] }), {});
      });
      assert.deepEqual(got, [{ requestedMessage: 'MeterValues' }]);
      const rows = await t.store.listMeterValues({ stationId: sid, limit: 10 });
      assert.deepEqual(rows.map((x) => [x.evseId, x.context, x.value]).sort(), [[1, 'Trigger', 100], [2, 'Trigger', 200]]);
    });

    test('TC_F_13_CSMS [F06.FR.01] [F06.FR.02] TriggerMessage TransactionEvent for a specific EVSE during charging', async () => {
      const { sid, cs } = await booted('F13');
      const send = await energyTransferStarted(cs, 'f13');
      let step4: unknown;
      const got = await trigger(sid, cs, { requestedMessage: 'TransactionEvent', evse: { id: 1 } }, async () => {
        step4 = await send('Updated', 'Trigger', { chargingState: 'Charging' }, { meterValue: [mv(now(), 'Trigger', 1500)] });
      });
      assert.deepEqual(got, [{ requestedMessage: 'TransactionEvent', evse: { id: 1 } }]);
      assert.equal(typeof step4, 'object');
      const tx = (await t.store.getTransaction(sid, 'f13'))!;
      assert.deepEqual([tx.triggerReason, tx.chargingState, tx.eventCount, tx.energyWh], ['Trigger', 'Charging', 4, 1500]);
      assert.ok((await t.store.listMeterValues({ stationId: sid, transactionId: 'f13', limit: 10 })).some((x) => x.context === 'Trigger'));
    });

    test('TC_F_14_CSMS [F06.FR.01] TriggerMessage TransactionEvent for all EVSE: one event per ongoing transaction, evse omitted', async () => {
      const { sid, cs } = await booted('F14', 2);
      const sends = [await energyTransferStarted(cs, 'f14-1', 1), await energyTransferStarted(cs, 'f14-2', 2)];
      const got = await trigger(sid, cs, { requestedMessage: 'TransactionEvent' }, async () => {
        for (const send of sends) await send('Updated', 'Trigger', { chargingState: 'Charging' }, { evse: undefined, meterValue: [mv(now(), 'Trigger', 1200)] });
      });
      assert.deepEqual(got, [{ requestedMessage: 'TransactionEvent' }]);
      for (const [id, evseId] of [['f14-1', 1], ['f14-2', 2]] as const) {
        const tx = (await t.store.getTransaction(sid, id))!;
        assert.deepEqual([tx.triggerReason, tx.evseId, tx.energyWh], ['Trigger', evseId, 1200]);
      }
    });

    test('TC_F_15_CSMS [F06.FR.01] [F06.FR.15] TriggerMessage LogStatusNotification: the Idle status is answered', async () => {
      const { sid, cs } = await booted('F15');
      let step4: unknown;
      const got = await trigger(sid, cs, { requestedMessage: 'LogStatusNotification' }, async () => { step4 = await cs.call('LogStatusNotification', { status: 'Idle' }); });
      assert.deepEqual(got, [{ requestedMessage: 'LogStatusNotification' }]);
      assert.deepEqual(step4, {});
    });

    test('TC_F_18_CSMS [F06.FR.01] [F06.FR.16] TriggerMessage FirmwareStatusNotification: the Idle status is answered', async () => {
      const { sid, cs } = await booted('F18');
      let step4: unknown;
      const got = await trigger(sid, cs, { requestedMessage: 'FirmwareStatusNotification' }, async () => { step4 = await cs.call('FirmwareStatusNotification', { status: 'Idle' }); });
      assert.deepEqual(got, [{ requestedMessage: 'FirmwareStatusNotification' }]);
      assert.deepEqual(step4, {});
    });

    test('TC_F_23_CSMS [F06.FR.01] [F06.FR.02] [F06.FR.13] TriggerMessage StatusNotification for a specific available EVSE (connectorId required)', async () => {
      const { sid, cs } = await booted('F23');
      // [F06.FR.13] without a connectorId the CSMS refuses to send it
      const bad = await h.api('POST', `/stations/${sid}/trigger`, { requestedMessage: 'StatusNotification', evse: { id: 1 } });
      assert.deepEqual([bad.status, bad.body['error']?.field], [400, 'evse.connectorId']);
      const got = await trigger(sid, cs, { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } }, () => connectorStatus(cs, 1, 'Available'));
      assert.deepEqual(got, [{ requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } }]);
      assert.deepEqual((await t.store.listConnectors(sid)).map((c) => [c.evseId, c.connectorId, c.status]), [[1, 1, 'Available']]);
    });

    test('TC_F_24_CSMS [F06.FR.01] [F06.FR.02] [F06.FR.13] TriggerMessage StatusNotification for a specific occupied EVSE', async () => {
      const { sid, cs } = await booted('F24');
      await connectorStatus(cs, 1, 'Occupied'); // steps 1-2
      const got = await trigger(sid, cs, { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } }, () => connectorStatus(cs, 1, 'Occupied'));
      assert.deepEqual(got, [{ requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } }]);
      assert.deepEqual((await t.store.listConnectors(sid)).map((c) => [c.evseId, c.connectorId, c.status]), [[1, 1, 'Occupied']]);
    });

    /** EVConnectedPostSession, then EVDisconnected whose Ended event carries the TxEnded meter values. */
    const disconnectWith = async (cs: OcppClient, send: SendTx, meterValue: MeterValueType[]) => {
      await send('Updated', 'StopAuthorized', {}, { idToken: iso('VALID') });
      await send('Updated', 'ChargingStateChanged', { chargingState: 'EVConnected' });
      await connectorStatus(cs, 1, 'Available');
      // [J02.FR.19] the CSMS responds with a TransactionEventResponse
      assert.equal(typeof (await send('Ended', 'EVCommunicationLost', { chargingState: 'Idle', stoppedReason: 'EVDisconnected' }, { meterValue })), 'object');
    };
    /** TxEnded readings every 15 minutes back from now, context `ctx`, the last one Transaction.End. */
    const txEnded = (ctx: SampledValueType['context'], signed: boolean) => {
      const base = Date.now() - 45 * 60_000;
      return [0, 1, 2, 3].map((i) => mv(new Date(base + i * 15 * 60_000).toISOString(), i === 3 ? 'Transaction.End' : ctx, 1000 + 500 * (i + 1), signed));
    };

    for (const [tc, fr, ctx, signed] of [
      ['TC_J_03_CSMS', '[J01.FR.18]', 'Sample.Clock', false], ['TC_J_04_CSMS', '[J01.FR.21]', 'Sample.Clock', true],
      ['TC_J_11_CSMS', '[J02.FR.21] [J02.FR.19]', 'Sample.Periodic', true],
    ] as const) {
      test(`${tc} ${fr} TxEnded meter values (${ctx}${signed ? ', signed' : ''}, last Transaction.End) in the Ended event are answered and stored as sent`, async () => {
        const { sid, cs } = await booted(tc.slice(3, 7));
        const send = await energyTransferStarted(cs, tc);
        const sent = txEnded(ctx, signed);
        await disconnectWith(cs, send, sent);
        const tx = (await t.store.getTransaction(sid, tc))!;
        assert.deepEqual([tx.state, tx.stoppedReason, tx.meterStartWh, tx.energyWh], ['Ended', 'EVDisconnected', 1000, 3000]);
        const rows = (await t.store.listMeterValues({ stationId: sid, transactionId: tc, limit: 20 })).filter((x) => x.context !== 'Transaction.Begin');
        assert.deepEqual(rows.map((x) => [x.timestamp, x.context, x.value]), sent.map((m) => [m.timestamp, m.sampledValue[0]!.context, m.sampledValue[0]!.value]));
        // [J01.FR.21] [J02.FR.21] signed readings are kept verbatim for verification
        assert.deepEqual(rows.map((x) => x.signedMeterValue), sent.map((m) => m.sampledValue[0]!.signedMeterValue));
      });
    }

    test('TC_J_08_CSMS [J02.FR.19] Transaction.Begin meter values when the EVSE is not known at authorization', async () => {
      const { sid, cs } = await booted('J08');
      // Authorized: AuthorizeRequest, then TransactionEvent Started without an EVSE (not known yet)
      assert.equal((await cs.call('Authorize', { idToken: iso('VALID') })).idTokenInfo.status, 'Accepted');
      const send = txOf(cs, 'j08', 1);
      assert.equal((await send('Started', 'Authorized', {}, { idToken: iso('VALID'), evse: undefined })).idTokenInfo?.status, 'Accepted');
      assert.equal((await t.store.getTransaction(sid, 'j08'))?.evseId, undefined);
      // EVConnectedPreSession: the TransactionEvent names the EVSE and carries the Transaction.Begin reading
      await connectorStatus(cs, 1, 'Occupied');
      assert.equal(typeof (await send('Updated', 'CablePluggedIn', { chargingState: 'EVConnected' }, { meterValue: [mv(now(), 'Transaction.Begin', 4200)] })), 'object');
      await send('Updated', 'ChargingStateChanged', { chargingState: 'Charging' }, { meterValue: [mv(now(), 'Sample.Periodic', 4300)] });
      const tx = (await t.store.getTransaction(sid, 'j08'))!;
      assert.deepEqual([tx.evseId, tx.chargingState, tx.meterStartWh, tx.energyWh], [1, 'Charging', 4200, 4300]);
      const rows = await t.store.listMeterValues({ stationId: sid, transactionId: 'j08', limit: 10 });
      assert.deepEqual(rows.map((x) => [x.evseId, x.context, x.value]), [[1, 'Transaction.Begin', 4200], [1, 'Sample.Periodic', 4300]]);
    });
  });
}
