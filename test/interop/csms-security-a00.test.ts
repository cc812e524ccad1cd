// A00 (security profiles and general security requirements), CSMS side: what csms-security.test.ts does
// not cover. Real sockets on 127.0.0.1; certificates from test/fixtures/certs.ts (openssl CLI at test time).
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import WebSocket from 'ws';
import * as pkijs from 'pkijs';
import { OcppClient, pemBlocks } from '@chargewire/ocpp';
import { hashPassword, loadConfig } from '@chargewire/csms';
import { startTestCsms, type TestCsms } from '../fixtures/csms.ts';
import { makePki, type TestPki } from '../fixtures/certs.ts';
import { aBootNotification } from '../fixtures/builders.ts';
import { createTlsServer } from '../../packages/csms/src/tls.ts';
import { generateStationPassword } from '../../packages/csms/src/blocks/security-credentials.ts';
import { csrProblem, issueCertificate, loadCertificateAuthority, parseCsr } from '../../packages/csms/src/certificate-authority.ts';
import { makeApi } from '../../packages/csms/src/api/test-support.ts';

const status = (err: unknown) => (err as { statusCode?: number }).statusCode;
const tlsFailure = (e: unknown) => status(e) === undefined; // no HTTP answer: the TLS handshake itself failed
const PASSWORD = 'a00-csms-password-01';
const UTF8_PASSWORD = 'Pässwört-€-ÄÖÜ-ß-0001';

