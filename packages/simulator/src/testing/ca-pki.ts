// Throwaway CA certificates for the trust store (M03–M05) and firmware signing (L01) tests (testing/openssl-pki.ts):
// self-signed roots, a root signed by another root (a CSMS root rollover, M05.FR.10), server certificates for
// TLS, and firmware signing certificates with their keys.
import { createPrivateKey, sign, constants } from 'node:crypto';
import { CA_EXTENSIONS, EC_P256, LOCALHOST_SAN, makeOpensslPki, RSA_2048 } from './openssl-pki.ts';

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
  const pki = makeOpensslPki('cw-ca-pki-');
  const subj = (cn: string): string => `/CN=${cn}/O=Chargewire Test`;
  const keyArgs = (rsa?: boolean) => (rsa ? RSA_2048 : EC_P256);
  return {
    root: (name, o = {}) => pki.root(name, { subj: subj(name), keyArgs: keyArgs(o.rsa), days: o.days ?? 2, ext: CA_EXTENSIONS }),
    subCa: (name, issuer) => pki.issue(name, issuer, { subj: subj(name), ext: [...CA_EXTENSIONS, 'subjectKeyIdentifier=hash'] }),
    leaf: (name, issuer, o = {}) => pki.issue(name, issuer, {
      subj: subj(o.server ? 'localhost' : name), keyArgs: keyArgs(o.rsa),
      ext: o.server ? [LOCALHOST_SAN] : ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature'],
    }),
    cleanup: pki.cleanup,
  };
}

/** A signature over a firmware image as a CSMS passes it on (base64): ECDSA or RSA-PSS, SHA-256 (L01.FR.04). */
export function signFirmware(image: Buffer, keyPem: string): string {
  const key = createPrivateKey(keyPem);
  const rsa = key.asymmetricKeyType === 'rsa';
  return sign('sha256', image, rsa ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key).toString('base64');
}
