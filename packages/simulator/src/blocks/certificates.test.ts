// M03/M04/M05 station side against a scripted CSMS (MemoryLink, station clock at real time so the test
// certificates are valid): hash data computed independently from the DER, the store's rules, persistence.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import type { OcppTypes, OcppVersion } from '@chargewire/ocpp';
import { ManualClock, settle } from '../clock.ts';
import { MemoryLink } from '../memory-link.ts';
import { createStation } from '../station.ts';
import type { StationOptions } from '../station-types.ts';
import { ScriptedCsms } from '../testing/scripted-csms.ts';
import { makeCaPki, type CaPki, type Issued } from '../testing/ca-pki.ts';
import { VERSIONS } from '../testing/harness.ts';
import { CERTIFICATE_ENTRIES_MAX } from '../device-model/defaults.ts';
import { certificateHashData, csmsTrustChain, installedCertificates } from './certificates.ts';

let pki: CaPki;
let csmsRoot: Issued, mfRoot: Issued, v2gRoot: Issued, moRoot: Issued;
before(() => {
  pki = makeCaPki();
  [csmsRoot, mfRoot, v2gRoot, moRoot] = ['csms-root', 'mf-root', 'v2g-root', 'mo-root'].map((n) => pki.root(n)) as [Issued, Issued, Issued, Issued];
});
after(() => pki.cleanup());

async function station(version: OcppVersion, o: Partial<StationOptions> = {}) {
  const csms = new ScriptedCsms();
  const clock = new ManualClock(Date.now() + 60_000); // a minute ahead: certificates made later in a test (notBefore = that second) are valid
  const link = new MemoryLink(csms.attach, version, 'CS001');
  const st = createStation({ identity: 'CS001', clock, link, rebootDelayMs: 1, variables: { 'AlignedDataCtrlr.Interval': '0' }, ...o });
  await st.start();
  await settle();
  return { st, csms, clock };
}

