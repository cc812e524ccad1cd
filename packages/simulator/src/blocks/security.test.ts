// A — Security profiles 2 and 3 as a client, over real TLS on 127.0.0.1 against createOcppServer on an
// https server. Certificates come from a throwaway CA generated with openssl at test time.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createOcppServer, type HandshakeInfo, type OcppServer } from '@chargewire/ocpp';
import { createStation, type Station } from '../station.ts';
import { ScriptedCsms } from '../testing/scripted-csms.ts';
import { makeSimPki, type Pem, type SimPki } from '../testing/pki.ts';
import { VERSIONS } from '../testing/harness.ts';
import { StationConfigError } from './security.ts';

interface TlsCsms { url: string; server: Server; csms: ScriptedCsms; handshakes: { identity: string; tls: string | null; cn?: string; password?: string }[]; close(): Promise<void> }

async function tlsCsms(pki: SimPki, o: { cert: Pem; mtls?: boolean; password?: string }): Promise<TlsCsms> {
  const csms = new ScriptedCsms();
  const handshakes: TlsCsms['handshakes'] = [];
  const ocpp: OcppServer = createOcppServer({
    authenticate: (h: HandshakeInfo) => {
      const cn = h.clientCertificate?.subject?.CN as string | undefined;
      handshakes.push({ identity: h.identity, tls: (h.request.socket as TLSSocket).getProtocol?.() ?? null, ...(cn ? { cn } : {}), ...(h.basic ? { password: h.basic.password } : {}) });
      if (o.mtls) return cn === h.identity ? { ok: true } : { ok: false, status: 401 };
      return h.basic?.password === o.password ? { ok: true } : { ok: false, status: 401 };
    },
    onConnection: ({ endpoint }) => csms.attach(endpoint),
  });
  const server = createServer({ ...o.cert, ...(o.mtls ? { ca: pki.ca, requestCert: true, rejectUnauthorized: true } : {}) });
  ocpp.attach(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `wss://localhost:${(server.address() as AddressInfo).port}/ocpp`, server, csms, handshakes,
    async close() { await ocpp.close(); server.closeAllConnections(); await new Promise<void>((r) => server.close(() => r())); },
  };
}

const accepted = (st: Station) => new Promise<void>((r) => st.on('registration', (e) => { if (e.status === 'Accepted') r(); }));
const FAST = { 'OCPPCommCtrlr.RetryBackOffWaitMinimum': '0', 'OCPPCommCtrlr.RetryBackOffRandomRange': '0', 'AlignedDataCtrlr.Interval': '0' };

describe('security profiles 2 and 3 (station side)', () => {
  let pki: SimPki;
  before(() => { pki = makeSimPki(); });
  after(() => pki.cleanup());

  for (const version of VERSIONS) {
    test(`A00.FR.308 A00.FR.301 A00.FR.314 A00.FR.417 A00.FR.312 A00.FR.415 A00.FR.001 profile 2: TLS with CA check + Basic auth, boots Accepted (${version})`, async () => {
      const t = await tlsCsms(pki, { cert: pki.server, password: 'sp2-password-0001' });
      const st = createStation({ identity: 'SP2', url: t.url, securityProfile: 2, password: 'sp2-password-0001', tls: { ca: pki.ca }, versions: [version], variables: FAST });
      const ok = accepted(st);
      await st.start();
      await ok;
      assert.equal(st.version, version);
      assert.deepEqual(t.handshakes.map((h) => [h.identity, h.password]), [['SP2', 'sp2-password-0001']]);
      assert.match(t.handshakes[0]!.tls ?? '', /^TLSv1\.[23]$/);
      assert.equal(st.str('SecurityCtrlr', 'SecurityProfile', ''), '2');
      await st.stop();
      await t.close();
    });

    test(`A00.FR.401 A00.FR.402 A00.FR.411 A00.FR.415 profile 3: client certificate (CN = identity), boots Accepted (${version})`, async () => {
      const t = await tlsCsms(pki, { cert: pki.server, mtls: true });
      const st = createStation({ identity: 'SP3', url: t.url, securityProfile: 3, tls: { ca: pki.ca, ...pki.client('SP3') }, versions: [version], variables: FAST });
      const ok = accepted(st);
      await st.start();
      await ok;
      assert.deepEqual(t.handshakes.map((h) => [h.identity, h.cn]), [['SP3', 'SP3']]);
      await st.stop();
      await t.close();
    });
  }

  test('A00.FR.308 A00.FR.310 A00.FR.311 A00.FR.411 A00.FR.413 A00.FR.414 an untrusted CSMS certificate is refused (connection terminated); InvalidCsmsCertificate is sent once after a trusted connection', async () => {
    const t = await tlsCsms(pki, { cert: pki.rogueServer, password: 'sp2-password-0001' });
    const st = createStation({ identity: 'SP2R', url: t.url, securityProfile: 2, password: 'sp2-password-0001', tls: { ca: pki.ca }, variables: FAST });
    const failures: (Error & { code?: string })[] = [];
    st.on('failure', (e) => failures.push(e));
    void st.start();
    while (failures.length < 3) await new Promise((r) => setTimeout(r, 20));
    assert.equal(st.connected, false);
    assert.equal(t.handshakes.length, 0, 'no HTTP upgrade over an unverified TLS session');
    assert.equal(failures[0]!.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.deepEqual(st.securityEvents.map((e) => e.type), ['InvalidCsmsCertificate'], 'raised once for repeated failures');
    // The operator installs the right certificate: the station connects and reports the event (A04).
    const ok = accepted(st);
    t.server.setSecureContext({ ...pki.server });
    await ok;
    await t.csms.until(() => t.csms.of('SecurityEventNotification').length === 1);
    assert.equal(t.csms.of('SecurityEventNotification')[0]!.type, 'InvalidCsmsCertificate');
    await t.csms.until(() => st.securityEvents.length === 0);
    await st.stop();
    await t.close();
  });

  test('A00.FR.001 A00.FR.004 A00.FR.312 A00.FR.415 security profile settings are checked before connecting: wss:// for 2 and 3, a password for 2, a client certificate for 3', () => {
    const bad = (o: Parameters<typeof createStation>[0]) => assert.throws(() => createStation(o), (e) => e instanceof StationConfigError && e.code === 'OCPP_ERR_SIM_SECURITY_PROFILE');
    bad({ identity: 'X', url: 'ws://127.0.0.1:1/ocpp', securityProfile: 2, password: 'p' });
    bad({ identity: 'X', url: 'wss://127.0.0.1:1/ocpp', securityProfile: 2 });
    bad({ identity: 'X', url: 'wss://127.0.0.1:1/ocpp', securityProfile: 3, tls: { ca: pki.ca } });
    bad({ identity: 'X', url: 'wss://127.0.0.1:1/ocpp', securityProfile: 2, password: 'p', tls: { rejectUnauthorized: false } });
  });
});
