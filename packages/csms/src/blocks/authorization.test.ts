import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { IdTokenType, TransactionEventRequest } from '@chargewire/ocpp/types';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { authorize, clearCache, maskToken, pinKey, resolveIdToken } from './authorization.ts';
import { transactionEvent } from './transactions.ts';
import { setExternalAuthorizer } from '../authorizer/authorizer.ts';

const tok = (idToken: string, type = 'ISO14443'): IdTokenType => ({ idToken, type });
const tx = (o: Partial<TransactionEventRequest> & { id: string }): TransactionEventRequest => {
  const { id, ...rest } = o;
  return { eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: id }, evse: { id: 1, connectorId: 1 }, ...rest };
};

async function booted(version: '2.0.1' | '2.1' = '2.1') {
  const h = await blockHarness({ version });
  await h.station.call('BootNotification', aBootNotification());
  return h;
}

describe('C01 Authorize statuses', () => {
  for (const status of ['Accepted', 'Blocked', 'Expired', 'Invalid', 'NoCredit', 'NotAtThisTime', 'NotAtThisLocation'] as const) {
    test(`[C01.FR.07] a stored ${status} token is answered ${status}`, async () => {
      const h = await booted();
      await h.store.upsertIdToken({ idToken: 'T1', type: 'ISO14443', status });
      assert.equal((await authorize(h.ctx(), { idToken: tok('T1') })).idTokenInfo.status, status);
    });
  }

  test('[C01.FR.07] [C01.FR.25] an unknown token is Unknown; tokens compare case-insensitively with their type', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'abcDEF', type: 'ISO14443', status: 'Accepted' });
    assert.equal((await authorize(h.ctx(), { idToken: tok('nope') })).idTokenInfo.status, 'Unknown');
    assert.equal((await authorize(h.ctx(), { idToken: tok('ABCdef') })).idTokenInfo.status, 'Accepted');
    assert.equal((await authorize(h.ctx(), { idToken: tok('abcDEF', 'ISO15693') })).idTokenInfo.status, 'Unknown');
  });

  test('[C10.FR.08] an Accepted token past its expiryDate is Expired; a valid one carries cacheExpiryDateTime', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'OLD', type: 'ISO14443', status: 'Accepted', expiryDate: '2020-01-01T00:00:00.000Z' });
    const future = new Date(Date.now() + 86_400_000).toISOString();
    await h.store.upsertIdToken({ idToken: 'NEW', type: 'ISO14443', status: 'Accepted', expiryDate: future, language1: 'nl', language2: 'nl', personalMessage: { format: 'UTF8', content: 'Hoi' } });
    assert.equal((await authorize(h.ctx(), { idToken: tok('OLD') })).idTokenInfo.status, 'Expired');
    const info = (await authorize(h.ctx(), { idToken: tok('NEW') })).idTokenInfo;
    assert.equal(info.status, 'Accepted');
    assert.equal(info.cacheExpiryDateTime, future);
    // [C01.FR.11] language2 equal to language1 is not sent
    assert.equal(info.language1, 'nl');
    assert.equal(info.language2, undefined);
    assert.equal(info.personalMessage?.content, 'Hoi');
  });

  test('[C01.FR.19] [C01.FR.20] [C01.FR.22] [C01.FR.18] EVSE restrictions', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'ANY', type: 'ISO14443', status: 'Accepted' });
    await h.store.upsertIdToken({ idToken: 'SOME', type: 'ISO14443', status: 'Accepted', evseIds: [2] });
    await h.store.upsertIdToken({ idToken: 'NONE', type: 'ISO14443', status: 'Accepted', evseIds: [] });
    assert.equal((await authorize(h.ctx(), { idToken: tok('ANY') })).idTokenInfo.evseId, undefined);
    assert.deepEqual((await authorize(h.ctx(), { idToken: tok('SOME') })).idTokenInfo, { status: 'Accepted', evseId: [2] });
    assert.deepEqual((await authorize(h.ctx(), { idToken: tok('NONE') })).idTokenInfo, { status: 'NotAtThisLocation' });
    const r = await resolveIdToken(h.runtime, { stationId: 'CS001', idToken: tok('SOME'), evseId: 1, purpose: 'start' });
    assert.equal(r.idTokenInfo.status, 'NotAllowedTypeEVSE');
  });

  test('[C01.FR.06] [C09.FR.09] [C09.FR.02] the groupIdToken goes with the answer', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'A', type: 'ISO14443', status: 'Accepted', groupIdToken: { idToken: 'FAMILY', type: 'Central' } });
    assert.deepEqual((await authorize(h.ctx(), { idToken: tok('A') })).idTokenInfo, { status: 'Accepted', groupIdToken: { idToken: 'FAMILY', type: 'Central' } });
  });

  test('ConcurrentTx: a token at its maxActiveTransactions is answered ConcurrentTx', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'ONE', type: 'ISO14443', status: 'Accepted', maxActiveTransactions: 1 });
    const started = await transactionEvent(h.ctx(), tx({ id: 'tx-1', idToken: tok('ONE') }));
    assert.equal(started.idTokenInfo?.status, 'Accepted'); // its own transaction does not count
    assert.equal((await authorize(h.ctx(), { idToken: tok('ONE') })).idTokenInfo.status, 'ConcurrentTx');
    const second = await transactionEvent(h.ctx('m2'), tx({ id: 'tx-2', idToken: tok('ONE'), evse: { id: 2, connectorId: 1 } }));
    assert.equal(second.idTokenInfo?.status, 'ConcurrentTx');
    // stopping with the same token in tx-1 is not a new start
    const stop = await transactionEvent(h.ctx('m3'), tx({ id: 'tx-1', eventType: 'Ended', seqNo: 1, triggerReason: 'StopAuthorized', idToken: tok('ONE'), transactionInfo: { transactionId: 'tx-1', stoppedReason: 'Local' } }));
    assert.equal(stop.idTokenInfo?.status, 'Accepted');
  });

  test('[C01.FR.24] during an active, deauthorized transaction a different token is answered NotAtThisTime', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'FIRST', type: 'ISO14443', status: 'Accepted' });
    await h.store.upsertIdToken({ idToken: 'SECOND', type: 'ISO14443', status: 'Accepted' });
    await h.store.upsertIdToken({ idToken: 'MP', type: 'ISO14443', status: 'Accepted', masterPass: true });
    await h.store.upsertConnectorStatus({ stationId: 'CS001', evseId: 1, connectorId: 1, status: 'Occupied', at: new Date() });
    const t0 = Date.now();
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    await transactionEvent(h.ctx('a'), tx({ id: 'tx-d', timestamp: at(0), idToken: tok('FIRST') }));
    assert.equal((await authorize(h.ctx(), { idToken: tok('SECOND') })).idTokenInfo.status, 'Accepted'); // still authorized
    await transactionEvent(h.ctx('b'), tx({ id: 'tx-d', eventType: 'Updated', seqNo: 1, timestamp: at(10), triggerReason: 'Deauthorized', transactionInfo: { transactionId: 'tx-d', chargingState: 'SuspendedEVSE' } }));
    assert.equal((await authorize(h.ctx(), { idToken: tok('SECOND') })).idTokenInfo.status, 'NotAtThisTime');
    assert.equal((await authorize(h.ctx(), { idToken: tok('first') })).idTokenInfo.status, 'Accepted'); // the initial token
    assert.equal((await authorize(h.ctx(), { idToken: tok('MP') })).idTokenInfo.status, 'Accepted'); // a master pass may stop it
    // a second, free EVSE: the token may be meant for it
    await h.store.upsertConnectorStatus({ stationId: 'CS001', evseId: 2, connectorId: 1, status: 'Available', at: new Date() });
    assert.equal((await authorize(h.ctx(), { idToken: tok('SECOND') })).idTokenInfo.status, 'Accepted');
    // authorized again by its own token: no longer held
    await h.store.upsertConnectorStatus({ stationId: 'CS001', evseId: 2, connectorId: 1, status: 'Unavailable', at: new Date() });
    await transactionEvent(h.ctx('c'), tx({ id: 'tx-2', evse: { id: 2, connectorId: 1 }, timestamp: at(11), triggerReason: 'CablePluggedIn' }));
    assert.equal((await authorize(h.ctx(), { idToken: tok('SECOND') })).idTokenInfo.status, 'NotAtThisTime');
    await transactionEvent(h.ctx('d'), tx({ id: 'tx-d', eventType: 'Updated', seqNo: 2, timestamp: at(20), triggerReason: 'Authorized', idToken: tok('FIRST') }));
    assert.equal((await authorize(h.ctx(), { idToken: tok('SECOND') })).idTokenInfo.status, 'Accepted');
  });
});