/** Hash data from the DER by hand (RFC 6960 CertID): SHA-256 of the issuer Name and of the issuer's key bits. */
function expectedHash(pem: string, issuerPem = pem): OcppTypes.CertificateHashDataType {
  const tbs = (p: string) => (asn1js.fromBER(new X509Certificate(p).raw).result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
  const fields = tbs(pem).valueBlock.value; // [0] version, serial, signature, issuer, validity, subject, spki
  const spki = tbs(issuerPem).valueBlock.value[6] as asn1js.Sequence;
  const keyBits = (spki.valueBlock.value[1] as asn1js.BitString).valueBlock.valueHexView;
  const sha = (b: ArrayBuffer | Uint8Array) => createHash('sha256').update(new Uint8Array(b)).digest('hex');
  return {
    hashAlgorithm: 'SHA256', issuerNameHash: sha(fields[3]!.toBER()), issuerKeyHash: sha(keyBits),
    serialNumber: new X509Certificate(pem).serialNumber.toLowerCase().replace(/^0+/, ''),
  };
}

const install = (csms: ScriptedCsms, certificateType: OcppTypes.InstallCertificateUseEnumType, certificate: string) => csms.call('InstallCertificate', { certificateType, certificate });
const list = (csms: ScriptedCsms, ...certificateType: OcppTypes.GetCertificateIdUseEnumType[]) =>
  csms.call('GetInstalledCertificateIds', certificateType.length ? { certificateType } : {});

describe('M03/M04/M05 trust store, station side', () => {
  test('M03.FR.04 hash data: SHA-256 of the issuer name DER and of the issuer public key bits, serial number in hex without leading zeroes', () => {
    assert.deepEqual(certificateHashData(csmsRoot.cert), expectedHash(csmsRoot.cert));
    const sub = pki.subCa('sub', csmsRoot);
    assert.deepEqual(certificateHashData(sub.cert, 'SHA256', csmsRoot.cert), expectedHash(sub.cert, csmsRoot.cert));
    assert.equal(certificateHashData(csmsRoot.cert, 'SHA512').issuerNameHash.length, 128);
  });

  for (const version of VERSIONS) {
    test(`M05.FR.01 M05.FR.02 M03.FR.01 M03.FR.03 M03.FR.04 every CA type installs and is listed with its hash data; the configured tls.ca is the first CSMS root (${version})`, async () => {
      const { st, csms } = await station(version, { tls: { ca: csmsRoot.cert } });
      const fp = (p: string) => new X509Certificate(p).fingerprint256;
      assert.deepEqual(installedCertificates(st, 'CSMSRootCertificate').map(fp), [fp(csmsRoot.cert)]);
      for (const [type, c] of [['ManufacturerRootCertificate', mfRoot], ['V2GRootCertificate', v2gRoot], ['MORootCertificate', moRoot]] as const) {
        assert.deepEqual(await install(csms, type, c.cert), { status: 'Accepted' });
      }
      const all = await list(csms);
      assert.equal(all.status, 'Accepted');
      assert.deepEqual(all.certificateHashDataChain!.map((c) => [c.certificateType, c.certificateHashData]), [
        ['CSMSRootCertificate', expectedHash(csmsRoot.cert)], ['ManufacturerRootCertificate', expectedHash(mfRoot.cert)],
        ['V2GRootCertificate', expectedHash(v2gRoot.cert)], ['MORootCertificate', expectedHash(moRoot.cert)],
      ]);
      const two = await list(csms, 'CSMSRootCertificate', 'ManufacturerRootCertificate');
      assert.deepEqual(two.certificateHashDataChain!.map((c) => c.certificateType), ['CSMSRootCertificate', 'ManufacturerRootCertificate']);
      const entries = await csms.call('GetVariables', { getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'CertificateEntries' } }] });
      assert.equal(entries.getVariableResult[0]!.attributeValue, '4');
    });
  }

  test('M03.FR.02 nothing of the type: NotFound without hash data', async () => {
    const { csms } = await station('2.1');
    assert.deepEqual(await list(csms, 'MORootCertificate'), { status: 'NotFound' });
    assert.deepEqual(await list(csms), { status: 'NotFound' });
  });

  test('M04.FR.02 M04.FR.04 M04.FR.07 delete by the hash data reported (any hash algorithm): Accepted, gone; unknown: NotFound', async () => {
    const { st, csms } = await station('2.1', { tls: { ca: csmsRoot.cert } });
    await install(csms, 'MORootCertificate', moRoot.cert);
    const sha384 = certificateHashData(moRoot.cert, 'SHA384');
    assert.deepEqual(await csms.call('DeleteCertificate', { certificateHashData: sha384 }), { status: 'Accepted' });
    assert.deepEqual(installedCertificates(st, 'MORootCertificate'), []);
    assert.deepEqual(await csms.call('DeleteCertificate', { certificateHashData: sha384 }), { status: 'NotFound' });
    // the last CSMS root can be deleted (M04 remark); then nothing is trusted for TLS
    assert.deepEqual(await csms.call('DeleteCertificate', { certificateHashData: expectedHash(csmsRoot.cert) }), { status: 'Accepted' });
    assert.deepEqual(csmsTrustChain(st), []);
  });

  test('M05.FR.07 an expired certificate, a non-CA certificate or no certificate at all: Rejected, not installed', async () => {
    const { st, csms, clock } = await station('2.0.1');
    const leaf = pki.leaf('not-a-ca', csmsRoot);
    assert.equal((await install(csms, 'CSMSRootCertificate', leaf.cert)).status, 'Rejected');
    assert.equal((await install(csms, 'CSMSRootCertificate', 'garbage')).status, 'Rejected');
    await clock.advance(3 * 86_400_000); // the test CA is valid for two days
    assert.equal((await install(csms, 'CSMSRootCertificate', csmsRoot.cert)).status, 'Rejected');
    assert.deepEqual(installedCertificates(st, 'CSMSRootCertificate'), []);
  });

  test('M05.FR.17 M05.FR.06 the same certificate again replaces it (Accepted, one entry); beyond CertificateEntries maxLimit: Rejected', async () => {
    const { st, csms } = await station('2.1');
    assert.equal((await install(csms, 'V2GRootCertificate', v2gRoot.cert)).status, 'Accepted');
    assert.equal((await install(csms, 'V2GRootCertificate', v2gRoot.cert)).status, 'Accepted');
    assert.equal(installedCertificates(st, 'V2GRootCertificate').length, 1);
    const many = Array.from({ length: CERTIFICATE_ENTRIES_MAX }, (_, i) => pki.root(`r${i}`));
    const results = [];
    for (const r of many) results.push((await install(csms, 'MORootCertificate', r.cert)).status);
    assert.deepEqual(results, [...Array(CERTIFICATE_ENTRIES_MAX - 1).fill('Accepted'), 'Rejected']);
  });

  test('M05.FR.09 M05.FR.10 M05.FR.11 M05.FR.12 AdditionalRootCertificateCheck: a new CSMS root must be signed by the old one, which stays as fallback', async () => {
    const { st, csms } = await station('2.1', { tls: { ca: csmsRoot.cert }, variables: { 'SecurityCtrlr.AdditionalRootCertificateCheck': 'true', 'AlignedDataCtrlr.Interval': '0' } });
    const other = pki.root('other-root');
    const r = await install(csms, 'CSMSRootCertificate', other.cert);
    assert.equal(r.status, 'Rejected');
    assert.deepEqual(installedCertificates(st, 'CSMSRootCertificate').map((p) => new X509Certificate(p).subject), [new X509Certificate(csmsRoot.cert).subject]);
    const next = pki.subCa('csms-root-2', csmsRoot);
    assert.equal((await install(csms, 'CSMSRootCertificate', next.cert)).status, 'Accepted');
    const l = await list(csms, 'CSMSRootCertificate');
    assert.deepEqual(l.certificateHashDataChain!.map((c) => c.certificateHashData), [expectedHash(csmsRoot.cert), expectedHash(next.cert, csmsRoot.cert)]);
    // a third root replaces the second and drops the earlier fallback
    const third = pki.subCa('csms-root-3', next);
    assert.equal((await install(csms, 'CSMSRootCertificate', third.cert)).status, 'Accepted');
    assert.deepEqual(installedCertificates(st, 'CSMSRootCertificate').map((p) => new X509Certificate(p).subject.split('\n')[0]), ['CN=csms-root-2', 'CN=csms-root-3']);
  });

  test('the trust store survives a restart (data dir)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cw-certs-'));
    const a = await station('2.1', { dataDir, tls: { ca: csmsRoot.cert } });
    await install(a.csms, 'ManufacturerRootCertificate', mfRoot.cert);
    await a.st.stop();
    const b = await station('2.1', { dataDir });
    assert.equal(installedCertificates(b.st, 'ManufacturerRootCertificate').length, 1);
    assert.equal(installedCertificates(b.st, 'CSMSRootCertificate').length, 1);
    await b.st.stop();
  });
});
