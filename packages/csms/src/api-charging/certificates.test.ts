// REST routes of the station certificate renewal (A02): POST /api/stations/{id}/certificate/renew sends
// TriggerMessage SignChargingStationCertificate; GET /api/stations/{id}/certificate shows each step with its
// time and the reason of a failure. Driven through Fastify inject(); the station's side is scripted.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeApi, type TestApi } from '../api/test-support.ts';
import { setCertificateSigner, signCertificate } from '../blocks/certificates.ts';
import type { BlockContext } from '../runtime.ts';
import { makePki, type TestPki } from '../../../../test/fixtures/certs.ts';
import { eventually } from '../../../../test/fixtures/csms.ts';

let pki: TestPki;
before(() => { pki = makePki(); });
const apps: TestApi[] = [];
after(() => Promise.all(apps.map((a) => a.close())));

/** The whole API (as /openapi.json sees it) over the memory store; station CS1 registered, not connected. */
async function makeApp() {
  const t = await makeApi();
  apps.push(t);
  await t.runtime.store.registerStation({ id: 'CS1', securityProfile: 3 });
  const req = (method: string, url: string, body?: unknown, token?: string) => t.req(method, `/api${url}`, body, token);
  /** The station's SignCertificate, as the block handler receives it. */
  const sign = (csr: string) => signCertificate({ csms: t.runtime, stationId: 'CS1', version: '2.1', messageId: 'm1', log: t.runtime.log } as unknown as BlockContext, { csr, certificateType: 'ChargingStationCertificate' });
  return { ...t, req, sign };
}

