// A02/A03 station side: key pair + CSR, SignCertificate with back-off, CertificateSigned checks,
// installation and reconnection. Socket-free (MemoryLink + ScriptedCsms on a ManualClock), plus one
// real-TLS case for the fallback to the old certificate (A02.FR.28). The "CA" is the openssl test PKI.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { createOcppServer, type OcppTypes, type OcppVersion } from '@chargewire/ocpp';
import { ManualClock, settle } from '../clock.ts';
import { MemoryLink } from '../memory-link.ts';
import { createStation, type Station } from '../station.ts';
import type { StationOptions } from '../station-types.ts';
import { ScriptedCsms } from '../testing/scripted-csms.ts';
import { makeSimPki, type SimPki } from '../testing/pki.ts';
import { VERSIONS } from '../testing/harness.ts';
import { createCsr, pemBlocks, toPem } from '../x509.ts';
import { certificateHashData } from './certificates.ts';
import { clientCertificate, clientCertificateSubject, v2gCertificates } from './security.ts';

let pki: SimPki;
before(() => { pki = makeSimPki(); });
after(() => pki.cleanup());

const QUIET = { 'AlignedDataCtrlr.Interval': '0', 'SecurityCtrlr.OrganizationName': 'Chargewire Test' };
type SignReq = OcppTypes.SignCertificateRequest;

/** A station (client certificate from the test CA, clock at real time) and a CSMS that records SignCertificate. */
async function setup(version: OcppVersion, o: { sign?: OcppTypes.GenericStatusEnumType; variables?: Record<string, string>; cert?: { cert: Buffer | string; key: Buffer | string } } = {}) {
  const csrs: SignReq[] = [];
  const csms = new ScriptedCsms({ SignCertificate: (req) => { csrs.push(req); return { status: o.sign ?? 'Accepted' }; } });
  const clock = new ManualClock(Date.now() + 5_000); // a little ahead: openssl's notBefore is the signing second
  const link = new MemoryLink(csms.attach, version, 'CS001');
  const opts: StationOptions = { identity: 'CS001', clock, link, rebootDelayMs: 1, tls: { ca: pki.ca, ...(o.cert ?? pki.client('CS001')) }, variables: { ...QUIET, ...o.variables } };
  const st = createStation(opts);
  await st.start();
  await settle();
  return { st, csms, clock, link, csrs };
}
const deliver = (csms: ScriptedCsms, csr: SignReq, chain: string) =>
  csms.call('CertificateSigned', { certificateChain: chain, certificateType: 'ChargingStationCertificate', ...(csr.requestId !== undefined ? { requestId: csr.requestId } : {}) });

for (const version of VERSIONS) {
  describe(`A02 station side (OCPP ${version})`, () => {
    test(`TC_A_11_CS A02.FR.02 A02.FR.03 A02.FR.06 A02.FR.08 A02.FR.10 A02.FR.13 A02.FR.24 A03.FR.20 trigger, CSR, CertificateSigned, reconnect with the new certificate (${version})`, async () => {
      const { st, csms, csrs, link } = await setup(version, { cert: longLived('CS001') });
      const before = clientCertificate(st)!.cert;
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' })).status, 'Accepted');
      await csms.until(() => csrs.length === 1);
      const req = csrs[0]!;
      assert.equal(req.certificateType, 'ChargingStationCertificate');
      assert.equal(req.requestId !== undefined, version === '2.1', 'requestId in 2.1 only');
      // [A02.FR.03] an RFC 2986 CSR in PEM, self-signed, CN = serial/identity, O = OrganizationName; [A00.FR.503] EC >= 224 bits
      const csr = pkijs.CertificationRequest.fromBER(new Uint8Array(pemBlocks(req.csr, 'CERTIFICATE REQUEST')[0]!));
      assert.equal(await csr.verify(), true);
      assert.deepEqual(csr.subject.typesAndValues.map((t) => [t.type, t.value.valueBlock.value]), [['2.5.4.10', 'Chargewire Test'], ['2.5.4.3', 'CS001']]);
      const pub = createPublicKey({ key: Buffer.from(csr.subjectPublicKeyInfo.toSchema().toBER()), format: 'der', type: 'spki' });
      assert.deepEqual([pub.asymmetricKeyType, pub.asymmetricKeyDetails?.namedCurve], ['ec', 'prime256v1']);
      // [A02.FR.05] [A03.FR.05] the private key is not in anything the station sent
      assert.ok(!JSON.stringify(csms.received).includes('PRIVATE KEY'));
      const chain = pki.signCsr(req.csr);
      assert.equal((await deliver(csms, req, chain)).status, 'Accepted');
      // [A02.FR.08] reconnect (WebSocket and TLS) with the new certificate; no reboot
      await csms.until(() => link.sessions === 2);
      assert.equal(clientCertificate(st)!.cert, chain);
      assert.notEqual(clientCertificate(st)!.cert, before);
      assert.deepEqual(clientCertificateSubject(st), { CN: 'CS001', O: 'Chargewire Test' });
      assert.equal(st.registration, 'Accepted');
      await st.stop();
    });

    test(`TC_A_14_CS A02.FR.07 A03.FR.07 A02.FR.20 a certificate from another CA: Rejected, InvalidChargingStationCertificate, no resends (${version})`, async () => {
      const { st, csms, csrs, clock, link } = await setup(version, { cert: longLived('CS001') });
      await csms.call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
      await csms.until(() => csrs.length === 1);
      const res = await deliver(csms, csrs[0]!, pki.signCsr(csrs[0]!.csr, { rogue: true }));
      assert.equal(res.status, 'Rejected');
      assert.equal(res.statusInfo?.reasonCode, 'InvalidCertificate');
      const events = () => csms.of('SecurityEventNotification').filter((e) => e.type !== 'StartupOfTheDevice'); // (A04 boot event)
      await csms.until(() => events().length === 1);
      assert.equal(events()[0]!.type, 'InvalidChargingStationCertificate');
      await clock.advance(3600_000);
      assert.equal(csrs.length, 1, 'A02.FR.20: no back-off resend after a rejected certificate');
      assert.equal(link.sessions, 1, 'no reconnect');
      await st.stop();
    });
  });
}

