// Part 6 test cases for the Charging Station, block M (certificate management: M03 GetInstalledCertificateIds,
// M04 DeleteCertificate, M05 InstallCertificate) with a scripted CSMS in the OCTT's role, and the cases where the
// installed CSMS root decides the TLS connection (TC_M_30/31_CS, TC_B_47/50_CS) over real wss:// on 127.0.0.1.
// Not here: TC_M_24..29_CS (M06 certificate status, M01/M02 EV certificates: ISO 15118 is not simulated).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { createOcppServer, type OcppTypes, type OcppVersion } from '@chargewire/ocpp';
import { ManualClock, settle } from '../clock.ts';
import { MemoryLink } from '../memory-link.ts';
import { createStation, type Station } from '../station.ts';
import type { StationOptions } from '../station-types.ts';
import { ScriptedCsms } from '../testing/scripted-csms.ts';
import { makeCaPki, type CaPki, type Issued } from '../testing/ca-pki.ts';
import { makeSimPki, type SimPki } from '../testing/pki.ts';
import { until } from '../testing/file-server.ts';
import { VERSIONS } from '../testing/harness.ts';
import { certificateHashData } from '../blocks/certificates.ts';
import { QUIET } from './sequence.ts';

let pki: CaPki;
let sim: SimPki;
let oldRoot: Issued, newRoot: Issued, otherRoot: Issued, mfRoot: Issued, v2gRoot: Issued, moRoot: Issued;
before(() => {
  pki = makeCaPki();
  sim = makeSimPki();
  oldRoot = pki.root('csms-root-1');
  newRoot = pki.subCa('csms-root-2', oldRoot); // "new CSMS Root certificate 2", signed by the old one
  otherRoot = pki.root('csms-root-other');
  [mfRoot, v2gRoot, moRoot] = ['mf-root', 'v2g-root', 'mo-root'].map((n) => pki.root(n)) as [Issued, Issued, Issued];
});
after(() => { pki.cleanup(); sim.cleanup(); });

type CertType = OcppTypes.GetCertificateIdUseEnumType;
const fp = (pem: string) => new X509Certificate(pem).fingerprint256;
/** Reusable state GetInstalledCertificates: the hash data per type. */
async function installed(csms: ScriptedCsms, ...types: CertType[]) {
  return csms.call('GetInstalledCertificateIds', types.length ? { certificateType: types } : {});
}
const hashes = (r: OcppTypes.GetInstalledCertificateIdsResponse) => (r.certificateHashDataChain ?? []).map((c) => [c.certificateType, c.certificateHashData.serialNumber]);
const serial = (pem: string) => certificateHashData(pem).serialNumber;

async function station(version: OcppVersion, o: Partial<StationOptions> = {}) {
  const csms = new ScriptedCsms({ SignCertificate: () => ({ status: 'Accepted' }) });
  const clock = new ManualClock(Date.now() + 60_000);
  const link = new MemoryLink(csms.attach, version, 'CS001');
  const st = createStation({ identity: 'CS001', clock, link, rebootDelayMs: 1, ...o, variables: { ...QUIET, ...o.variables } });
  await st.start();
  await settle();
  return { st, csms, clock };
}

