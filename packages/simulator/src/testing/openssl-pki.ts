// Throwaway test PKIs, made with the `openssl` CLI in a temp dir at test time: self-signed roots, certificates
// signed by them (sub-CAs, TLS server and client certificates, signing certificates, contract certificates),
// CSRs, certificates with explicit validity periods, and CRLs. The helpers with the shapes the tests use
// (testing/ca-pki.ts, contract-pki.ts, pki.ts and test/fixtures/certs.ts) are thin wrappers over this one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `openssl req -newkey` arguments: EC P-256 (the default everywhere) and RSA 2048. */
export const EC_P256: readonly string[] = ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
export const RSA_2048: readonly string[] = ['rsa:2048'];
/** Extensions of a CA certificate (for -addext or an extfile). */
export const CA_EXTENSIONS: readonly string[] = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'];
/** subjectAltName of a TLS server certificate for the loopback host. */
export const LOCALHOST_SAN = 'subjectAltName=DNS:localhost,IP:127.0.0.1';

/** A certificate with its private key: PEM texts and their files in the PKI's dir. */
export interface Issued { cert: string; key: string; certFile: string; keyFile: string }
/** A certificate and key made elsewhere (only the PEM texts) can issue too. */
export type Issuer = Pick<Issued, 'cert' | 'key'> & Partial<Issued>;

export interface IssueOptions {
  /** Subject, e.g. `/CN=x/O=y`. */
  subj: string;
  /** `openssl req -newkey` arguments (default EC P-256). */
  keyArgs?: readonly string[];
  /** Extensions, one extfile line each; none: OpenSSL's defaults. */
  ext?: readonly string[];
  /** Validity in days from now (default 2). */
  days?: number;
  /** An explicit validity period instead (signed with `openssl ca`, the only OpenSSL 3.0 command taking start and end dates). */
  notBefore?: Date;
  notAfter?: Date;
}

export interface OpensslPki {
  dir: string;
  /** A self-signed certificate; `ext` become -addext arguments (none: OpenSSL's defaults for `req -x509`). */
  root(name: string, o: Omit<IssueOptions, 'notBefore' | 'notAfter'>): Issued;
  /** A fresh key pair with a certificate for it signed by `issuer`. */
  issue(name: string, issuer: Issuer, o: IssueOptions): Issued;
  /** A fresh key pair and its PEM CSR (RFC 2986). */
  csr(name: string, subj: string, keyArgs?: readonly string[]): { csr: string; key: string; keyFile: string };
  /** A certificate for a PEM CSR signed by `issuer`; `subj` overrides the subject of the CSR. */
  signCsr(name: string, csr: string, issuer: Issuer, o?: { days?: number; subj?: string; ext?: readonly string[] }): string;
  /** A PEM CRL of `issuer` revoking these certificates (and every one revoked before). */
  crl(issuer: Issuer, revoked: ReadonlyArray<string | Buffer>): string;
  cleanup(): void;
}

/** The `openssl ca` settings: a database per issuer, any subject (CN required), SHA-256. */
const caConfig = (db: string): string => `[ca]\ndefault_ca = d\n[d]\ndatabase = ${db}.index\nnew_certs_dir = .\nserial = ${db}.serial\ncrlnumber = ${db}.crlnumber\n`
  + 'default_crl_days = 1\ndefault_md = sha256\npolicy = p\nunique_subject = no\n[p]\ncommonName = supplied\norganizationName = optional\n';

/** ASN.1 time as `openssl ca -startdate/-enddate` takes it (YYYYMMDDHHMMSSZ). */
const asn1Time = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');