/** A CS001 certificate valid for 400 days (no A03 renewal at boot), made once. */
let longLivedCert: { cert: string; key: string } | undefined;
const longLived = (_cn: 'CS001') => longLivedCert!;
before(async () => {
  const c = await createCsr({ commonName: 'CS001', organization: 'Chargewire Test' });
  longLivedCert = { cert: pki.signCsr(c.csrPem, { days: 400 }), key: c.keyPem };
});

describe('A02.FR.06 A03.FR.06 checks of the signed certificate', () => {
  const rejected = async (make: (csr: SignReq) => Promise<string> | string, why: RegExp, advanceMs = 0) => {
    const { st, csms, csrs, clock } = await setup('2.1', { cert: longLived('CS001') });
    await csms.call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
    await csms.until(() => csrs.length === 1);
    const chain = await make(csrs[0]!);
    if (advanceMs) await clock.advance(advanceMs);
    const res = await deliver(csms, csrs.at(-1)!, chain);
    assert.equal(res.status, 'Rejected');
    assert.match(res.statusInfo?.additionalInfo ?? '', why);
    assert.equal(clientCertificate(st)!.cert, longLived('CS001').cert, 'old certificate still in use');
    await st.stop();
  };
  test('A02.FR.06 A00.FR.511 a CN other than the serial number', () => rejected((r) => pki.signCsr(r.csr, { subj: '/CN=OTHER/O=Chargewire Test' }), /CN "OTHER"/));
  test('A02.FR.06 A00.FR.509 an O other than SecurityCtrlr.OrganizationName', () => rejected((r) => pki.signCsr(r.csr, { subj: '/CN=CS001/O=Evil' }), /O "Evil"/));
  test('A02.FR.06 a certificate for another key than the CSR\'s', () => rejected(async () => pki.signCsr((await createCsr({ commonName: 'CS001', organization: 'Chargewire Test' })).csrPem), /not for the key of the CSR/));
  test('A02.FR.06 the current date outside the validity period (expired)', () => rejected((r) => pki.signCsr(r.csr, { days: 1 }), /expired/, 3 * 86_400_000));
  test('A02.FR.06 M05.FR.01 M04.FR.02 the CSO hierarchy is the installed CSMS roots: a root installed later counts, a deleted one no longer', async () => {
    const { st, csms, csrs } = await setup('2.1', { cert: longLived('CS001') });
    const trigger = async (n: number) => {
      await csms.call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
      await csms.until(() => csrs.length === n);
      return csrs[n - 1]!;
    };
    // A certificate from a CA the station was not configured with, whose root the CSMS then installs.
    const first = await trigger(1);
    const [leaf, newRoot] = pemBlocks(pki.signCsr(first.csr, { rogue: true }), 'CERTIFICATE').map((d) => toPem(d, 'CERTIFICATE'));
    assert.equal((await csms.call('InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: newRoot! })).status, 'Accepted');
    assert.equal((await deliver(csms, first, leaf!)).status, 'Accepted');
    // The configured root deleted: a certificate from its CA is no longer part of the hierarchy.
    const ids = await csms.call('GetInstalledCertificateIds', { certificateType: ['CSMSRootCertificate'] });
    const configured = ids.certificateHashDataChain!.find((c) => certificateHashData(pki.ca.toString()).serialNumber === c.certificateHashData.serialNumber)!;
    assert.equal((await csms.call('DeleteCertificate', { certificateHashData: configured.certificateHashData })).status, 'Accepted');
    const second = await trigger(2);
    const res = await deliver(csms, second, pki.signCsr(second.csr));
    assert.deepEqual([res.status, res.statusInfo?.additionalInfo], ['Rejected', 'the chain does not lead to an installed CSO root certificate']);
    await st.stop();
  });
  test('A02.FR.26 A03.FR.22 an unknown requestId', async () => {
    const { st, csms } = await setup('2.1', { cert: longLived('CS001') });
    const res = await csms.call('CertificateSigned', { certificateChain: longLived('CS001').cert, requestId: 999 });
    assert.deepEqual([res.status, res.statusInfo?.additionalInfo], ['Rejected', 'unknown requestId 999']);
    await st.stop();
  });
  test('A02.FR.16 A03.FR.16 a chain longer than MaxCertificateChainSize', async () => {
    const { st, csms, csrs } = await setup('2.1', { cert: longLived('CS001'), variables: { 'SecurityCtrlr.MaxCertificateChainSize': '1000' } });
    await csms.call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
    await csms.until(() => csrs.length === 1);
    const chain = pki.signCsr(csrs[0]!.csr);
    assert.ok(chain.length > 1000);
    const res = await deliver(csms, csrs[0]!, chain);
    assert.deepEqual([res.status, res.statusInfo?.reasonCode], ['Rejected', 'TooLargeElement']);
    await st.stop();
  });
});

test('A02.FR.08 the renewed certificate and key are kept in the data dir and used after a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cw-sim-cert-'));
  try {
    const csrs: SignReq[] = [];
    const csms = new ScriptedCsms({ SignCertificate: (req) => { csrs.push(req); return { status: 'Accepted' }; } });
    const link = new MemoryLink(csms.attach, '2.1', 'CS001');
    const opts: StationOptions = { identity: 'CS001', clock: new ManualClock(Date.now() + 5_000), link, dataDir, rebootDelayMs: 1, tls: { ca: pki.ca, ...longLived('CS001') }, variables: QUIET };
    const st = createStation(opts);
    await st.start();
    await settle();
    await csms.call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
    await csms.until(() => csrs.length === 1);
    const chain = pki.signCsr(csrs[0]!.csr);
    assert.equal((await deliver(csms, csrs[0]!, chain)).status, 'Accepted');
    await csms.until(() => link.sessions === 2);
    await st.stop();
    const again = createStation({ ...opts, link: new MemoryLink(csms.attach, '2.1', 'CS001') });
    assert.equal(clientCertificate(again)!.cert, chain);
    assert.match(clientCertificate(again)!.key, /BEGIN PRIVATE KEY/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

describe('A02 V2G certificates', () => {
  test('TC_A_12_CS A02.FR.22 A02.FR.23 A02.FR.15 SignV2GCertificate / SignV2G20Certificate: CSRs for V2G certificates, installed without a reconnect', async () => {
    const { st, csms, csrs, link } = await setup('2.1', { cert: longLived('CS001') });
    assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'SignV2GCertificate' })).status, 'Accepted');
    assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'SignV2G20Certificate' })).status, 'Accepted');
    await csms.until(() => csrs.length === 2);
    assert.deepEqual(csrs.map((c) => c.certificateType).sort(), ['V2G20Certificate', 'V2GCertificate']);
    const v2g = csrs.find((c) => c.certificateType === 'V2GCertificate')!;
    const res = await csms.call('CertificateSigned', { certificateChain: pki.signCsr(v2g.csr), certificateType: 'V2GCertificate', requestId: v2g.requestId! });
    assert.equal(res.status, 'Accepted');
    await settle();
    assert.deepEqual(v2gCertificates(st).map((c) => c.type), ['V2GCertificate']);
    assert.equal(link.sessions, 1, 'the connection keeps the client certificate');
    assert.equal(clientCertificate(st)!.cert, longLived('CS001').cert);
    await st.stop();
  });
});

