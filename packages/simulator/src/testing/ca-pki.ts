// Throwaway CA certificates for the trust store (M03–M05) and firmware signing (L01) tests, made with the
// `openssl` CLI in a temp dir: self-signed roots, a root signed by another root (a CSMS root rollover,
// M05.FR.10), server certificates for TLS, and firmware signing certificates with their keys.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, sign, constants } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Issued { cert: string; key: string }

export interface CaPki {
  /** A self-signed CA certificate (valid `days`, default 2). */
  root(name: string, o?: { days?: number; rsa?: boolean }): Issued;
  /** A CA certificate with its own key, signed by `issuer` (a new root signed by the old one). */
  subCa(name: string, issuer: Issued): Issued;
  /** A leaf: a TLS server certificate for localhost / 127.0.0.1, or a firmware signing certificate. */
  leaf(name: string, issuer: Issued, o?: { server?: boolean; rsa?: boolean }): Issued;
  cleanup(): void;
}

export function makeCaPki(): CaPki {
  const dir = mkdtempSync(join(tmpdir(), 'cw-ca-pki-'));
  const ssl = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const keyArgs = (rsa?: boolean) => (rsa ? ['rsa:2048'] : ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']);
  const read = (name: string): Issued => ({ cert: readFileSync(join(dir, `${name}.pem`), 'utf8'), key: readFileSync(join(dir, `${name}.key`), 'utf8') });
  writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  writeFileSync(join(dir, 'sign.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n');
  const signWith = (name: string, issuer: Issued, subj: string, ext: string, rsa?: boolean): Issued => {
    writeFileSync(join(dir, `${name}-issuer.pem`), issuer.cert);
    writeFileSync(join(dir, `${name}-issuer.key`), issuer.key);
    ssl(['req', '-newkey', ...keyArgs(rsa), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj]);
    ssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${name}-issuer.pem`, '-CAkey', `${name}-issuer.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', ext]);
    return read(name);
  };
  return {
    root(name, o = {}) {
      ssl(['req', '-x509', '-newkey', ...keyArgs(o.rsa), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', String(o.days ?? 2),
        '-subj', `/CN=${name}/O=Chargewire Test`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
      return read(name);
    },
    subCa: (name, issuer) => signWith(name, issuer, `/CN=${name}/O=Chargewire Test`, 'ca.ext'),
    leaf: (name, issuer, o = {}) => signWith(name, issuer, o.server ? '/CN=localhost/O=Chargewire Test' : `/CN=${name}/O=Chargewire Test`, o.server ? 'server.ext' : 'sign.ext', o.rsa),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A signature over a firmware image as a CSMS passes it on (base64): ECDSA or RSA-PSS, SHA-256 (L01.FR.04). */
export function signFirmware(image: Buffer, keyPem: string): string {
  const key = createPrivateKey(keyPem);
  const rsa = key.asymmetricKeyType === 'rsa';
  return sign('sha256', image, rsa ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key).toString('base64');
}