describe('C02 start button', () => {
  test('[C02.FR.02] NoAuthorization is Accepted in Authorize and TransactionEvent', async () => {
    const h = await booted();
    assert.equal((await authorize(h.ctx(), { idToken: { idToken: '', type: 'NoAuthorization' } })).idTokenInfo.status, 'Accepted');
    const res = await transactionEvent(h.ctx(), tx({ id: 'tx-na', idToken: { idToken: '', type: 'NoAuthorization' } }));
    assert.equal(res.idTokenInfo?.status, 'Accepted');
  });
});

describe('C04 PIN code', () => {
  test('[C04.FR.02] a valid KeyCode (stored as a PIN hash) is Accepted; [C04.FR.01] an invalid one is Invalid', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: pinKey('4711'), type: 'KeyCode', status: 'Accepted', pinHash: pinKey('4711') });
    assert.equal((await authorize(h.ctx(), { idToken: tok('4711', 'KeyCode') })).idTokenInfo.status, 'Accepted');
    assert.equal((await authorize(h.ctx(), { idToken: tok('0000', 'KeyCode') })).idTokenInfo.status, 'Invalid');
  });

  test('[C04.FR.04] a KeyCode never appears in logs (masked)', () => {
    assert.equal(maskToken(tok('4711', 'KeyCode')), 'KeyCode:***');
    assert.ok(!maskToken(tok('04A1B2C3D4', 'ISO14443'))!.includes('A1B2C3'));
  });

  test('[C04.FR.06] after 5 wrong PINs even the right PIN is refused for a while (brute-force guard)', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: pinKey('4711'), type: 'KeyCode', status: 'Accepted' });
    for (let i = 0; i < 5; i++) assert.equal((await authorize(h.ctx(), { idToken: tok(`000${i}`, 'KeyCode') })).idTokenInfo.status, 'Invalid');
    assert.equal((await authorize(h.ctx(), { idToken: tok('4711', 'KeyCode') })).idTokenInfo.status, 'Invalid');
  });
});

