// [A00.FR.705] revocation of station certificates (profile 3): the CSMS checks each client certificate
// against the CA server's revocation list (tls.crlFile); [A00.FR.701] certificate, key, CA and CRL files
// are re-read every tls.reloadS seconds.
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { OcppClient } from '@chargewire/ocpp';
import { loadConfig } from '@chargewire/csms';
import { startTestCsms, eventually, type TestCsms } from '../fixtures/csms.ts';
import { makePki, type TestPki } from '../fixtures/certs.ts';
import { aBootNotification } from '../fixtures/builders.ts';

const status = (err: unknown) => (err as { statusCode?: number }).statusCode;

describe('[A00.FR.705] station certificates checked against the CA\'s revocation list', () => {
  let pki: TestPki;
  let t: TestCsms;
  let crlFile: string;
  let a: { cert: Buffer; key: Buffer };
  let b: { cert: Buffer; key: Buffer };
  before(async () => {
    pki = makePki();
    a = pki.client('CRL-A');
    b = pki.client('CRL-B');
    crlFile = join(pki.dir, 'published.crl.pem');
    writeFileSync(crlFile, pki.crl([a.cert]));
    t = await startTestCsms({
      mode: 'production',
      tls: { port: -1, mtlsPort: 0, certFile: pki.rsaCert, keyFile: pki.rsaKey, caFile: pki.caFile, operatorOrg: 'Chargewire', crlFile, reloadS: 1 },
    });
    for (const id of ['CRL-A', 'CRL-B']) await t.store.registerStation({ id, securityProfile: 3 });
  });
  after(async () => { await t.stop(); });

  const client = (identity: string, c: { cert: Buffer; key: Buffer }) =>
    new OcppClient({ url: `wss://localhost:${t.ports.mtls}/ocpp`, identity, reconnect: false, tls: { ca: pki.ca, cert: c.cert, key: c.key } });

  test('[A00.FR.705] [A00.FR.407] a revoked certificate fails the handshake; a valid one of the same CA connects', async () => {
    await assert.rejects(client('CRL-A', a).connect(), (e: unknown) => status(e) === undefined, 'no HTTP answer: the TLS handshake failed');
    assert.equal(t.csms.runtime.sessions.has('CRL-A'), false);
    const ok = client('CRL-B', b);
    await ok.connect();
    assert.equal((await ok.call('BootNotification', aBootNotification({ serialNumber: 'CRL-B' }))).status, 'Accepted');
    await ok.close();
  });

  test('[A00.FR.705] a newly published CRL is picked up without a restart: the certificate revoked now is refused', async () => {
    writeFileSync(crlFile, pki.crl([b.cert]));
    await eventually(async () => {
      try {
        const c = client('CRL-B', b);
        await c.connect();
        await c.close();
        return false;
      } catch (e) {
        return status(e) === undefined;
      }
    }, 5000);
  });

  test('a broken CRL file later on keeps the last good list (and is logged); a wrong file at start refuses to start', async () => {
    writeFileSync(crlFile, 'not a crl');
    await new Promise((r) => setTimeout(r, 1500));
    await assert.rejects(client('CRL-B', b).connect(), (e: unknown) => status(e) === undefined, 'B stays revoked');
    await assert.rejects(startTestCsms({ mode: 'production', tls: { port: -1, mtlsPort: 0, certFile: pki.rsaCert, keyFile: pki.rsaKey, caFile: pki.caFile, crlFile } }),
      (e: unknown) => (e as { code?: string }).code === 'CSMS_ERR_TLS_FILES' && /X509 CRL/.test((e as Error).message));
  });

  test('configuration: tls.crlFile without the profile 3 port is refused with a clear message', () => {
    assert.throws(() => loadConfig({ overrides: { tls: { crlFile: '/x.pem' } } as never, env: {} }), /tls\.crlFile.*mtlsPort/);
  });
});

describe('[A00.FR.701] a renewed (short-lived) CSMS certificate is served without a restart', () => {
  let pki: TestPki;
  let t: TestCsms;
  let certFile: string;
  let keyFile: string;
  before(async () => {
    pki = makePki();
    certFile = join(pki.dir, 'live-cert.pem');
    keyFile = join(pki.dir, 'live-key.pem');
    writeFileSync(certFile, readFileSync(pki.rsaCert));
    writeFileSync(keyFile, readFileSync(pki.rsaKey));
    t = await startTestCsms({ mode: 'quickstart', tls: { port: 0, mtlsPort: -1, certFile, keyFile, reloadS: 1 } });
  });
  after(async () => { await t.stop(); });

  const serverCert = () => new Promise<string>((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port: t.ports.tls!, servername: 'localhost', ca: pki.ca }, () => {
      const serial = s.getPeerX509Certificate()?.serialNumber ?? '';
      s.end();
      resolve(serial);
    });
    s.once('error', reject);
  });

  test('[A00.FR.701] the certificate files are re-read: new handshakes get the new certificate', async () => {
    const first = await serverCert();
    assert.equal(first, new X509Certificate(readFileSync(pki.rsaCert)).serialNumber);
    writeFileSync(certFile, readFileSync(pki.ecCert));
    writeFileSync(keyFile, readFileSync(pki.ecKey));
    const ecSerial = new X509Certificate(readFileSync(pki.ecCert)).serialNumber;
    await eventually(async () => (await serverCert()) === ecSerial, 5000);
  });
});