describe('A00 CSMS side', () => {
  let pki: TestPki;
  let t: TestCsms;
  const ssl = (args: string[]): void => void execFileSync('openssl', args, { cwd: pki.dir, stdio: 'pipe' });
  let n = 0;
  /** A client certificate (PEM contents): signed by `ca` files, or self-signed when `ca` is 'self'. */
  const clientCert = (cn: string, keyArgs: string[], ca: { certFile: string; keyFile: string } | 'self'): { cert: Buffer; key: Buffer } => {
    const name = `a00client${n++}`;
    if (ca === 'self') {
      ssl(['req', '-x509', '-newkey', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${cn}/O=Chargewire`]);
    } else {
      ssl(['req', '-newkey', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}/O=Chargewire`]);
      ssl(['x509', '-req', '-in', `${name}.csr`, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2']);
    }
    return { cert: readFileSync(join(pki.dir, `${name}.pem`)), key: readFileSync(join(pki.dir, `${name}.key`)) };
  };
  const EC = ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  const tlsOpts = () => ({ port: 0, mtlsPort: 0, certFile: pki.rsaCert, keyFile: pki.rsaKey, ecdsaCertFile: pki.ecCert, ecdsaKeyFile: pki.ecKey, caFile: pki.caFile, operatorOrg: 'Chargewire' });

  before(async () => {
    pki = makePki();
    t = await startTestCsms({ mode: 'production', tls: tlsOpts() });
    await t.store.registerStation({ id: 'SP1', securityProfile: 1, passwordHash: await hashPassword(PASSWORD) });
    await t.store.registerStation({ id: 'SP2', securityProfile: 2, passwordHash: await hashPassword(PASSWORD) });
    await t.store.registerStation({ id: 'SP3', securityProfile: 3 });
    await t.store.registerStation({ id: 'SPU', securityProfile: 1, passwordHash: await hashPassword(UTF8_PASSWORD) });
  });
  after(async () => { await t.stop(); });

  const wss = (port: number | undefined) => `wss://localhost:${port}/ocpp`;
  /** An upgrade request with a hand-made Authorization header: the HTTP status, or 101 when it opened. */
  const upgrade = (url: string, authorization: string) => new Promise<number>((resolve) => {
    const ws = new WebSocket(url, ['ocpp2.0.1'], { headers: { Authorization: authorization }, ca: pki.ca });
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.on('open', () => { resolve(101); ws.close(); });
    ws.on('error', () => resolve(0));
  });
  const basic = (user: string, password: string, enc: BufferEncoding = 'utf8') => `Basic ${Buffer.from(`${user}:${password}`, enc).toString('base64')}`;

  test('[A00.FR.306] [A00.FR.307] [A00.FR.409] [A00.FR.410] [A00.FR.312] [A00.FR.415] the CSMS is the TLS server of profiles 2 and 3 and presents the CSMS certificate (RSA or ECDSA, per suite)', async () => {
    const fingerprint = (file: string) => new X509Certificate(readFileSync(file)).fingerprint256;
    const client = pki.client('SP3');
    for (const [port, extra] of [[t.ports.tls!, {}], [t.ports.mtls!, client]] as const) {
      for (const [cipher, certFile] of [['ECDHE-ECDSA-AES128-GCM-SHA256', pki.ecCert], ['AES128-GCM-SHA256', pki.rsaCert]] as const) {
        const seen = await new Promise<{ authorized: boolean; fingerprint: string; protocol: string | null }>((resolve, reject) => {
          const o: ConnectionOptions = { host: '127.0.0.1', port, servername: 'localhost', ca: pki.ca, maxVersion: 'TLSv1.2', ciphers: cipher, ...extra };
          const s = tlsConnect(o, () => {
            resolve({ authorized: s.authorized, fingerprint: s.getPeerX509Certificate()!.fingerprint256, protocol: s.getProtocol() });
            s.end();
          });
          s.on('error', reject);
        });
        assert.deepEqual(seen, { authorized: true, fingerprint: fingerprint(certFile), protocol: 'TLSv1.2' }, `${port} ${cipher}`);
      }
    }
  });

  test('[A00.FR.317] [A00.FR.420] [A00.FR.321] [A00.FR.424] a stock OpenSSL client (openssl s_client) completes the handshake; no TLS compression', async () => {
    for (const version of ['-tls1_2', '-tls1_3']) {
      // Asynchronously: the CSMS answering the handshake runs in this process.
      const r = await new Promise<{ stdout: string }>((resolve) => {
        const c = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${t.ports.tls}`, '-servername', 'localhost', '-CAfile', pki.caFile, version], { stdio: ['pipe', 'pipe', 'ignore'] });
        let stdout = '';
        c.stdout.on('data', (d: Buffer) => { stdout += d; });
        c.on('close', () => resolve({ stdout }));
        c.stdin.end();
      });
      assert.match(r.stdout, /Verify return code: 0 \(ok\)/, version);
      assert.match(r.stdout, /Compression: NONE/, version);
      assert.match(r.stdout, version === '-tls1_2' ? /Protocol\s*: TLSv1\.2/ : /New, TLSv1\.3/, version);
    }
  });

  test('[A00.FR.403] [A00.FR.407] the client certificate path is validated: self-signed or from another CA fails the TLS handshake', async () => {
    const url = wss(t.ports.mtls);
    const connect = (c: { cert: Buffer; key: Buffer }) => new OcppClient({ url, identity: 'SP3', reconnect: false, tls: { ca: pki.ca, ...c } }).connect();
    await assert.rejects(connect(clientCert('SP3', EC, 'self')), tlsFailure, 'self-signed');
    await assert.rejects(connect(clientCert('SP3', EC, pki.otherCa())), tlsFailure, 'issued by an untrusted CA');
    assert.equal(t.csms.runtime.sessions.has('SP3'), false);
    // The same subject from the trusted CA: connected.
    const ok = new OcppClient({ url, identity: 'SP3', reconnect: false, tls: { ca: pki.ca, ...clientCert('SP3', EC, { certFile: pki.caFile, keyFile: pki.caKeyFile }) } });
    await ok.connect();
    await ok.close();
  });

  test('[A00.FR.501] [A00.FR.502] keys under 112-bit security: an RSA-1024 station certificate fails the handshake; an RSA-1024 CSMS certificate is refused at start', async () => {
    const weak = clientCert('SP3', ['rsa:1024'], { certFile: pki.caFile, keyFile: pki.caKeyFile });
    await assert.rejects(new OcppClient({ url: wss(t.ports.mtls), identity: 'SP3', reconnect: false, tls: { ca: pki.ca, ...weak } }).connect(), tlsFailure);
    const name = `a00server${n++}`;
    ssl(['req', '-newkey', 'rsa:1024', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost/O=Chargewire']);
    ssl(['x509', '-req', '-in', `${name}.csr`, '-CA', pki.caFile, '-CAkey', pki.caKeyFile, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2']);
    const cfg = loadConfig({ overrides: { tls: { ...tlsOpts(), certFile: join(pki.dir, `${name}.pem`), keyFile: join(pki.dir, `${name}.key`) } } });
    assert.throws(() => createTlsServer(cfg.tls, 2), (e: Error & { code?: string }) => e.code === 'CSMS_ERR_TLS_FILES' && /too small|too weak/i.test(e.message));
  });

  test('[A00.FR.204] [A00.FR.303] the Basic-auth username must be the station identity (profiles 1 and 2)', async () => {
    assert.equal(await upgrade(`${t.url}/SP1`, basic('SP2', PASSWORD)), 401, 'profile 1, someone else\'s username');
    assert.equal(await upgrade(`${wss(t.ports.tls)}/SP2`, basic('SP1', PASSWORD)), 401, 'profile 2, someone else\'s username');
    assert.equal(await upgrade(`${t.url}/SP1`, basic('SP1', PASSWORD)), 101);
    assert.equal(await upgrade(`${wss(t.ports.tls)}/SP2`, basic('SP2', PASSWORD)), 101);
  });

  test('[A00.FR.205] [A00.FR.304] passwords: compared as UTF-8 text; 16..64 characters when registered; generated ones 16..40 random characters', async () => {
    assert.equal(await upgrade(`${t.url}/SPU`, basic('SPU', UTF8_PASSWORD)), 101);
    assert.equal(await upgrade(`${t.url}/SPU`, basic('SPU', UTF8_PASSWORD, 'latin1')), 401, 'the same text in another encoding');
    const generated = [generateStationPassword(), generateStationPassword()];
    for (const p of generated) assert.ok(p.length >= 16 && p.length <= 40 && /^[A-Za-z0-9_-]+$/.test(p), p);
    assert.notEqual(generated[0], generated[1]);
    const api = await makeApi();
    try {
      const post = (id: string, password: string) => api.req('POST', '/api/stations', { id, password });
      assert.equal((await post('PW15', 'x'.repeat(15))).statusCode, 400);
      assert.equal((await post('PW65', 'x'.repeat(65))).statusCode, 400);
      assert.equal((await post('PW16', 'x'.repeat(16))).statusCode, 201);
      assert.equal((await post('PW64', 'x'.repeat(64))).statusCode, 201);
    } finally {
      await api.close();
    }
  });

  test('[A00.FR.001] [A00.FR.006] one security profile per port and per connection: the session takes the profile of the listener it came in on', async () => {
    const profile1 = await t.connect('SP1', { password: PASSWORD });
    assert.equal(t.csms.runtime.sessions.get('SP1')?.securityProfile, 1);
    await profile1.close();
    const profile2 = new OcppClient({ url: wss(t.ports.tls), identity: 'SP2', password: PASSWORD, reconnect: false, tls: { ca: pki.ca } });
    await profile2.connect();
    assert.equal((await profile2.call('BootNotification', aBootNotification())).status, 'Accepted');
    assert.equal(t.csms.runtime.sessions.get('SP2')?.securityProfile, 2);
    await profile2.close();
    // A profile-3 station on the profile-2 port (no password) and a profile-2 station on the profile-3 port (no certificate).
    await assert.rejects(new OcppClient({ url: wss(t.ports.tls), identity: 'SP3', reconnect: false, tls: { ca: pki.ca } }).connect(), (e) => status(e) === 401);
    await assert.rejects(new OcppClient({ url: wss(t.ports.mtls), identity: 'SP2', password: PASSWORD, reconnect: false, tls: { ca: pki.ca } }).connect(), tlsFailure);
  });

  test('[A00.FR.503] [A00.FR.506] [A00.FR.508] CSR keys: EC under 224 bits refused; issued certificates carry a serial number and are signed with SHA-256', async () => {
    // P-192: refused (WebCrypto cannot verify its signature; the size check behind it counts an unknown curve as 0 bits).
    const weak = await parseCsr(pki.csr('CS001', 'Chargewire', ['ec', '-pkeyopt', 'ec_paramgen_curve:prime192v1']).csr);
    assert.equal(weak.keyType, 'ec');
    assert.ok(csrProblem(weak, { commonName: 'CS001', organization: 'Chargewire' }));
    const good = await parseCsr(pki.csr('CS001').csr);
    assert.equal(csrProblem(good, { commonName: 'CS001', organization: 'Chargewire' }), undefined);
    const ca = await loadCertificateAuthority(pki.caFile, pki.caKeyFile);
    const der = pemBlocks(await issueCertificate(ca, good, { validityDays: 1 }), 'CERTIFICATE')[0]!;
    const cert = pkijs.Certificate.fromBER(new Uint8Array(der));
    assert.equal(cert.signatureAlgorithm.algorithmId, '1.2.840.10045.4.3.2', 'ecdsa-with-SHA256');
    assert.ok(cert.serialNumber.valueBlock.valueHexView.length >= 8);
  });
});
