// Blocks C, D, E, F and J end-to-end over real WebSockets: Part 6 test cases TC_x_yy_CSMS, each in OCPP
// 2.0.1 and 2.1, with an OcppClient as the station.
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { OcppClient, type OcppVersion } from '@chargewire/ocpp';
import type { TransactionEventRequest } from '@chargewire/ocpp/types';
import { createCsms, createMemoryStore, loadConfig, blocks as defaultBlocks, type Csms } from '@chargewire/csms';
import { silentLogger } from '../fixtures/csms.ts';
import { aBootNotification } from '../fixtures/builders.ts';
import type { Store } from '../../packages/csms/src/store/store.ts';
import { authorization, clearCache } from '../../packages/csms/src/blocks/authorization.ts';
import { localAuthList, getLocalListVersion, sendLocalList } from '../../packages/csms/src/blocks/local-auth-list.ts';
import { transactions, getTransactionStatus } from '../../packages/csms/src/blocks/transactions.ts';
import { remoteControl, requestStartTransaction, requestStopTransaction, triggerMessage, unlockConnector } from '../../packages/csms/src/blocks/remote-control.ts';
import { meterValuesBlock } from '../../packages/csms/src/blocks/meter-values.ts';

export const chargingBlocks = [authorization, localAuthList, transactions, remoteControl, meterValuesBlock];
export const allBlocks = [...defaultBlocks, ...chargingBlocks.filter((b) => !defaultBlocks.includes(b))];

export async function startCsms(store: Store): Promise<{ csms: Csms; url: string }> {
  const config = loadConfig({ overrides: { ocpp: { host: '127.0.0.1', port: 0 }, http: { port: -1 }, boot: { fetchInventory: false }, store: { kind: 'memory' } } });
  const csms = createCsms(config, { store, logger: silentLogger(), blocks: allBlocks });
  const ports = await csms.start();
  return { csms, url: `ws://127.0.0.1:${ports.ocpp}/ocpp` };
}

const now = () => new Date().toISOString();
function ev(id: string, seqNo: number, eventType: TransactionEventRequest['eventType'], o: Partial<TransactionEventRequest> = {}): TransactionEventRequest {
  return { eventType, seqNo, timestamp: now(), triggerReason: eventType === 'Started' ? 'CablePluggedIn' : eventType === 'Ended' ? 'EVCommunicationLost' : 'ChargingStateChanged', transactionInfo: { transactionId: id }, evse: { id: 1, connectorId: 1 }, ...o };
}

