// A00 (security profiles and general security requirements), station side: what security.test.ts does
// not cover. Real sockets on 127.0.0.1: createOcppServer on an http/https server whose TLS settings play
// a misconfigured CSMS; certificates from the throwaway CA of testing/pki.ts (openssl CLI at test time).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { createOcppServer, type HandshakeInfo } from '@chargewire/ocpp';
import * as pkijs from 'pkijs';
import { createStation, type Station } from '../station.ts';
import type { StationOptions } from '../station-types.ts';
import { ScriptedCsms } from '../testing/scripted-csms.ts';
import { harness } from '../testing/harness.ts';
import { makeSimPki, type Pem, type SimPki } from '../testing/pki.ts';
import { createCsr, certificateChainProblem, pemBlocks } from '../x509.ts';

/** The parts of a PEM CSR the certificate properties (A00.FR.5xx) constrain. */
class X509Req {
  sigAlg: string; keyCurve: string | undefined; subject: Array<[string, string]>;
  constructor(pem: string) {
    const req = pkijs.CertificationRequest.fromBER(new Uint8Array(pemBlocks(pem, 'CERTIFICATE REQUEST')[0]!));
    this.sigAlg = req.signatureAlgorithm.algorithmId;
    this.keyCurve = createPublicKey({ key: Buffer.from(req.subjectPublicKeyInfo.toSchema().toBER()), format: 'der', type: 'spki' }).asymmetricKeyDetails?.namedCurve;
    this.subject = req.subject.typesAndValues.map((t) => [t.type, String(t.value.valueBlock.value)]);
  }
}
import { STATION_TLS_CIPHERS, tlsFor } from './security.ts';

interface Seen { identity: string; authorization?: string; protocol?: string | null; cipher?: string; session?: Buffer }
interface TestCsms { url: string; port: number; csms: ScriptedCsms; seen: Seen[]; close(): Promise<void> }