describe('C16 master pass', () => {
  test('[C16.FR.03] a master pass is Accepted to stop (with the MasterPassGroupId) but not to start a transaction', async () => {
    const h = await booted();
    await h.store.applyReport('CS001', 1, [{ component: { name: 'AuthCtrlr' }, variable: { name: 'MasterPassGroupId' }, variableAttribute: [{ type: 'Actual', value: 'MASTER' }] }]);
    await h.store.upsertIdToken({ idToken: 'POLICE', type: 'ISO14443', status: 'Accepted', masterPass: true });
    const a = await authorize(h.ctx(), { idToken: tok('POLICE') });
    assert.deepEqual(a.idTokenInfo, { status: 'Accepted', groupIdToken: { idToken: 'MASTER', type: 'Central' } });
    const start = await transactionEvent(h.ctx(), tx({ id: 'tx-mp', idToken: tok('POLICE') }));
    assert.equal(start.idTokenInfo?.status, 'Invalid');
  });
});

describe('external authorizer', () => {
  test('unknown tokens are decided by the external authorizer; known ones never reach it', async () => {
    const h = await booted();
    const asked: string[] = [];
    setExternalAuthorizer(h.runtime, {
      async authorize(input) {
        asked.push(input.idToken.idToken);
        return input.idToken.idToken === 'ROAM' ? { idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'EMSP', type: 'Central' } } } : undefined;
      },
    });
    await h.store.upsertIdToken({ idToken: 'LOCAL', type: 'ISO14443', status: 'Blocked' });
    assert.equal((await authorize(h.ctx(), { idToken: tok('ROAM', 'eMAID') })).idTokenInfo.groupIdToken?.idToken, 'EMSP');
    assert.equal((await authorize(h.ctx(), { idToken: tok('NOBODY') })).idTokenInfo.status, 'Unknown');
    assert.equal((await authorize(h.ctx(), { idToken: tok('LOCAL') })).idTokenInfo.status, 'Blocked');
    assert.deepEqual(asked, ['ROAM', 'NOBODY']);
  });

  test('[C07.FR.04] [C07.FR.14] an eMAID Authorize is answered with a status; a certificateStatus only when a backend judged the certificate', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'NL-ABC-123', type: 'eMAID', status: 'Accepted' });
    const local = await authorize(h.ctx(), { idToken: tok('NL-ABC-123', 'eMAID'), certificate: '-----BEGIN CERTIFICATE-----' });
    assert.equal(local.idTokenInfo.status, 'Accepted');
    assert.equal(local.certificateStatus, undefined);
    const unknown = await authorize(h.ctx(), { idToken: tok('NL-NOT-KNOWN', 'eMAID'), iso15118CertificateHashData: [{ hashAlgorithm: 'SHA256', issuerNameHash: 'a', issuerKeyHash: 'b', serialNumber: '1', responderURL: 'http://ocsp.example' }] });
    assert.equal(unknown.idTokenInfo.status, 'Unknown');
    setExternalAuthorizer(h.runtime, { authorize: async () => ({ idTokenInfo: { status: 'Accepted' }, certificateStatus: 'Accepted' }) });
    const ext = await authorize(h.ctx(), { idToken: tok('NL-XYZ-999', 'eMAID'), certificate: '-----BEGIN CERTIFICATE-----' });
    assert.equal(ext.certificateStatus, 'Accepted');
  });
});

describe('C11 ClearCache', () => {
  test('[C11.FR.02] the station\'s Accepted/Rejected answer is returned', async () => {
    const h = await booted();
    let n = 0;
    h.station.handle('ClearCache', async () => ({ status: n++ === 0 ? 'Accepted' : 'Rejected' }));
    assert.equal((await clearCache(h.runtime, 'CS001')).status, 'Accepted');
    assert.equal((await clearCache(h.runtime, 'CS001')).status, 'Rejected');
  });
});