for (const version of VERSIONS) {
  describe(`Part 6 block M, station side (${version})`, () => {
    for (const [tc, get, type, cert] of [
      ['TC_M_01_CS', 'TC_M_12_CS', 'CSMSRootCertificate', () => otherRoot], ['TC_M_02_CS', 'TC_M_13_CS', 'ManufacturerRootCertificate', () => mfRoot],
      ['TC_M_03_CS', 'TC_M_14_CS', 'V2GRootCertificate', () => v2gRoot], ['TC_M_04_CS', 'TC_M_16_CS', 'MORootCertificate', () => moRoot],
    ] as const) {
      test(`${tc} ${get} M05.FR.01 M05.FR.02 M03.FR.01 M03.FR.03 M03.FR.04 install a ${type}: Accepted; GetInstalledCertificateIds lists its hash data`, async () => {
        const { st, csms } = await station(version, { tls: { ca: oldRoot.cert } });
        assert.deepEqual(await csms.call('InstallCertificate', { certificateType: type, certificate: cert().cert }), { status: 'Accepted' });
        const r = await installed(csms, type);
        assert.equal(r.status, 'Accepted');
        assert.ok(r.certificateHashDataChain!.some((c) => c.certificateType === type && c.certificateHashData.serialNumber === serial(cert().cert)
          && c.certificateHashData.issuerNameHash === certificateHashData(cert().cert).issuerNameHash));
        await st.stop();
      });
    }

    test('TC_M_17_CS TC_M_18_CS M03.FR.03 M03.FR.04 CSMS and Manufacturer roots by type, and every type when certificateType is omitted', async () => {
      const { st, csms } = await station(version, { tls: { ca: oldRoot.cert } });
      await csms.call('InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: mfRoot.cert });
      const expected = [['CSMSRootCertificate', serial(oldRoot.cert)], ['ManufacturerRootCertificate', serial(mfRoot.cert)]];
      assert.deepEqual(hashes(await installed(csms, 'CSMSRootCertificate', 'ManufacturerRootCertificate')), expected);
      const all = await installed(csms);
      assert.equal(all.status, 'Accepted');
      assert.deepEqual(hashes(all), expected);
      await st.stop();
    });

    test('TC_M_19_CS M03.FR.02 no MORootCertificate: NotFound, certificateHashDataChain omitted', async () => {
      const { st, csms } = await station(version, { tls: { ca: oldRoot.cert } });
      assert.deepEqual(await installed(csms, 'MORootCertificate'), { status: 'NotFound' });
      await st.stop();
    });

    test('TC_M_15_CS M03.FR.05 V2GCertificateChain: the V2G certificate (A02) with its sub-CA as childCertificateHashData', async () => {
      const { st, csms } = await station(version, { tls: { ca: sim.ca } });
      const csrs: OcppTypes.SignCertificateRequest[] = [];
      csms.replies.SignCertificate = (r) => { csrs.push(r); return { status: 'Accepted' }; };
      await csms.call('TriggerMessage', { requestedMessage: 'SignV2GCertificate' });
      await csms.until(() => csrs.length === 1);
      const chain = sim.signCsr(csrs[0]!.csr);
      const signed = await csms.call('CertificateSigned', { certificateChain: chain, certificateType: 'V2GCertificate', ...(csrs[0]!.requestId !== undefined ? { requestId: csrs[0]!.requestId } : {}) });
      assert.equal(signed.status, 'Accepted');
      const r = await installed(csms, 'V2GCertificateChain');
      assert.equal(r.status, 'Accepted');
      const [leaf, ca] = chain.split(/(?<=-----END CERTIFICATE-----\n)/);
      assert.deepEqual(r.certificateHashDataChain, [{
        certificateType: 'V2GCertificateChain', certificateHashData: certificateHashData(leaf!, 'SHA256', ca), childCertificateHashData: [certificateHashData(ca!, 'SHA256', ca)],
      }]);
      // M04.FR.02 the V2G certificate can be deleted
      assert.deepEqual(await csms.call('DeleteCertificate', { certificateHashData: r.certificateHashDataChain![0]!.certificateHashData }), { status: 'Accepted' });
      assert.deepEqual(await installed(csms, 'V2GCertificateChain'), { status: 'NotFound' });
      await st.stop();
    });

    test('TC_M_20_CS TC_M_22_CS M04.FR.01 M04.FR.02 M04.FR.04 delete the returned CSMS root: Accepted and gone; an unknown certificate: NotFound', async () => {
      const { st, csms } = await station(version, { tls: { ca: oldRoot.cert } });
      await csms.call('InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: otherRoot.cert });
      const before = await installed(csms, 'CSMSRootCertificate');
      const victim = before.certificateHashDataChain!.find((c) => c.certificateHashData.serialNumber === serial(otherRoot.cert))!;
      assert.deepEqual(await csms.call('DeleteCertificate', { certificateHashData: victim.certificateHashData }), { status: 'Accepted' });
      assert.deepEqual(hashes(await installed(csms, 'CSMSRootCertificate')), [['CSMSRootCertificate', serial(oldRoot.cert)]]);
      assert.deepEqual(await csms.call('DeleteCertificate', { certificateHashData: certificateHashData(pki.root('never-installed').cert) }), { status: 'NotFound' });
      await st.stop();
    });

    test('TC_M_23_CS M04.FR.03 M04.FR.06 the Charging Station certificate cannot be deleted: Failed', async () => {
      const client = pki.leaf('CS001', oldRoot);
      const { st, csms } = await station(version, { tls: { ca: oldRoot.cert, cert: client.cert, key: client.key } });
      const r = await csms.call('DeleteCertificate', { certificateHashData: certificateHashData(client.cert, 'SHA256', oldRoot.cert) });
      assert.equal(r.status, 'Failed');
      await st.stop();
    });

    test('TC_M_07_CS M05.FR.07 an expired CSMS root: Rejected, not listed', async () => {
      const { st, csms, clock } = await station(version, { tls: { ca: oldRoot.cert } });
      const expired = pki.root('expired-root', { days: 1 });
      await clock.advance(2 * 86_400_000);
      assert.equal((await csms.call('InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: expired.cert })).status, 'Rejected');
      assert.ok(!hashes(await installed(csms, 'CSMSRootCertificate')).some(([, s]) => s === serial(expired.cert)));
      await st.stop();
    });

    test('TC_M_09_CS M05.FR.10 M05.FR.11 AdditionalRootCertificateCheck, a CSMS root not signed by the old one: Rejected, the old one stays', async () => {
      const { st, csms } = await station(version, { tls: { ca: oldRoot.cert }, variables: { 'SecurityCtrlr.AdditionalRootCertificateCheck': 'true' } });
      assert.equal((await csms.call('InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: otherRoot.cert })).status, 'Rejected');
      assert.deepEqual(hashes(await installed(csms, 'CSMSRootCertificate')), [['CSMSRootCertificate', serial(oldRoot.cert)]]);
      await st.stop();
    });
  });
}

// ---- TLS: the installed CSMS roots verify the CSMS certificate (security profile 2) -----------------------

interface TlsCsms { url: string; csms: ScriptedCsms; server: Server; accepted: number; close(): Promise<void> }
async function tlsCsms(cert: Issued): Promise<TlsCsms> {
  const csms = new ScriptedCsms();
  const server = createServer({ cert: cert.cert, key: cert.key });
  server.on('tlsClientError', () => {});
  const t: TlsCsms = { url: '', csms, server, accepted: 0, close: async () => { await ocpp.close(); server.closeAllConnections(); await new Promise<void>((r) => server.close(() => r())); } };
  const ocpp = createOcppServer({ authenticate: () => ({ ok: true }), onConnection: ({ endpoint }) => { t.accepted++; csms.attach(endpoint); } });
  ocpp.attach(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.url = `wss://localhost:${(server.address() as AddressInfo).port}/ocpp`;
  return t;
}
const FAST = { ...QUIET, 'OCPPCommCtrlr.RetryBackOffWaitMinimum': '0', 'OCPPCommCtrlr.RetryBackOffRandomRange': '0', 'OCPPCommCtrlr.RetryBackOffRepeatTimes': '0' };
const registered = (st: Station, t: TlsCsms, n = 1) => until(() => t.csms.of('BootNotification').length >= n && st.registration === 'Accepted', 10_000);
const csmsRoots = async (c: ScriptedCsms) => hashes(await installed(c, 'CSMSRootCertificate')).map(([, s]) => s);

/** A profile-2 station trusting the old CSMS root, AdditionalRootCertificateCheck on, connected to `a`; then the new root installed. */
async function withNewRoot(a: TlsCsms, variables: Record<string, string> = {}): Promise<Station> {
  const st = createStation({
    identity: 'CS-M05', url: a.url, securityProfile: 2, password: 'm05-password-00001', versions: ['2.0.1'], tls: { ca: oldRoot.cert }, rebootDelayMs: 5,
    variables: { ...FAST, 'SecurityCtrlr.AdditionalRootCertificateCheck': 'true', ...variables },
  });
  await st.start();
  await registered(st, a);
  assert.equal((await a.csms.call('InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: newRoot.cert })).status, 'Accepted');
  assert.deepEqual(await csmsRoots(a.csms), [serial(oldRoot.cert), serial(newRoot.cert)], 'M05.FR.12 the old root kept as fallback');
  return st;
}

describe('M05 the installed CSMS root in the TLS connection (security profile 2, OCPP 2.0.1)', () => {
  test('TC_M_30_CS M05.FR.12 M05.FR.13 after Reset the CSMS certificate is signed by the new root: connected, the old root removed', async () => {
    const a = await tlsCsms(pki.leaf('srv-old-1', oldRoot, { server: true }));
    const st = await withNewRoot(a);
    try {
      const srvNew = pki.leaf('srv-new-1', newRoot, { server: true });
      a.server.setSecureContext({ cert: srvNew.cert, key: srvNew.key });
      assert.equal((await a.csms.call('Reset', { type: 'OnIdle' })).status, 'Accepted');
      await registered(st, a, 2);
      assert.deepEqual(await csmsRoots(a.csms), [serial(newRoot.cert)]);
    } finally { await st.stop(); await a.close(); }
  });

  test('TC_M_31_CS M05.FR.14 after Reset the CSMS certificate is still signed by the old root: the check with the new root fails, the fallback root connects, both stay', async () => {
    const a = await tlsCsms(pki.leaf('srv-old-2', oldRoot, { server: true }));
    const st = await withNewRoot(a);
    try {
      const failures: string[] = [];
      st.on('failure', (e: Error & { code?: string }) => failures.push(e.code ?? e.message));
      assert.equal((await a.csms.call('Reset', { type: 'OnIdle' })).status, 'Accepted');
      await registered(st, a, 2);
      assert.ok(failures.includes('CERT_UNTRUSTED'), 'the first attempt (new root) failed');
      assert.deepEqual(await csmsRoots(a.csms), [serial(oldRoot.cert), serial(newRoot.cert)]);
      await a.csms.until(() => a.csms.of('SecurityEventNotification').some((e) => e.type === 'InvalidCsmsCertificate'));
    } finally { await st.stop(); await a.close(); }
  });

  const profile = (url: string): OcppTypes.NetworkConnectionProfileType => ({ ocppCsmsUrl: url, ocppInterface: 'Wired0', ocppTransport: 'JSON', messageTimeout: 30, securityProfile: 2, ocppVersion: 'OCPP20' });
  async function migrate(a: TlsCsms, url: string): Promise<void> {
    assert.equal((await a.csms.call('SetNetworkProfile', { configurationSlot: 1, connectionData: profile(url) })).status, 'Accepted');
    await a.csms.call('SetVariables', { setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' }, attributeValue: '1,0' }] });
    assert.equal((await a.csms.call('Reset', { type: 'OnIdle' })).status, 'Accepted');
  }

  test('TC_B_50_CS M05.FR.13 B10.FR.01 migrate to a new CSMS whose certificate is signed by the new root: connected there, the old root removed', async () => {
    const a = await tlsCsms(pki.leaf('srv-old-3', oldRoot, { server: true }));
    const b = await tlsCsms(pki.leaf('srv-new-3', newRoot, { server: true }));
    const st = await withNewRoot(a);
    try {
      await migrate(a, b.url);
      await registered(st, b);
      assert.deepEqual(await csmsRoots(b.csms), [serial(newRoot.cert)]);
    } finally { await st.stop(); await a.close(); await b.close(); }
  });

  test('TC_B_47_CS B10.FR.07 M05.FR.15 M05.FR.16 the new CSMS presents a certificate of the old root: the attempt fails, back to the old profile, verified with the fallback root', async () => {
    const a = await tlsCsms(pki.leaf('srv-old-4', oldRoot, { server: true }));
    const b = await tlsCsms(pki.leaf('srv-old-5', oldRoot, { server: true }));
    const st = await withNewRoot(a, { 'OCPPCommCtrlr.NetworkProfileConnectionAttempts': '1' });
    try {
      await migrate(a, b.url);
      await registered(st, a, 2);
      assert.equal(b.accepted, 0, 'never connected to the new CSMS');
      assert.ok((await csmsRoots(a.csms)).includes(serial(oldRoot.cert)), 'the old root is still installed');
    } finally { await st.stop(); await a.close(); await b.close(); }
  });

  test('M05.FR.01 without AdditionalRootCertificateCheck an installed root is trusted at once; deleting every CSMS root leaves nothing trusted', async () => {
    const a = await tlsCsms(pki.leaf('srv-old-6', oldRoot, { server: true }));
    const st = createStation({ identity: 'CS-M05B', url: a.url, securityProfile: 2, password: 'm05-password-00001', versions: ['2.0.1'], tls: { ca: oldRoot.cert }, rebootDelayMs: 5, variables: FAST });
    await st.start();
    await registered(st, a);
    try {
      assert.equal((await a.csms.call('InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: otherRoot.cert })).status, 'Accepted');
      const srvOther = pki.leaf('srv-other', otherRoot, { server: true });
      a.server.setSecureContext({ cert: srvOther.cert, key: srvOther.key });
      await a.csms.call('Reset', { type: 'OnIdle' });
      await registered(st, a, 2);
      for (const root of [oldRoot, otherRoot]) await a.csms.call('DeleteCertificate', { certificateHashData: certificateHashData(root.cert) });
      const failures: string[] = [];
      st.on('failure', (e: Error & { code?: string }) => failures.push(e.code ?? ''));
      await a.csms.call('Reset', { type: 'OnIdle' });
      await until(() => failures.length >= 2, 10_000);
      assert.equal(a.csms.of('BootNotification').length, 2, 'no connection without a CSMS root');
      assert.ok(fp(otherRoot.cert));
    } finally { await st.stop(); await a.close(); }
  });
});