export function makeOpensslPki(prefix = 'cw-pki-'): OpensslPki {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const ssl = (args: readonly string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const text = (file: string): string => readFileSync(join(dir, file), 'utf8');
  const write = (file: string, content: string | Buffer): string => { writeFileSync(join(dir, file), content); return file; };
  // File names are unique per PKI: callers may reuse a name (the subject is theirs to choose).
  let n = 0;
  const base = (name: string): string => `${name.replace(/[^\w.-]/g, '_')}-${n++}`;
  const issued = (b: string): Issued => ({ cert: text(`${b}.pem`), key: text(`${b}.key`), certFile: join(dir, `${b}.pem`), keyFile: join(dir, `${b}.key`) });
  /** The issuer's files (written into the dir when it has none). */
  const files = (issuer: Issuer): { cert: string; key: string } => {
    if (issuer.certFile && issuer.keyFile) return { cert: issuer.certFile, key: issuer.keyFile };
    const b = base('issuer');
    return { cert: join(dir, write(`${b}.pem`, issuer.cert)), key: join(dir, write(`${b}.key`, issuer.key)) };
  };
  /** The `openssl ca` config of an issuer (its own database), made on first use. */
  const configs = new Map<string, string>();
  const caConfigFor = (cert: string): string => {
    let cnf = configs.get(cert);
    if (cnf) return cnf;
    const db = base('ca-db');
    write(`${db}.index`, '');
    write(`${db}.serial`, '1000\n');
    write(`${db}.crlnumber`, '1000\n');
    cnf = write(`${db}.cnf`, caConfig(db));
    configs.set(cert, cnf);
    return cnf;
  };
  const newKey = (b: string, subj: string, keyArgs: readonly string[] = EC_P256): void =>
    ssl(['req', '-newkey', ...keyArgs, '-nodes', '-keyout', `${b}.key`, '-out', `${b}.csr`, '-subj', subj]);
  /** Sign `${b}.csr` into `${b}.pem`. */
  const sign = (b: string, issuer: Issuer, o: { days?: number; subj?: string; ext?: readonly string[]; notBefore?: Date; notAfter?: Date }): void => {
    const ca = files(issuer);
    const ext = o.ext?.length ? ['-extfile', write(`${b}.ext`, `${o.ext.join('\n')}\n`)] : [];
    if (o.notBefore || o.notAfter) {
      const from = o.notBefore ?? new Date();
      const to = o.notAfter ?? new Date(from.getTime() + (o.days ?? 2) * 86_400_000);
      ssl(['ca', '-batch', '-config', caConfigFor(ca.cert), '-cert', ca.cert, '-keyfile', ca.key, '-in', `${b}.csr`, '-out', `${b}.pem`, '-notext',
        '-startdate', asn1Time(from), '-enddate', asn1Time(to), ...(o.subj ? ['-subj', o.subj] : []), ...ext]);
      return;
    }
    ssl(['x509', '-req', '-in', `${b}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', `${b}.pem`,
      '-days', String(o.days ?? 2), ...(o.subj ? ['-subj', o.subj] : []), ...ext]);
  };
  return {
    dir,
    root(name, o) {
      const b = base(name);
      ssl(['req', '-x509', '-newkey', ...(o.keyArgs ?? EC_P256), '-nodes', '-keyout', `${b}.key`, '-out', `${b}.pem`, '-days', String(o.days ?? 2),
        '-subj', o.subj, ...(o.ext ?? []).flatMap((e) => ['-addext', e])]);
      return issued(b);
    },
    issue(name, issuer, o) {
      const b = base(name);
      newKey(b, o.subj, o.keyArgs);
      sign(b, issuer, o);
      return issued(b);
    },
    csr(name, subj, keyArgs) {
      const b = base(name);
      newKey(b, subj, keyArgs);
      return { csr: text(`${b}.csr`), key: text(`${b}.key`), keyFile: join(dir, `${b}.key`) };
    },
    signCsr(name, csr, issuer, o = {}) {
      const b = base(name);
      write(`${b}.csr`, csr);
      sign(b, issuer, o);
      return text(`${b}.pem`);
    },
    crl(issuer, revoked) {
      const ca = files(issuer);
      const cnf = caConfigFor(ca.cert);
      // `openssl ca -revoke` adds a certificate it did not issue to its database.
      for (const cert of revoked) ssl(['ca', '-batch', '-config', cnf, '-cert', ca.cert, '-keyfile', ca.key, '-revoke', write(`${base('revoke')}.pem`, cert)]);
      const out = `${base('crl')}.pem`;
      ssl(['ca', '-batch', '-config', cnf, '-cert', ca.cert, '-keyfile', ca.key, '-gencrl', '-out', out]);
      return text(out);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
