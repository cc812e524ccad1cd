// Block A certificate renewal end to end: the simulator against the CSMS over real sockets, security
// profile 3 (mutual TLS). A02 (CSMS-triggered), A03 (station-initiated before expiry) and A00.FR.429
// (admitted with an expired certificate, renewed, then Accepted). The CSMS signs with the test CA.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { OcppVersion } from '@chargewire/ocpp';
import { createStation, type Station } from '@chargewire/simulator';
import { startTestCsms, eventually, type TestCsms } from '../fixtures/csms.ts';
import { makePki, type TestPki } from '../fixtures/certs.ts';
import { certificateRenewal, requestCertificateRenewal } from '../../packages/csms/src/blocks/certificates.ts';

const DAY = 86_400_000;
const FAST = { 'OCPPCommCtrlr.RetryBackOffWaitMinimum': '0', 'OCPPCommCtrlr.RetryBackOffRandomRange': '0', 'AlignedDataCtrlr.Interval': '0' };

describe('A02/A03/A00.FR.429 station certificate renewal over mutual TLS (simulator <-> CSMS)', () => {
  let pki: TestPki;
  let t: TestCsms;
  const stations: Station[] = [];
  const IDS = ['A02V201', 'A02V21', 'A03S1', 'EXP1'];

  before(async () => {
    pki = makePki();
    t = await startTestCsms({
      mode: 'production',
      tls: { port: -1, mtlsPort: 0, certFile: pki.rsaCert, keyFile: pki.rsaKey, ecdsaCertFile: pki.ecCert, ecdsaKeyFile: pki.ecKey, caFile: pki.caFile, operatorOrg: 'Chargewire', expiredCertStations: 'EXP1' },
      certificates: { caCertFile: pki.caFile, caKeyFile: pki.caKeyFile },
    });
    for (const id of IDS) await t.store.registerStation({ id, securityProfile: 3 });
  });
  after(async () => {
    await Promise.all(stations.map((s) => s.stop().catch(() => {})));
    await t.stop();
  });

  const station = (id: string, cert: { cert: Buffer; key: Buffer }, version?: OcppVersion): Station => {
    const st = createStation({
      identity: id, serialNumber: id, url: `wss://localhost:${t.ports.mtls}/ocpp`, securityProfile: 3,
      tls: { ca: pki.ca, ...cert }, variables: FAST, ...(version ? { versions: [version] } : {}),
    });
    stations.push(st);
    return st;
  };
  /** Serial number of the client certificate of the station's live connection, as the CSMS saw it. */
  const serialAtCsms = (id: string) => t.csms.runtime.sessions.get(id)?.connection.handshake.clientCertificate?.serialNumber;
  const accepted = (st: Station) => eventually(() => st.registration === 'Accepted', 5000);

  for (const version of ['2.0.1', '2.1'] as const) {
    test(`TC_A_11_CSMS [A02.FR.11] [A02.FR.14] [A02.FR.08] the CSMS triggers a renewal; the station reconnects with the CSMS-signed certificate (${version})`, async () => {
      const id = version === '2.1' ? 'A02V21' : 'A02V201';
      // valid for 400 days: no renewal of the station's own accord (A03)
      const cert = pki.clientValid(id, new Date(Date.now() - DAY), new Date(Date.now() + 400 * DAY));
      const st = station(id, cert, version);
      await st.start();
      await accepted(st);
      const before = serialAtCsms(id);
      assert.equal(before, new X509Certificate(cert.cert).serialNumber, 'connected with the original certificate');
      assert.equal((await requestCertificateRenewal(t.csms.runtime, id)).status, 'Accepted');
      await eventually(() => certificateRenewal(t.csms.runtime, id)?.state === 'Installed', 5000);
      // [A02.FR.08] a new TLS connection with the new certificate, accepted by the CSMS (profile 3 checks)
      await eventually(() => st.connected && serialAtCsms(id) !== undefined && serialAtCsms(id) !== before, 5000);
      assert.equal(t.csms.runtime.sessions.get(id)?.securityProfile, 3);
      assert.equal(st.registration, 'Accepted');
      assert.equal((await t.store.getStation(id))?.lastBoot?.status, 'Accepted');
    });
  }

  test('[A03.FR.02] [A03.FR.08] [A03.FR.11] a certificate expiring within a month: the station renews it by itself and reconnects with the new one', async () => {
    const original = pki.clientValid('A03S1', new Date(Date.now() - DAY), new Date(Date.now() + 10 * DAY));
    const st = station('A03S1', original);
    await st.start();
    await eventually(() => certificateRenewal(t.csms.runtime, 'A03S1')?.state === 'Installed', 5000);
    // the old session may still be up right after the renewal: wait for the reconnect with another certificate
    const oldSerial = new X509Certificate(original.cert).serialNumber;
    await eventually(() => st.connected && st.registration === 'Accepted' && serialAtCsms('A03S1') !== undefined && serialAtCsms('A03S1') !== oldSerial, 5000);
    assert.notEqual(serialAtCsms('A03S1'), oldSerial, 'connected with the renewed certificate');
    assert.equal(t.csms.runtime.sessions.get('A03S1')?.connection.handshake.clientCertificate?.subject?.CN, 'A03S1');
  });

  test('[A00.FR.429] [A00.FR.430] an expired certificate of a listed station (the station still connects): Pending, renewal driven by the CSMS, reconnect with the new certificate, then Accepted', async () => {
    const st = station('EXP1', pki.clientValid('EXP1', new Date(Date.now() - 60 * DAY), new Date(Date.now() - DAY)));
    const statuses: string[] = [];
    st.on('registration', (e) => statuses.push(e.status));
    await st.start();
    await accepted(st);
    assert.deepEqual(statuses, ['Pending', 'Accepted'], 'Pending with the expired certificate, Accepted after the renewal');
    assert.equal(certificateRenewal(t.csms.runtime, 'EXP1')?.state, 'Installed');
    assert.equal((await t.store.getStation('EXP1'))?.lastBoot?.status, 'Accepted');
    const auth = t.csms.runtime.sessions.get('EXP1')?.connection.context as { certificateExpired?: boolean } | undefined;
    assert.equal(auth?.certificateExpired, undefined, 'the new connection uses a valid certificate');
  });
});