describe('A02/A03 SignCertificate back-off', () => {
  test('TC_A_23_CS A02.FR.17 A02.FR.18 A02.FR.19 A03.FR.17 A03.FR.18 A03.FR.19 no CertificateSigned: resent after CertSigningWaitMinimum, then doubled, then stop; a late answer still installs', async () => {
    const { st, csms, csrs, clock, link } = await setup('2.1', { cert: longLived('CS001'), variables: { 'SecurityCtrlr.CertSigningWaitMinimum': '10', 'SecurityCtrlr.CertSigningRepeatTimes': '1' } });
    await csms.call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
    await csms.until(() => csrs.length === 1);
    await clock.advance(9_999);
    assert.equal(csrs.length, 1, 'not before CertSigningWaitMinimum');
    await clock.advance(1);
    assert.equal(csrs.length, 2);
    await clock.advance(19_999);
    assert.equal(csrs.length, 2, 'not before twice CertSigningWaitMinimum');
    await clock.advance(1);
    assert.equal(csrs.length, 3);
    await clock.advance(3600_000);
    assert.equal(csrs.length, 3, 'A02.FR.19: stopped after CertSigningRepeatTimes doublings');
    assert.ok(csrs.every((c) => c.csr === csrs[0]!.csr && c.requestId === csrs[0]!.requestId), 'the same CSR');
    assert.equal((await deliver(csms, csrs[0]!, pki.signCsr(csrs[0]!.csr))).status, 'Accepted');
    await csms.until(() => link.sessions === 2);
    await st.stop();
  });

  test('TC_A_15_CS SignCertificate Rejected: the key pair is dropped, nothing resent', async () => {
    const { st, csms, csrs, clock } = await setup('2.0.1', { sign: 'Rejected', cert: longLived('CS001') });
    assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' })).status, 'Accepted');
    await csms.until(() => csrs.length === 1);
    await clock.advance(3600_000);
    assert.equal(csrs.length, 1);
    assert.equal((await deliver(csms, csrs[0]!, pki.signCsr(csrs[0]!.csr))).status, 'Rejected', 'no outstanding CSR any more');
    await st.stop();
  });
});

