// Throwaway PKI for the simulator's TLS tests (testing/openssl-pki.ts): a trusted CA with a server certificate
// (localhost / 127.0.0.1) and client certificates, plus a second, untrusted CA with its own server certificate.
import { LOCALHOST_SAN, makeOpensslPki, type Issued } from './openssl-pki.ts';

export interface Pem { cert: Buffer; key: Buffer }
export interface SimPki {
  ca: Buffer;
  server: Pem;
  /** A server certificate from a CA the station does not trust. */
  rogueServer: Pem;
  client(cn: string): Pem;
  /** Sign a PEM CSR with the trusted CA (or the rogue one), optionally overriding the subject: the certificate then the CA (PEM). */
  signCsr(csr: string, o?: { rogue?: boolean; days?: number; subj?: string }): string;
  cleanup(): void;
}

export function makeSimPki(): SimPki {
  const pki = makeOpensslPki('cw-sim-pki-');
  const subj = (cn: string): string => `/CN=${cn}/O=Chargewire Test`;
  const pem = (i: Issued): Pem => ({ cert: Buffer.from(i.cert), key: Buffer.from(i.key) });
  const ca = pki.root('ca', { subj: subj('ca') });
  const rogueCa = pki.root('rogue-ca', { subj: subj('rogue-ca') });
  return {
    ca: Buffer.from(ca.cert),
    server: pem(pki.issue('server', ca, { subj: subj('localhost'), ext: [LOCALHOST_SAN] })),
    rogueServer: pem(pki.issue('rogue', rogueCa, { subj: subj('localhost'), ext: [LOCALHOST_SAN] })),
    client: (cn) => pem(pki.issue('client', ca, { subj: subj(cn) })),
    signCsr(csr, o = {}) {
      const issuer = o.rogue ? rogueCa : ca;
      return pki.signCsr('signed', csr, issuer, { days: o.days ?? 2, ...(o.subj ? { subj: o.subj } : {}) }) + issuer.cert;
    },
    cleanup: pki.cleanup,
  };
}