for (const version of ['2.0.1', '2.1'] as OcppVersion[]) {
  describe(`blocks C, D, E, F, J over WebSocket, OCPP ${version}`, () => {
    let csms: Csms;
    let url: string;
    const store = createMemoryStore();
    const clients: OcppClient[] = [];
    before(async () => {
      ({ csms, url } = await startCsms(store));
      await store.upsertIdToken({ idToken: 'VALID', type: 'ISO14443', status: 'Accepted', groupIdToken: { idToken: 'GROUP', type: 'Central' } });
      await store.upsertIdToken({ idToken: 'VALID2', type: 'ISO14443', status: 'Accepted', groupIdToken: { idToken: 'GROUP', type: 'Central' } });
      await store.upsertIdToken({ idToken: 'BLOCKED', type: 'ISO14443', status: 'Blocked' });
      await store.upsertIdToken({ idToken: 'EXPIRED', type: 'ISO14443', status: 'Accepted', expiryDate: '2020-01-01T00:00:00Z' });
      await store.upsertIdToken({ idToken: 'MASTER', type: 'ISO14443', status: 'Accepted', masterPass: true, groupIdToken: { idToken: 'MPG', type: 'Central' } });
    });
    after(async () => {
      await Promise.all(clients.map((c) => c.close().catch(() => {})));
      await csms.stop();
    });
    let n = 0;
    const booted = async (tc: string) => {
      const sid = `${tc}-${version.replace(/\./g, '')}-${n++}`;
      const cs = new OcppClient({ url, identity: sid, reconnect: false, versions: [version] });
      clients.push(cs);
      await cs.connect();
      await cs.call('BootNotification', aBootNotification());
      return { sid, cs };
    };
    const rt = () => csms.runtime;

    for (const [tc, token, expected] of [['TC_C_02_CSMS', 'NOBODY', ['Invalid', 'Unknown']], ['TC_C_06_CSMS', 'BLOCKED', ['Blocked', 'Invalid']], ['TC_C_07_CSMS', 'EXPIRED', ['Expired', 'Invalid']]] as const) {
      test(`${tc} [C01.FR.07] Authorize of ${token} is answered ${expected.join(' or ')}`, async () => {
        const { cs } = await booted(tc);
        const r = await cs.call('Authorize', { idToken: { idToken: token, type: 'ISO14443' } });
        assert.ok((expected as readonly string[]).includes(r.idTokenInfo.status), r.idTokenInfo.status);
      });
    }

    test('TC_C_08_CSMS / TC_C_20_CSMS [C12.FR.03] cached token checked in TransactionEvent: Accepted / Invalid-Unknown', async () => {
      const { cs } = await booted('C08');
      const a = await cs.call('TransactionEvent', ev('c08', 0, 'Started', { triggerReason: 'Authorized', idToken: { idToken: 'VALID', type: 'ISO14443' } }));
      assert.equal(a.idTokenInfo?.status, 'Accepted');
      const b = await cs.call('TransactionEvent', ev('c20', 0, 'Started', { triggerReason: 'Authorized', idToken: { idToken: 'INVALID-X', type: 'ISO14443' } }));
      assert.ok(['Invalid', 'Unknown'].includes(b.idTokenInfo!.status));
    });

    test('TC_C_37_CSMS / TC_C_38_CSMS ClearCache Accepted and Rejected', async () => {
      const { sid, cs } = await booted('C37');
      let status: 'Accepted' | 'Rejected' = 'Accepted';
      cs.handle('ClearCache', async () => ({ status }));
      assert.equal((await clearCache(rt(), sid)).status, 'Accepted');
      status = 'Rejected';
      assert.equal((await clearCache(rt(), sid)).status, 'Rejected');
    });

    test('TC_C_39_CSMS [C09.FR.03] [C09.FR.09] [C09.FR.12] GroupId: another token of the group stops the transaction', async () => {
      const { sid, cs } = await booted('C39');
      assert.equal((await cs.call('Authorize', { idToken: { idToken: 'VALID2', type: 'ISO14443' } })).idTokenInfo.groupIdToken?.idToken, 'GROUP');
      const s = await cs.call('TransactionEvent', ev('c39', 0, 'Started', { triggerReason: 'Authorized', idToken: { idToken: 'VALID', type: 'ISO14443' } }));
      assert.equal(s.idTokenInfo?.groupIdToken?.idToken, 'GROUP');
      const stop = await cs.call('TransactionEvent', ev('c39', 1, 'Updated', { triggerReason: 'StopAuthorized', idToken: { idToken: 'VALID2', type: 'ISO14443' } }));
      assert.deepEqual(stop.idTokenInfo, { status: 'Accepted', groupIdToken: { idToken: 'GROUP', type: 'Central' } });
      await cs.call('TransactionEvent', ev('c39', 2, 'Ended', { triggerReason: 'StopAuthorized', transactionInfo: { transactionId: 'c39', stoppedReason: 'Local' } }));
      assert.equal((await store.getTransaction(sid, 'c39'))?.state, 'Ended');
    });

    test('TC_C_47_CSMS / TC_C_49_CSMS [C16.FR.03] master pass: Accepted with its group, transactions end with MasterPass', async () => {
      const { sid, cs } = await booted('C47');
      await cs.call('TransactionEvent', ev('c47', 0, 'Started', { triggerReason: 'Authorized', idToken: { idToken: 'VALID', type: 'ISO14443' } }));
      const a = await cs.call('Authorize', { idToken: { idToken: 'MASTER', type: 'ISO14443' } });
      assert.deepEqual(a.idTokenInfo, { status: 'Accepted', groupIdToken: { idToken: 'MPG', type: 'Central' } });
      await cs.call('TransactionEvent', ev('c47', 1, 'Ended', { triggerReason: 'StopAuthorized', idToken: { idToken: 'MASTER', type: 'ISO14443' }, transactionInfo: { transactionId: 'c47', stoppedReason: 'MasterPass' } }));
      assert.equal((await store.getTransaction(sid, 'c47'))?.stoppedReason, 'MasterPass');
    });

    test('TC_D_01/02/03/04/08/09_CSMS Send Local List full, differential update/remove, empty; GetLocalListVersion', async () => {
      const { sid, cs } = await booted('D01');
      let version = 0;
      const held = new Map<string, string>();
      cs.handle('SendLocalList', async (_c, req) => {
        if (req.updateType === 'Full') held.clear();
        for (const e of req.localAuthorizationList ?? []) e.idTokenInfo ? held.set(e.idToken.idToken, e.idTokenInfo.status) : held.delete(e.idToken.idToken);
        version = req.versionNumber;
        return { status: 'Accepted' };
      });
      cs.handle('GetLocalListVersion', async () => ({ versionNumber: version }));
      assert.equal((await getLocalListVersion(rt(), sid)).versionNumber, 0); // TC_D_09
      const e = (id: string) => ({ idToken: { idToken: id, type: 'ISO14443' }, idTokenInfo: { status: 'Accepted' as const } });
      await sendLocalList(rt(), sid, { updateType: 'Full', entries: [e('A'), e('B')] }); // TC_D_01
      await sendLocalList(rt(), sid, { updateType: 'Differential', entries: [e('C')] }); // TC_D_02
      await sendLocalList(rt(), sid, { updateType: 'Differential', entries: [{ idToken: { idToken: 'A', type: 'ISO14443' } }] }); // TC_D_03
      assert.deepEqual([...held.keys()].sort(), ['B', 'C']);
      assert.deepEqual(await getLocalListVersion(rt(), sid), { versionNumber: 3, storedVersion: 3, inSync: true }); // TC_D_08
      await sendLocalList(rt(), sid, { updateType: 'Full' }); // TC_D_04
      assert.equal(held.size, 0);
      assert.equal((await store.getLocalList(sid)).entries.length, 0);
    });

    test('TC_E_03_CSMS / TC_E_04_CSMS / TC_E_15_CSMS local start and stop: stored with events, energy and stop reason', async () => {
      const { sid, cs } = await booted('E03');
      const mv = (wh: number) => [{ timestamp: now(), sampledValue: [{ value: wh, context: 'Sample.Periodic' as const }] }];
      await cs.call('TransactionEvent', ev('e03', 0, 'Started', { meterValue: mv(1000) }));
      const auth = await cs.call('TransactionEvent', ev('e03', 1, 'Updated', { triggerReason: 'Authorized', idToken: { idToken: 'VALID', type: 'ISO14443' }, transactionInfo: { transactionId: 'e03', chargingState: 'Charging' }, meterValue: mv(1500) }));
      assert.equal(auth.idTokenInfo?.status, 'Accepted');
      await cs.call('TransactionEvent', ev('e03', 2, 'Ended', { triggerReason: 'StopAuthorized', idToken: { idToken: 'VALID', type: 'ISO14443' }, transactionInfo: { transactionId: 'e03', stoppedReason: 'Local' }, meterValue: mv(3200) }));
      const t = (await store.getTransaction(sid, 'e03'))!;
      assert.deepEqual([t.state, t.stoppedReason, t.eventCount, t.energyWh! - t.meterStartWh!], ['Ended', 'Local', 3, 2200]);
    });

    test('TC_E_29/30/31/33/34_CSMS GetTransactionStatus with and without transactionId', async () => {
      const { sid, cs } = await booted('E29');
      cs.handle('GetTransactionStatus', async (_c, req) => (req.transactionId === 'e29' ? { ongoingIndicator: true, messagesInQueue: true } : req.transactionId ? { ongoingIndicator: false, messagesInQueue: false } : { messagesInQueue: true }));
      assert.deepEqual((await getTransactionStatus(rt(), sid, { transactionId: 'e29' })).response, { ongoingIndicator: true, messagesInQueue: true });
      assert.deepEqual((await getTransactionStatus(rt(), sid, { transactionId: 'old' })).response, { ongoingIndicator: false, messagesInQueue: false });
      assert.deepEqual((await getTransactionStatus(rt(), sid)).response, { messagesInQueue: true });
    });

    test('TC_E_53_CSMS CSMS accepts seqNo = 0 at the start of every transaction', async () => {
      const { sid, cs } = await booted('E53');
      await cs.call('TransactionEvent', ev('e53a', 0, 'Started'));
      await cs.call('TransactionEvent', ev('e53a', 1, 'Ended', { transactionInfo: { transactionId: 'e53a', stoppedReason: 'Local' } }));
      assert.deepEqual(await cs.call('TransactionEvent', ev('e53b', 0, 'Started')), {});
      assert.equal((await store.getTransaction(sid, 'e53b'))?.eventCount, 1);
    });

    test('TC_F_01/02/03_CSMS remote start (remoteStartId linked) and TC_F_04 timeout; RequestStop', async () => {
      const { sid, cs } = await booted('F01');
      cs.handle('RequestStartTransaction', async (_c, req) => {
        setTimeout(() => void cs.call('TransactionEvent', ev('f01', 0, 'Started', { triggerReason: 'RemoteStart', idToken: req.idToken, transactionInfo: { transactionId: 'f01', remoteStartId: req.remoteStartId } })).catch(() => {}), 5);
        return { status: 'Accepted' };
      });
      cs.handle('RequestStopTransaction', async () => ({ status: 'Accepted' }));
      const r = await requestStartTransaction(rt(), sid, { idToken: { idToken: 'VALID', type: 'ISO14443' }, evseId: 1 });
      assert.equal(r.response.status, 'Accepted');
      let t;
      for (let i = 0; i < 100 && !(t = await store.getTransaction(sid, 'f01')); i++) await new Promise((res) => setTimeout(res, 10));
      assert.equal(t?.remoteStartId, r.remoteStartId);
      assert.equal((await requestStopTransaction(rt(), sid, { transactionId: 'f01' })).status, 'Accepted');
    });

    test('TC_F_06_CSMS UnlockConnector Accepted (Unlocked)', async () => {
      const { sid, cs } = await booted('F06');
      cs.handle('UnlockConnector', async () => ({ status: 'Unlocked' }));
      assert.equal((await unlockConnector(rt(), sid, { evseId: 1, connectorId: 1 })).status, 'Unlocked');
    });

    test('TC_F_11–TC_F_27_CSMS TriggerMessage MeterValues/TransactionEvent/LogStatus/Firmware/Heartbeat/StatusNotification/NotImplemented', async () => {
      const { sid, cs } = await booted('F11');
      cs.handle('TriggerMessage', async (_c, req) => ({ status: req.requestedMessage === 'SignV2GCertificate' ? 'NotImplemented' : 'Accepted' }));
      for (const [m, evse] of [['MeterValues', { id: 1 }], ['MeterValues', undefined], ['TransactionEvent', { id: 1 }], ['TransactionEvent', undefined], ['LogStatusNotification', undefined], ['FirmwareStatusNotification', undefined], ['Heartbeat', undefined], ['StatusNotification', { id: 1, connectorId: 1 }]] as const) {
        assert.equal((await triggerMessage(rt(), sid, { requestedMessage: m, ...(evse && { evse }) })).status, 'Accepted', m);
      }
      assert.equal((await triggerMessage(rt(), sid, { requestedMessage: 'SignV2GCertificate' })).status, 'NotImplemented');
    });

    test('TC_J_01/02/04_CSMS clock-aligned MeterValues (signed kept verbatim); TC_J_07/09/10/11 sampled in TransactionEvent', async () => {
      const { sid, cs } = await booted('J01');
      const signed = { signedMeterData: 'T0NNRg==', signingMethod: '', encodingMethod: 'OCMF', publicKey: '' };
      assert.deepEqual(await cs.call('MeterValues', { evseId: 0, meterValue: [{ timestamp: now(), sampledValue: [{ value: 42000, context: 'Sample.Clock', signedMeterValue: signed }] }] }), {});
      await cs.call('TransactionEvent', ev('j07', 0, 'Started', { meterValue: [{ timestamp: now(), sampledValue: [{ value: 10, context: 'Transaction.Begin' }] }] }));
      await cs.call('TransactionEvent', ev('j07', 1, 'Ended', { transactionInfo: { transactionId: 'j07', stoppedReason: 'EVDisconnected' }, meterValue: [{ timestamp: now(), sampledValue: [{ value: 30, context: 'Transaction.End', signedMeterValue: signed }] }] }));
      const rows = await store.listMeterValues({ stationId: sid, limit: 10 });
      assert.equal(rows.length, 3);
      assert.deepEqual(rows.filter((r) => r.signedMeterValue).map((r) => r.signedMeterValue), [signed, signed]);
      assert.equal((await store.getTransaction(sid, 'j07'))!.energyWh! - (await store.getTransaction(sid, 'j07'))!.meterStartWh!, 20);
    });
  });
}