describe('A03 renewal initiated by the station', () => {
  test('A03.FR.02 A03.FR.03 A03.FR.13 a client certificate expiring within a month: SignCertificate after boot without a trigger', async () => {
    const { st, csrs, csms } = await setup('2.0.1'); // pki.client() certificates are valid for 2 days
    await csms.until(() => csrs.length === 1);
    assert.equal(csrs[0]!.certificateType, 'ChargingStationCertificate');
    assert.equal(csms.of('TriggerMessage' as never).length, 0);
    await st.stop();
  });
  test('A03.FR.02 a certificate valid for more than a month: no renewal', async () => {
    const { st, csrs } = await setup('2.0.1', { cert: longLived('CS001') });
    await settle();
    assert.equal(csrs.length, 0);
    await st.stop();
  });
});

test('A02.FR.28 A02.FR.29 A02.FR.10 A03.FR.24 A03.FR.25 A03.FR.10 the new certificate is refused by the CSMS: back to the old one, DiscardedRenewedClientCertificate', async () => {
  const csms = new ScriptedCsms({ SignCertificate: () => ({ status: 'Accepted' }) });
  const original = longLived('CS001');
  const allowed = new X509Certificate(pemBlocks(original.cert, 'CERTIFICATE')[0]!).serialNumber;
  const serials: string[] = [];
  const ocpp = createOcppServer({
    authenticate: (h) => {
      const serial = String(h.clientCertificate?.serialNumber ?? '');
      serials.push(serial);
      return serial === allowed ? { ok: true } : { ok: false, status: 401 };
    },
    onConnection: ({ endpoint }) => csms.attach(endpoint),
  });
  const server = createServer({ ...pki.server, ca: pki.ca, requestCert: true, rejectUnauthorized: true });
  ocpp.attach(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const st: Station = createStation({
    identity: 'CS001', url: `wss://localhost:${(server.address() as AddressInfo).port}/ocpp`, securityProfile: 3, tls: { ca: pki.ca, ...original },
    variables: { ...QUIET, 'OCPPCommCtrlr.RetryBackOffWaitMinimum': '0', 'OCPPCommCtrlr.RetryBackOffRandomRange': '0' },
  });
  try {
    await st.start();
    await csms.until(() => st.registration === 'Accepted');
    await csms.call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
    await csms.until(() => csms.of('SignCertificate').length === 1);
    const req = csms.of('SignCertificate')[0]!;
    assert.equal((await deliver(csms, req, pki.signCsr(req.csr))).status, 'Accepted');
    // refused with the new certificate, then connected again with the old one, and the CSMS is told
    await csms.until(() => csms.of('SecurityEventNotification').some((e) => e.type === 'DiscardedRenewedClientCertificate'), 10_000);
    assert.equal(serials.filter((s) => s !== allowed).length >= 1, true, 'a connection attempt with the new certificate');
    assert.equal(serials.at(-1), allowed);
    assert.equal(clientCertificate(st)!.cert, original.cert, 'the new certificate was discarded');
  } finally {
    await st.stop();
    await ocpp.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