describe('certificate renewal routes (A02)', () => {
  test('[A02] POST …/certificate/renew sends TriggerMessage SignChargingStationCertificate; GET follows the steps to Installed', async () => {
    const t = await makeApp();
    t.connect('CS1', '2.1');
    t.answer(() => ({ status: 'Accepted' })); // TriggerMessage and CertificateSigned
    setCertificateSigner(t.runtime, async () => '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n');
    assert.deepEqual((await t.req('GET', '/stations/CS1/certificate')).json(), { stationId: 'CS1', renewal: null });

    const renew = await t.req('POST', '/stations/CS1/certificate/renew');
    assert.equal(renew.statusCode, 200, renew.body);
    assert.deepEqual(renew.json().response, { status: 'Accepted' });
    assert.deepEqual(t.calls.at(-1), { stationId: 'CS1', action: 'TriggerMessage', payload: { requestedMessage: 'SignChargingStationCertificate' }, timeoutMs: undefined });
    assert.equal(renew.json().renewal.state, 'Triggered');
    assert.equal(renew.json().renewal.outcome, 'pending');

    // the station answers with its CSR (A02 step 4); the CSMS signs it and sends CertificateSigned
    assert.equal((await t.sign(pki.csr('CS1').csr)).status, 'Accepted');
    await eventually(() => t.calls.some((c) => c.action === 'CertificateSigned'));
    const done = await eventually(async () => {
      const r = (await t.req('GET', '/stations/CS1/certificate')).json().renewal;
      return r?.state === 'Installed' ? r : undefined;
    });
    assert.equal(done.outcome, 'installed');
    assert.equal(done.certificateType, 'ChargingStationCertificate');
    assert.deepEqual(done.steps.map((s: { state: string }) => s.state), ['Triggered', 'CsrAccepted', 'Signed', 'Installed']);
    assert.equal(done.startedAt, done.steps[0].at);
    assert.equal(done.at, done.steps[3].at);
    for (const s of done.steps) assert.ok(!Number.isNaN(Date.parse(s.at)), s.at);

    // a readonly token may look, not start one
    assert.equal((await t.req('GET', '/stations/CS1/certificate', undefined, t.reader)).statusCode, 200);
    assert.equal((await t.req('POST', '/stations/CS1/certificate/renew', {}, t.reader)).statusCode, 403);
  });

  test('[A02] a failure is shown with its reason: the CA refuses (SigningFailed); a new CSR afterwards starts a new renewal (A03)', async () => {
    const t = await makeApp();
    t.connect('CS1', '2.1');
    setCertificateSigner(t.runtime, async () => { throw new Error('CA server unreachable'); });
    await t.req('POST', '/stations/CS1/certificate/renew', { certificateType: 'ChargingStationCertificate' });
    await t.sign(pki.csr('CS1').csr);
    const failed = await eventually(async () => {
      const r = (await t.req('GET', '/stations/CS1/certificate')).json().renewal;
      return r?.state === 'SigningFailed' ? r : undefined;
    });
    assert.equal(failed.outcome, 'failed');
    assert.match(failed.detail, /CA server unreachable/);
    assert.deepEqual(failed.steps.map((s: { state: string }) => s.state), ['Triggered', 'CsrAccepted', 'SigningFailed']);
    // the station renews of its own accord (A03) with a CSR the CSMS refuses: a renewal of its own
    const res = await t.sign(pki.csr('OTHER').csr);
    assert.equal(res.status, 'Rejected');
    const again = (await t.req('GET', '/stations/CS1/certificate')).json().renewal;
    assert.deepEqual(again.steps.map((s: { state: string }) => s.state), ['CsrRejected']);
    assert.match(again.detail, /CN "OTHER" is not the station identity "CS1"/);
    assert.equal(again.outcome, 'failed');
  });

  test('[A02] the station refuses the TriggerMessage: TriggerRejected; V2G with an EVSE; V2G20 needs OCPP 2.1', async () => {
    const t = await makeApp();
    t.connect('CS1', '2.0.1');
    t.answer(() => ({ status: 'Rejected' }));
    const r = (await t.req('POST', '/stations/CS1/certificate/renew', { certificateType: 'V2GCertificate', evseId: 2 })).json();
    assert.deepEqual(t.calls.at(-1)?.payload, { requestedMessage: 'SignV2GCertificate', evse: { id: 2 } });
    assert.equal(r.renewal.state, 'TriggerRejected');
    assert.equal(r.renewal.detail, 'Rejected');
    assert.equal(r.renewal.outcome, 'failed');
    const v20 = await t.req('POST', '/stations/CS1/certificate/renew', { certificateType: 'V2G20Certificate' });
    assert.equal(v20.statusCode, 400);
    assert.equal(v20.json().error.field, 'certificateType');
    const evse = await t.req('POST', '/stations/CS1/certificate/renew', { evseId: 1 });
    assert.equal(evse.statusCode, 400);
    assert.equal(evse.json().error.field, 'evseId');
    assert.equal((await t.req('POST', '/stations/CS1/certificate/renew', { certificateType: 'Nope' })).statusCode, 400);
    assert.equal(t.calls.filter((c) => c.action === 'TriggerMessage').length, 1, 'nothing sent for the refused requests');
  });

  test('errors: unknown station 404 (GET and POST), offline station 409', async () => {
    const t = await makeApp();
    assert.equal((await t.req('GET', '/stations/NOPE/certificate')).statusCode, 404);
    assert.equal((await t.req('POST', '/stations/NOPE/certificate/renew')).statusCode, 404);
    const off = await t.req('POST', '/stations/CS1/certificate/renew');
    assert.equal(off.statusCode, 409);
    assert.equal(off.json().error.code, 'API_ERR_STATION_OFFLINE');
  });

  test('/openapi.json documents both routes', async () => {
    const t = await makeApp();
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const get = doc.paths['/api/stations/{id}/certificate']?.get;
    const post = doc.paths['/api/stations/{id}/certificate/renew']?.post;
    assert.ok(get && post);
    assert.deepEqual(post.requestBody.content['application/json'].schema.properties.certificateType.enum, ['ChargingStationCertificate', 'V2GCertificate', 'V2G20Certificate']);
    assert.ok(JSON.stringify(get.responses['200']).includes('startedAt'));
  });
});
