// Block A, A02/A03 on the CSMS side, socket-free (block harness), in 2.0.1 and 2.1: SignCertificate
// checks, signing by the configured CA, CertificateSigned, and the TriggerMessage that starts A02.
// CSRs and CAs come from the openssl test PKI (test/fixtures/certs.ts); production code uses pkijs.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import * as pkijs from 'pkijs';
import type { OcppVersion } from '@chargewire/ocpp';
import type { CertificateSignedRequest, CertificateSignedStatusEnumType, TriggerMessageRequest } from '@chargewire/ocpp/types';
import { blockHarness, type Harness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { eventually } from '../../../../test/fixtures/csms.ts';
import { makePki, type TestPki } from '../../../../test/fixtures/certs.ts';
import { pemBlocks } from '@chargewire/ocpp';
import { BACKDATE_MS } from '../certificate-authority.ts';
import { certificateRenewal, requestCertificateRenewal, setCertificateSigner } from './certificates.ts';

let pki: TestPki;
before(() => { pki = makePki(); });

interface Setup { h: Harness; signed: CertificateSignedRequest[] }
async function setup(version: OcppVersion, o: { ca?: { certFile: string; keyFile: string } | false; v2g?: { certFile: string; keyFile: string }; answer?: CertificateSignedStatusEnumType; operatorOrg?: string } = {}): Promise<Setup> {
  const ca = o.ca === false ? undefined : o.ca ?? { certFile: pki.caFile, keyFile: pki.caKeyFile };
  const h = await blockHarness({
    version,
    config: {
      tls: { operatorOrg: o.operatorOrg ?? 'Chargewire' },
      certificates: { ...(ca ? { caCertFile: ca.certFile, caKeyFile: ca.keyFile } : {}), ...(o.v2g ? { v2gCaCertFile: o.v2g.certFile, v2gCaKeyFile: o.v2g.keyFile } : {}) },
    },
  });
  await h.station.call('BootNotification', aBootNotification());
  const signed: CertificateSignedRequest[] = [];
  h.station.handle('CertificateSigned', async (_c, req) => { signed.push(req); return { status: o.answer ?? 'Accepted' }; });
  return { h, signed };
}

const leafOf = (chain: string) => new X509Certificate(pemBlocks(chain, 'CERTIFICATE')[0]!);
const settle = () => new Promise((r) => setTimeout(r, 50));

for (const version of ['2.0.1', '2.1'] as const) {
  describe(`A02/A03 SignCertificate (OCPP ${version})`, () => {
    test(`[A02.FR.11] [A03.FR.11] [A02.FR.14] [A03.FR.14] a valid CSR: Accepted, then CertificateSigned with a certificate issued from it (${version})`, async () => {
      const { h, signed } = await setup(version);
      const { csr, key } = pki.csr('CS001');
      const res = await h.station.call('SignCertificate', { csr, certificateType: 'ChargingStationCertificate', ...(version === '2.1' ? { requestId: 42 } : {}) });
      assert.deepEqual(res, { status: 'Accepted' });
      await eventually(() => signed.length === 1);
      const req = signed[0]!;
      assert.equal(req.certificateType, 'ChargingStationCertificate');
      // [A02.FR.25] [A03.FR.21] the requestId comes back (2.1; the field does not exist in 2.0.1)
      assert.equal(req.requestId, version === '2.1' ? 42 : undefined);
      const leaf = leafOf(req.certificateChain);
      const ca = new X509Certificate(pki.ca);
      // the certificate carries the CSR's public key and subject, is signed by the CA, and is no CA itself
      assert.equal(leaf.checkPrivateKey(createPrivateKey(key)), true);
      assert.equal(leaf.subject, 'CN=CS001\nO=Chargewire');
      assert.equal(leaf.checkIssued(ca), true);
      assert.equal(leaf.verify(ca.publicKey), true);
      assert.equal(leaf.ca, false);
      // [A00.FR.508] a serial number; valid from a few minutes ago (clock skew, A02.FR.06 note), not past the CA
      assert.match(leaf.serialNumber, /^[0-9A-F]{32}$/);
      const from = new Date(leaf.validFrom).getTime();
      assert.ok(from <= Date.now() - BACKDATE_MS + 2000 && from >= Date.now() - BACKDATE_MS - 60_000);
      assert.ok(new Date(leaf.validTo).getTime() <= new Date(ca.validTo).getTime());
      // [A00.FR.507] PEM chain: the new certificate, then the CA certificate
      assert.equal(pemBlocks(req.certificateChain, 'CERTIFICATE').length, 2);
      // [A00.FR.512] key usage set (critical), [A00.FR.514] no extended key usage
      const parsed = pkijs.Certificate.fromBER(new Uint8Array(pemBlocks(req.certificateChain, 'CERTIFICATE')[0]!));
      assert.deepEqual(parsed.extensions?.map((e) => [e.extnID, e.critical]), [['2.5.29.19', true], ['2.5.29.15', true]]);
      await eventually(() => certificateRenewal(h.runtime, 'CS001')?.state === 'Installed');
    });

    test(`[A02.FR.12] [A03.FR.12] no CA configured: Rejected with reason NotEnabled, nothing sent (${version})`, async () => {
      const { h, signed } = await setup(version, { ca: false });
      const res = await h.station.call('SignCertificate', { csr: pki.csr('CS001').csr });
      assert.equal(res.status, 'Rejected');
      assert.equal(res.statusInfo?.reasonCode, 'NotEnabled');
      assert.match(res.statusInfo?.additionalInfo ?? '', /no certificate authority configured for ChargingStationCertificate/);
      await settle();
      assert.equal(signed.length, 0);
      assert.equal(certificateRenewal(h.runtime, 'CS001')?.state, 'CsrRejected');
    });
  });
}

describe('A02/A03 CSR checks (A02.FR.12 Rejected with InvalidCSR)', () => {
  const rejectedFor = async (csr: string, why: RegExp, operatorOrg?: string) => {
    const { h, signed } = await setup('2.1', operatorOrg !== undefined ? { operatorOrg } : {});
    const res = await h.station.call('SignCertificate', { csr, certificateType: 'ChargingStationCertificate' });
    assert.equal(res.status, 'Rejected');
    assert.equal(res.statusInfo?.reasonCode, 'InvalidCSR');
    assert.match(res.statusInfo?.additionalInfo ?? '', why);
    await settle();
    assert.equal(signed.length, 0, 'no CertificateSigned for a rejected CSR');
  };

  test('[A02.FR.12] [A00.FR.511] [A00.FR.405] a CN other than the station identity', () => rejectedFor(pki.csr('OTHER').csr, /CN "OTHER" is not the station identity "CS001"/));
  test('[A02.FR.12] [A00.FR.509] [A00.FR.404] an O other than the operator organisation', () => rejectedFor(pki.csr('CS001', 'Evil Corp').csr, /O "Evil Corp" is not the operator organisation/));
  test('[A02.FR.12] [A00.FR.502] an RSA key under 2048 bits', () => rejectedFor(pki.csr('CS001', 'Chargewire', ['rsa:1024']).csr, /RSA key of 1024 bits/));
  test('[A02.FR.12] a CSR whose signature does not verify (tampered)', async () => {
    const der = pemBlocks(pki.csr('CS001').csr, 'CERTIFICATE REQUEST')[0]!;
    der[der.length - 5] = der[der.length - 5]! ^ 0x01; // inside the ECDSA signature value
    await rejectedFor(`-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`, /signature does not verify/);
  });
  test('[A02.FR.12] not a PEM CSR at all', () => rejectedFor('hello', /expected one PEM "CERTIFICATE REQUEST" block, found 0/));
  test('[A02.FR.12] O is not checked when tls.operatorOrg is empty; CN still is', async () => {
    const { h, signed } = await setup('2.1', { operatorOrg: '' });
    assert.equal((await h.station.call('SignCertificate', { csr: pki.csr('CS001', 'Anyone').csr })).status, 'Accepted');
    await eventually(() => signed.length === 1);
    await rejectedFor(pki.csr('CS002', 'Anyone').csr, /CN "CS002"/, '');
  });
});

describe('A02/A03 signing', () => {
  test('[A00.FR.505] an RSA CA signs with RSA-PSS; the CSR may carry an RSA 2048 key', async () => {
    const { h, signed } = await setup('2.1', { ca: pki.otherCa(['rsa:2048']) });
    const { csr, key } = pki.csr('CS001', 'Chargewire', ['rsa:2048']);
    assert.equal((await h.station.call('SignCertificate', { csr })).status, 'Accepted');
    await eventually(() => signed.length === 1);
    const der = pemBlocks(signed[0]!.certificateChain, 'CERTIFICATE')[0]!;
    assert.equal(pkijs.Certificate.fromBER(new Uint8Array(der)).signatureAlgorithm.algorithmId, '1.2.840.113549.1.1.10', 'id-RSASSA-PSS');
    assert.equal(new X509Certificate(der).checkPrivateKey(createPrivateKey(key)), true);
  });

  test('[A02.FR.04] setCertificateSigner forwards the checked CSR to an external CA; its failure is recorded for the operator', async () => {
    const { h, signed } = await setup('2.1', { ca: false });
    const seen: string[] = [];
    setCertificateSigner(h.runtime, async ({ stationId, certificateType, csr }) => {
      seen.push(`${stationId}/${certificateType}/${csr.commonName}`);
      throw new Error('CA server unreachable');
    });
    assert.equal((await h.station.call('SignCertificate', { csr: pki.csr('CS001').csr, requestId: 7 })).status, 'Accepted');
    await eventually(() => certificateRenewal(h.runtime, 'CS001')?.state === 'SigningFailed');
    assert.deepEqual(seen, ['CS001/ChargingStationCertificate/CS001']);
    assert.match(certificateRenewal(h.runtime, 'CS001')?.detail ?? '', /unreachable/);
    assert.equal(signed.length, 0);
  });

  test('[A02.FR.07] the station rejects the signed certificate: recorded as RejectedByStation', async () => {
    const { h, signed } = await setup('2.0.1', { answer: 'Rejected' });
    assert.equal((await h.station.call('SignCertificate', { csr: pki.csr('CS001').csr })).status, 'Accepted');
    await eventually(() => certificateRenewal(h.runtime, 'CS001')?.state === 'RejectedByStation');
    assert.equal(signed.length, 1);
  });

  test('[A02.FR.12] V2GCertificate needs the V2G CA: Rejected without one; with one, signed (SECC CN not checked)', async () => {
    const plain = await setup('2.1');
    const r1 = await plain.h.station.call('SignCertificate', { csr: pki.csr('SECC-1', 'Other Org').csr, certificateType: 'V2GCertificate' });
    assert.equal(r1.statusInfo?.reasonCode, 'NotEnabled');
    const v2g = await setup('2.1', { v2g: pki.otherCa() });
    assert.equal((await v2g.h.station.call('SignCertificate', { csr: pki.csr('SECC-1', 'Other Org').csr, certificateType: 'V2GCertificate' })).status, 'Accepted');
    await eventually(() => v2g.signed.length === 1);
    assert.equal(v2g.signed[0]!.certificateType, 'V2GCertificate');
    assert.equal(leafOf(v2g.signed[0]!.certificateChain).subject, 'CN=SECC-1\nO=Other Org');
  });

  test('a CA key that does not belong to the CA certificate: logged, SignCertificate Rejected', async () => {
    const other = pki.otherCa();
    const { h } = await setup('2.1', { ca: { certFile: pki.caFile, keyFile: other.keyFile } });
    const res = await h.station.call('SignCertificate', { csr: pki.csr('CS001').csr });
    assert.equal(res.statusInfo?.reasonCode, 'NotEnabled');
  });
});

describe('A02 TriggerMessage', () => {
  test('[A02] requestCertificateRenewal sends TriggerMessage SignChargingStationCertificate / SignV2GCertificate with the EVSE', async () => {
    const { h } = await setup('2.1');
    const triggers: TriggerMessageRequest[] = [];
    h.station.handle('TriggerMessage', async (_c, req) => { triggers.push(req); return { status: triggers.length === 1 ? 'Accepted' : 'Rejected' }; });
    assert.equal((await requestCertificateRenewal(h.runtime, 'CS001')).status, 'Accepted');
    assert.equal(certificateRenewal(h.runtime, 'CS001')?.state, 'Triggered');
    assert.equal((await requestCertificateRenewal(h.runtime, 'CS001', 'V2GCertificate', 2)).status, 'Rejected');
    assert.deepEqual(triggers, [{ requestedMessage: 'SignChargingStationCertificate' }, { requestedMessage: 'SignV2GCertificate', evse: { id: 2 } }]);
    assert.equal(certificateRenewal(h.runtime, 'CS001')?.state, 'TriggerRejected');
  });
});
