// The signing CA files (certificates.caCertFile/caKeyFile, v2gCaCertFile/v2gCaKeyFile) are checked when the
// CSMS starts: a CA that cannot sign stops the start with CSMS_ERR_CA_FILES and says why (A02/A03 would
// otherwise only answer Rejected at the first CSR, with the reason in a log line).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCsms, createMemoryBus, createMemoryStore, loadConfig, type CsmsConfig, type DeepPartial } from '@chargewire/csms';
import { makePki, type TestPki } from '../../../test/fixtures/certs.ts';
import { silentLogger } from '../../../test/fixtures/csms.ts';
import { CsmsError } from './errors.ts';
import { loadCertificateAuthority } from './certificate-authority.ts';
import { signCertificate } from './blocks/certificates.ts';

let pki: TestPki;
before(() => { pki = makePki(); });

/** createCsms with only the store (memory) and no listeners: start() does the CA check and little else. */
async function startWith(certificates: DeepPartial<CsmsConfig['certificates']>) {
  const config = loadConfig({ overrides: { store: { kind: 'memory' }, ocpp: { port: -1 }, http: { port: -1 }, certificates } });
  const csms = createCsms(config, { store: createMemoryStore(), bus: createMemoryBus(), logger: silentLogger() });
  try {
    await csms.start();
    return { csms, error: undefined };
  } catch (err) {
    return { csms, error: err };
  } finally {
    await csms.stop();
  }
}

async function refused(certificates: DeepPartial<CsmsConfig['certificates']>, message: RegExp): Promise<void> {
  const { error } = await startWith(certificates);
  assert.ok(error instanceof CsmsError, `start() should throw a CsmsError, got ${String(error)}`);
  assert.equal(error.code, 'CSMS_ERR_CA_FILES');
  assert.match(error.message, message);
}

/** A self-signed CA that expired in 2020 (`openssl ca -selfsign` takes explicit dates). */
function expiredCa(dir: string): { certFile: string; keyFile: string } {
  const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  writeFileSync(join(dir, 'old.cnf'), '[ca]\ndefault_ca = d\n[d]\ndatabase = old-index.txt\nnew_certs_dir = .\nserial = old-serial\ndefault_md = sha256\npolicy = p\nunique_subject = no\nx509_extensions = v3\n[p]\ncommonName = supplied\n[v3]\nbasicConstraints = critical,CA:true\n');
  writeFileSync(join(dir, 'old-index.txt'), '');
  writeFileSync(join(dir, 'old-serial'), '2000\n');
  ssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'old-ca.key', '-out', 'old-ca.csr', '-subj', '/CN=Old CA']);
  ssl(['ca', '-batch', '-selfsign', '-config', 'old.cnf', '-keyfile', 'old-ca.key', '-in', 'old-ca.csr', '-out', 'old-ca.pem', '-notext', '-startdate', '20200101000000Z', '-enddate', '20200201000000Z']);
  return { certFile: join(dir, 'old-ca.pem'), keyFile: join(dir, 'old-ca.key') };
}

describe('CSMS_ERR_CA_FILES: the CA files are checked at start', () => {
  test('a valid CA (station and V2G): the CSMS starts, and SignCertificate uses the CA loaded at start', async () => {
    const v2g = pki.otherCa();
    const config = loadConfig({ overrides: { store: { kind: 'memory' }, ocpp: { port: -1 }, http: { port: -1 }, certificates: { caCertFile: pki.caFile, caKeyFile: pki.caKeyFile, v2gCaCertFile: v2g.certFile, v2gCaKeyFile: v2g.keyFile } } });
    const csms = createCsms(config, { store: createMemoryStore(), bus: createMemoryBus(), logger: silentLogger() });
    await csms.start();
    try {
      // the files are gone after start: the loaded CA still answers (it is not read again at the first CSR)
      csms.runtime.config.certificates.caCertFile = join(pki.dir, 'gone.pem');
      const ctx = { csms: csms.runtime, stationId: 'CS001', log: silentLogger() } as unknown as Parameters<typeof signCertificate>[0];
      const res = await signCertificate(ctx, { csr: pki.csr('CS001').csr });
      assert.equal(res.status, 'Accepted');
    } finally {
      await csms.stop();
    }
  });

  test('no CA configured: the CSMS starts (SignCertificate is then Rejected, A02.FR.12)', async () => {
    assert.equal((await startWith({})).error, undefined);
  });

  test('an unreadable CA certificate file', () => refused({ caCertFile: join(pki.dir, 'missing.pem'), caKeyFile: pki.caKeyFile }, /cannot read certificates\.caCertFile .*missing\.pem/));

  test('an unreadable CA key file', () => refused({ caCertFile: pki.caFile, caKeyFile: join(pki.dir, 'missing.key') }, /cannot read certificates\.caKeyFile .*missing\.key/));

  test('a certificate file without a certificate', async () => {
    const f = join(pki.dir, 'not-a-cert.pem');
    writeFileSync(f, 'hello\n');
    await refused({ caCertFile: f, caKeyFile: pki.caKeyFile }, /certificates\.caCertFile .*not-a-cert\.pem: no PEM "CERTIFICATE" block/);
  });

  test('a CERTIFICATE block that is no X.509 certificate', async () => {
    const f = join(pki.dir, 'garbage.pem');
    writeFileSync(f, `-----BEGIN CERTIFICATE-----\n${Buffer.from('not der at all').toString('base64')}\n-----END CERTIFICATE-----\n`);
    await refused({ caCertFile: f, caKeyFile: pki.caKeyFile }, /certificate 1 is not an X\.509 certificate/);
  });

  test('a key file that holds no private key', () => refused({ caCertFile: pki.caFile, caKeyFile: pki.caFile }, /certificates\.caKeyFile .*: not a PEM private key/));

  test('a key that does not belong to the CA certificate', () => refused({ caCertFile: pki.caFile, caKeyFile: pki.otherCa().keyFile }, /certificates\.caKeyFile .* does not belong to the first certificate in certificates\.caCertFile/));

  test('a certificate that is no CA (basicConstraints cA false)', () => refused({ caCertFile: pki.ecCert, caKeyFile: pki.ecKey }, /is not a CA certificate/));

  test('an expired CA', async () => {
    const old = expiredCa(pki.dir);
    await refused({ caCertFile: old.certFile, caKeyFile: old.keyFile }, /certificates\.caCertFile .*certificate 1 \(CN=Old CA\) expired 2020-02-01T00:00:00\.000Z/);
  });

  test('the V2G CA is checked too, and named by its own options', () => refused({ v2gCaCertFile: pki.caFile, v2gCaKeyFile: pki.otherCa().keyFile }, /certificates\.v2gCaKeyFile .* does not belong to the first certificate in certificates\.v2gCaCertFile/));

  test('loadCertificateAuthority judges validity at the given instant: not valid before / expired', async () => {
    const now = Date.now();
    await assert.rejects(loadCertificateAuthority(pki.caFile, pki.caKeyFile, { now: now - 86_400_000 }), /is not valid before/);
    await assert.rejects(loadCertificateAuthority(pki.caFile, pki.caKeyFile, { now: now + 3 * 86_400_000 }), /expired/);
    assert.ok(await loadCertificateAuthority(pki.caFile, pki.caKeyFile, { now }));
  });
});