/** A CSMS on 127.0.0.1 (https when `tls` is given) accepting Basic auth with `password`. */
async function startCsms(o: { tls?: ServerOptions; password?: string; port?: number }): Promise<TestCsms> {
  const csms = new ScriptedCsms();
  const seen: Seen[] = [];
  const ocpp = createOcppServer({
    authenticate: (h: HandshakeInfo) => {
      const sock = h.request.socket as TLSSocket;
      const tls = typeof sock.getProtocol === 'function';
      seen.push({
        identity: h.identity,
        ...(h.request.headers.authorization ? { authorization: h.request.headers.authorization } : {}),
        ...(tls ? { protocol: sock.getProtocol(), cipher: sock.getCipher().standardName, ...(sock.getSession() ? { session: sock.getSession()! } : {}) } : {}),
      });
      return h.basic?.password === o.password ? { ok: true } : { ok: false, status: 401 };
    },
    onConnection: ({ endpoint }) => csms.attach(endpoint),
  });
  const server: Server = o.tls ? createHttpsServer(o.tls) : createHttpServer();
  server.on('tlsClientError', () => {});
  ocpp.attach(server);
  await new Promise<void>((r) => server.listen(o.port ?? 0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${o.tls ? 'wss' : 'ws'}://localhost:${port}/ocpp`, port, csms, seen,
    async close() { await ocpp.close(); server.closeAllConnections(); await new Promise<void>((r) => server.close(() => r())); },
  };
}

const FAST = { 'OCPPCommCtrlr.RetryBackOffWaitMinimum': '0', 'OCPPCommCtrlr.RetryBackOffRandomRange': '0', 'AlignedDataCtrlr.Interval': '0' };
const PASSWORD = 'a00-password-0001';
const accepted = (st: Station) => new Promise<void>((r) => st.on('registration', (e) => { if (e.status === 'Accepted') r(); }));
const until = async (pred: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};
const decodeBasic = (h: string | undefined) => Buffer.from((h ?? '').replace(/^Basic /, ''), 'base64');

/** A station that keeps failing to connect: its failures, stopped after `n` of them. */
async function failures(o: StationOptions, n = 3): Promise<{ st: Station; errors: (Error & { code?: string; statusCode?: number })[] }> {
  const st = createStation({ variables: FAST, ...o });
  const errors: (Error & { code?: string })[] = [];
  st.on('failure', (e) => errors.push(e));
  void st.start();
  await until(() => errors.length >= n);
  return { st, errors };
}

describe('A00 station side: TLS and authentication details', () => {
  let pki: SimPki;
  let dir: string;
  const ssl = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  /** A server certificate from the trusted CA with the given subject (no subjectAltName), key made by openssl. */
  const serverCert = (subj: string, keyArgs: string[]): Pem => {
    const name = `srv${Math.random().toString(36).slice(2)}`;
    ssl(['req', '-newkey', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj]);
    return { cert: Buffer.from(pki.signCsr(readFileSync(join(dir, `${name}.csr`), 'utf8'))), key: readFileSync(join(dir, `${name}.key`)) };
  };
  const EC = ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  before(() => { pki = makeSimPki(); dir = mkdtempSync(join(tmpdir(), 'cw-a00-')); });
  after(() => { pki.cleanup(); rmSync(dir, { recursive: true, force: true }); });

  test('A00.FR.202 A00.FR.203 A00.FR.204 A00.FR.301 A00.FR.302 A00.FR.303 profiles 1 and 2: Basic auth with username = identity on every connection request, reconnects included', async () => {
    for (const profile of [1, 2] as const) {
      const t = await startCsms({ password: PASSWORD, ...(profile === 2 ? { tls: pki.server } : {}) });
      const st = createStation({ identity: `CS-P${profile}`, url: t.url, securityProfile: profile, password: PASSWORD, tls: { ca: pki.ca }, variables: FAST });
      const ok = accepted(st);
      await st.start();
      await ok;
      (st.link as { drop(): void }).drop();
      await until(() => t.seen.length === 2 && st.connected);
      for (const s of t.seen) {
        assert.equal(decodeBasic(s.authorization).toString('utf8'), `CS-P${profile}:${PASSWORD}`);
        assert.equal(s.identity, `CS-P${profile}`);
      }
      assert.equal(t.seen.every((s) => s.protocol !== undefined), profile === 2, 'TLS on profile 2 only');
      await st.stop();
      await t.close();
    }
  });

  test('A00.FR.205 A00.FR.304 the password is sent as UTF-8 text, kept in SecurityCtrlr.BasicAuthPassword, 16 to maxLimit (40..64) characters', async () => {
    const password = 'Pässwört-€-ÄÖÜ-ß-0001';
    const t = await startCsms({ password });
    const st = createStation({ identity: 'CS-UTF8', url: t.url, securityProfile: 1, password, variables: FAST });
    const ok = accepted(st);
    await st.start();
    await ok;
    // base64 of the UTF-8 octets of "identity:password" (no further encoding of the password)
    assert.deepEqual(decodeBasic(t.seen[0]!.authorization), Buffer.from(`CS-UTF8:${password}`, 'utf8'));
    assert.equal(st.dm.value({ name: 'SecurityCtrlr' }, { name: 'BasicAuthPassword' }), password);
    const item = st.dm.report('FullInventory').find((r) => r.component.name === 'SecurityCtrlr' && r.variable.name === 'BasicAuthPassword');
    const max = item?.variableCharacteristics?.maxLimit ?? 0;
    assert.ok(max >= 40 && max <= 64, `maxLimit ${max}`);
    const set = (v: string) => st.dm.setVariables([{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: v }])[0]!.attributeStatus;
    assert.equal(set('x'.repeat(15)), 'Rejected', 'under 16 characters');
    assert.equal(set('x'.repeat(max + 1)), 'Rejected', 'over maxLimit');
    assert.notEqual(set('y'.repeat(16)), 'Rejected');
    await st.stop();
    await t.close();
  });

  test('A00.FR.309 A00.FR.412 A00.FR.510 A00.FR.310 A00.FR.413 the CSMS certificate CN must be the FQDN of the CSMS URL', async () => {
    const wrong = await startCsms({ password: PASSWORD, tls: serverCert('/CN=csms.other.example/O=Chargewire Test', EC) });
    const { st, errors } = await failures({ identity: 'CS-FQDN', url: wrong.url, securityProfile: 2, password: PASSWORD, tls: { ca: pki.ca } });
    await st.stop();
    assert.equal(errors[0]!.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(wrong.seen.length, 0, 'no upgrade request over a session with the wrong host');
    assert.deepEqual(st.securityEvents.map((e) => e.type), ['InvalidCsmsCertificate']);
    await wrong.close();
    // The same CA, CN = localhost (the host of the URL), no subjectAltName: connected.
    const right = await startCsms({ password: PASSWORD, tls: serverCert('/CN=localhost/O=Chargewire Test', EC) });
    const good = createStation({ identity: 'CS-FQDN', url: right.url, securityProfile: 2, password: PASSWORD, tls: { ca: pki.ca }, variables: FAST });
    const ok = accepted(good);
    await good.start();
    await ok;
    await good.stop();
    await right.close();
  });

  test('A00.FR.313 A00.FR.416 A00.FR.314 A00.FR.417 A00.FR.316 A00.FR.419 a CSMS offering only TLS 1.1: terminated, InvalidTLSVersion once, sent after the next good connection', async () => {
    const opts = { identity: 'CS-TLS11', securityProfile: 2 as const, password: PASSWORD, tls: { ca: pki.ca, minVersion: 'TLSv1' as const } };
    // Asking for TLS 1.0 in the options does not lower the floor.
    assert.equal(tlsFor(opts)?.minVersion, 'TLSv1.2');
    const old = await startCsms({ password: PASSWORD, tls: { ...pki.server, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' } });
    const { st, errors } = await failures({ ...opts, url: old.url });
    assert.ok(errors.every((e) => /protocol version/i.test(e.message)), errors.map((e) => e.message).join());
    assert.equal(old.seen.length, 0);
    assert.deepEqual(st.securityEvents.map((e) => e.type), ['InvalidTLSVersion'], 'raised once for repeated failures');
    // The CSMS is fixed (same port, TLS 1.2+): the station connects and reports the event (A04).
    await old.close();
    const fixed = await startCsms({ password: PASSWORD, tls: pki.server, port: old.port });
    await fixed.csms.until(() => fixed.csms.of('SecurityEventNotification').length === 1, 10_000);
    assert.equal(fixed.csms.of('SecurityEventNotification')[0]!.type, 'InvalidTLSVersion');
    assert.match(fixed.seen[0]!.protocol ?? '', /^TLSv1\.[23]$/);
    await st.stop();
    await fixed.close();
  });

  test('A00.FR.319 A00.FR.422 both required cipher-suite pairs (ECDHE-ECDSA and RSA, AES-GCM) are supported over TLS 1.2', async () => {
    const rsa = serverCert('/CN=localhost/O=Chargewire Test', ['rsa:2048']);
    for (const [openssl, iana, cert] of [
      ['ECDHE-ECDSA-AES128-GCM-SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', pki.server],
      ['ECDHE-ECDSA-AES256-GCM-SHA384', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', pki.server],
      ['AES128-GCM-SHA256', 'TLS_RSA_WITH_AES_128_GCM_SHA256', rsa],
      ['AES256-GCM-SHA384', 'TLS_RSA_WITH_AES_256_GCM_SHA384', rsa],
    ] as const) {
      const t = await startCsms({ password: PASSWORD, tls: { ...cert, maxVersion: 'TLSv1.2', ciphers: openssl } });
      const st = createStation({ identity: 'CS-SUITE', url: t.url, securityProfile: 2, password: PASSWORD, tls: { ca: pki.ca }, variables: FAST });
      const ok = accepted(st);
      await st.start();
      await ok;
      assert.deepEqual([t.seen[0]!.protocol, t.seen[0]!.cipher], ['TLSv1.2', iana]);
      await st.stop();
      await t.close();
    }
  });

  test('A00.FR.320 A00.FR.423 A00.FR.323 A00.FR.426 a CSMS offering only CBC / SHA-1 suites: terminated, InvalidTLSCipherSuite once', async () => {
    const t = await startCsms({ password: PASSWORD, tls: { ...pki.server, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256' } });
    // Even a configuration asking for a CBC suite does not make the station offer it.
    const opts = { identity: 'CS-CBC', url: t.url, securityProfile: 2 as const, password: PASSWORD, tls: { ca: pki.ca, ciphers: 'ECDHE-ECDSA-AES128-SHA' } };
    assert.equal(tlsFor(opts)?.ciphers, STATION_TLS_CIPHERS);
    assert.doesNotMatch(STATION_TLS_CIPHERS, /CBC|-SHA(?::|$)|RC4|DES|NULL/);
    const { st, errors } = await failures(opts);
    await st.stop();
    assert.match(errors[0]!.message, /alert handshake failure/);
    assert.equal(t.seen.length, 0);
    assert.deepEqual(st.securityEvents.map((e) => e.type), ['InvalidTLSCipherSuite']);
    await t.close();
  });

  test('A00.FR.501 A00.FR.502 a CSMS certificate with an RSA key under 2048 bits is refused: InvalidCsmsCertificate', async () => {
    const t = await startCsms({ password: PASSWORD, tls: { ...serverCert('/CN=localhost/O=Chargewire Test', ['rsa:1024']), ciphers: 'DEFAULT:@SECLEVEL=0' } });
    const { st, errors } = await failures({ identity: 'CS-WEAK', url: t.url, securityProfile: 2, password: PASSWORD, tls: { ca: pki.ca } });
    await st.stop();
    assert.match(errors[0]!.message, /key too weak/);
    assert.equal(t.seen.length, 0);
    assert.deepEqual(st.securityEvents.map((e) => e.type), ['InvalidCsmsCertificate']);
    await t.close();
  });

  test('A00.FR.501 A00.FR.502 A00.FR.503 A00.FR.506 A00.FR.507 A00.FR.509 the station\'s CSR (EC P-256, ECDSA-SHA256, O and CN); a signed certificate with a weak key or not in PEM is refused', async () => {
    const check = (chain: string, keyPem: string) => certificateChainProblem(chain, { keyPem, now: Date.now(), anchors: [pki.ca] });
    for (const [keyArgs, why] of [[['rsa:1024'], /RSA key under 2048 bits/], [['ec', '-pkeyopt', 'ec_paramgen_curve:prime192v1'], /EC key under 224 bits/]] as const) {
      const name = `weak${Math.random().toString(36).slice(2)}`;
      ssl(['req', '-newkey', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=CS001/O=Chargewire Test']);
      assert.match(check(pki.signCsr(readFileSync(join(dir, `${name}.csr`), 'utf8')), readFileSync(join(dir, `${name}.key`), 'utf8')) ?? '', why);
    }
    const ok = await createCsr({ commonName: 'CS001', organization: 'Chargewire Test' });
    const csr = new X509Req(ok.csrPem);
    assert.deepEqual([csr.sigAlg, csr.keyCurve, csr.subject], ['1.2.840.10045.4.3.2', 'prime256v1', [['2.5.4.10', 'Chargewire Test'], ['2.5.4.3', 'CS001']]]);
    const chain = pki.signCsr(ok.csrPem);
    assert.equal(check(chain, ok.keyPem), undefined, 'EC P-256 from the trusted CA');
    assert.match(check(Buffer.from(chain).toString('base64'), ok.keyPem) ?? '', /no PEM certificate/);
  });

  test('A00.FR.317 A00.FR.420 TLS as standardised: the station completes a handshake with a stock OpenSSL server (openssl s_server)', async () => {
    writeFileSync(join(dir, 'sv.pem'), pki.server.cert);
    writeFileSync(join(dir, 'sv.key'), pki.server.key);
    const srv = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', '-cert', 'sv.pem', '-key', 'sv.key', '-www'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        srv.stdout.on('data', (d: Buffer) => { out += d; const m = /ACCEPT .*:(\d+)/.exec(out); if (m) resolve(Number(m[1])); });
        srv.once('exit', () => reject(new Error(`openssl s_server exited: ${out}`)));
      });
      const { st, errors } = await failures({ identity: 'CS-OSSL', url: `wss://localhost:${port}/ocpp`, securityProfile: 2, password: PASSWORD, tls: { ca: pki.ca } }, 1);
      await st.stop();
      // s_server -www answers the upgrade request with an HTTP 200 page: the TLS session was established.
      assert.equal(errors[0]!.statusCode, 200);
      assert.deepEqual(st.securityEvents, []);
    } finally {
      srv.kill();
    }
  });

  test('A00.FR.321 A00.FR.424 no TLS compression in the negotiated session', async () => {
    const t = await startCsms({ password: PASSWORD, tls: { ...pki.server, maxVersion: 'TLSv1.2' } });
    const st = createStation({ identity: 'CS-COMP', url: t.url, securityProfile: 2, password: PASSWORD, tls: { ca: pki.ca }, variables: FAST });
    const ok = accepted(st);
    await st.start();
    await ok;
    writeFileSync(join(dir, 'session.der'), t.seen[0]!.session!);
    const text = execFileSync('openssl', ['sess_id', '-inform', 'DER', '-in', 'session.der', '-text', '-noout'], { cwd: dir, encoding: 'utf8' });
    assert.match(text, /Protocol\s*:\s*TLSv1\.2/);
    // OpenSSL prints a "Compression:" line only for a session with a compression method.
    assert.doesNotMatch(text, /Compression/);
    await st.stop();
    await t.close();
  });
});

describe('A00.FR.005 no downgrade of the security profile over OCPP', () => {
  const profile = (securityProfile: number, url: string) => ({ ocppCsmsUrl: url, ocppInterface: 'Wired0' as const, ocppTransport: 'JSON' as const, messageTimeout: 30, securityProfile });
  test('A00.FR.005 3 -> 2 only with AllowSecurityProfileDowngrade; never down to 1; SecurityCtrlr.SecurityProfile is read-only', async () => {
    for (const allow of [false, true]) {
      const { csms } = await harness({ securityProfile: 3, url: 'wss://csms.example/ocpp', variables: { 'SecurityCtrlr.AllowSecurityProfileDowngrade': String(allow) } });
      const two = await csms.call('SetNetworkProfile', { configurationSlot: 1, connectionData: profile(2, 'wss://csms2.example/ocpp') });
      assert.equal(two.status, allow ? 'Accepted' : 'Rejected');
      const one = await csms.call('SetNetworkProfile', { configurationSlot: 2, connectionData: profile(1, 'ws://csms2.example/ocpp') });
      assert.deepEqual([one.status, one.statusInfo?.reasonCode], ['Rejected', 'NoSecurityDowngrade']);
      const ro = await csms.call('SetVariables', { setVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'SecurityProfile' }, attributeValue: '1' }] });
      assert.equal(ro.setVariableResult[0]!.attributeStatus, 'Rejected');
    }
    const { csms } = await harness({ securityProfile: 2, url: 'wss://csms.example/ocpp', variables: { 'SecurityCtrlr.AllowSecurityProfileDowngrade': 'true' } });
    const one = await csms.call('SetNetworkProfile', { configurationSlot: 1, connectionData: profile(1, 'ws://csms2.example/ocpp') });
    assert.deepEqual([one.status, one.statusInfo?.reasonCode], ['Rejected', 'NoSecurityDowngrade'], '2 -> 1 never');
  });
});
