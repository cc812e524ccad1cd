// Throwaway ISO 15118 PKI for the Plug & Charge tests (C07), made with the `openssl` CLI in a temp dir:
// an MO root and a V2G root (as a CSMS installs them with InstallCertificate), a sub-CA under the MO root,
// and contract certificates (CN = eMAID, OCSP responder in the Authority Information Access) signed by it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OCSP_URL = 'http://ocsp.mo.test/';

export interface Contract {
  /** The chain an EV presents: contract certificate, then the sub-CA (PEM, leaf first, no root). */
  chain: string;
  leaf: string;
  subCa: string;
}

export interface ContractPki {
  /** Self-signed MO root (MORootCertificate) that issued the sub-CA of every contract(). */
  moRoot: string;
  /** Self-signed V2G root (V2GRootCertificate): installed too, but not the root of the contracts. */
  v2gRoot: string;
  /** A contract certificate for `eMAID` under the MO root; `foreign`: under a second, unrelated sub-CA chain. */
  contract(eMAID: string, o?: { foreign?: boolean }): Contract;
  /** The leaf of one contract with the sub-CA of another: a chain whose links do not match. */
  brokenChain(eMAID: string): string;
  cleanup(): void;
}

export function makeContractPki(): ContractPki {
  const dir = mkdtempSync(join(tmpdir(), 'cw-contract-pki-'));
  const ssl = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  const read = (name: string): string => readFileSync(join(dir, `${name}.pem`), 'utf8');
  writeFileSync(join(dir, 'sub.ext'), `basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nauthorityInfoAccess=OCSP;URI:${OCSP_URL}\n`);
  writeFileSync(join(dir, 'leaf.ext'), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,keyAgreement\nauthorityKeyIdentifier=keyid\nauthorityInfoAccess=OCSP;URI:${OCSP_URL}\n`);
  const root = (name: string, cn: string): void => ssl(['req', '-x509', '-newkey', ...ec, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2',
    '-subj', `/CN=${cn}/O=Chargewire Test/DC=V2G`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-addext', 'subjectKeyIdentifier=hash']);
  const issue = (name: string, issuer: string, subj: string, ext: string): void => {
    ssl(['req', '-newkey', ...ec, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj]);
    ssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', ext]);
  };
  root('mo-root', 'Test MO Root');
  root('v2g-root', 'Test V2G Root');
  root('other-root', 'Test Other MO Root');
  issue('mo-sub', 'mo-root', '/CN=Test MO Sub-CA/O=Chargewire Test', 'sub.ext');
  issue('other-sub', 'other-root', '/CN=Test Other Sub-CA/O=Chargewire Test', 'sub.ext');
  let n = 0;
  const contract = (eMAID: string, o: { foreign?: boolean } = {}): Contract => {
    const name = `contract${n++}`;
    const sub = o.foreign ? 'other-sub' : 'mo-sub';
    issue(name, sub, `/CN=${eMAID}/O=Chargewire Test`, 'leaf.ext');
    const leaf = read(name);
    const subCa = read(sub);
    return { chain: leaf + subCa, leaf, subCa };
  };
  return {
    moRoot: read('mo-root'),
    v2gRoot: read('v2g-root'),
    contract,
    brokenChain: (eMAID) => contract(eMAID).leaf + read('other-sub'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
