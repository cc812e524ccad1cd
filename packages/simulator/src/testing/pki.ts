// Throwaway PKI for the simulator's TLS tests, generated with the `openssl` CLI into a temp dir at test
// time: a trusted CA with a server certificate (localhost / 127.0.0.1) and client certificates, plus
// a second, untrusted CA with its own server certificate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  const dir = mkdtempSync(join(tmpdir(), 'cw-sim-pki-'));
  const ssl = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  const ca = (name: string): void => ssl(['req', '-x509', '-newkey', ...ec, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}/O=Chargewire Test`]);
  const sign = (name: string, caName: string, subj: string, ext?: string): Pem => {
    ssl(['req', '-newkey', ...ec, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj]);
    ssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.pem`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', ...(ext ? ['-extfile', ext] : [])]);
    return { cert: readFileSync(join(dir, `${name}.pem`)), key: readFileSync(join(dir, `${name}.key`)) };
  };
  ca('ca');
  ca('rogue-ca');
  let n = 0;
  return {
    ca: readFileSync(join(dir, 'ca.pem')),
    server: sign('server', 'ca', '/CN=localhost/O=Chargewire Test', 'san.ext'),
    rogueServer: sign('rogue', 'rogue-ca', '/CN=localhost/O=Chargewire Test', 'san.ext'),
    client: (cn) => sign(`client${n++}`, 'ca', `/CN=${cn}/O=Chargewire Test`),
    signCsr(csr, o = {}) {
      const name = `signed${n++}`;
      const caName = o.rogue ? 'rogue-ca' : 'ca';
      writeFileSync(join(dir, `${name}.csr`), csr);
      ssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.pem`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', String(o.days ?? 2), ...(o.subj ? ['-subj', o.subj] : [])]);
      return readFileSync(join(dir, `${name}.pem`), 'utf8') + readFileSync(join(dir, `${caName}.pem`), 'utf8');
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
