// Throwaway ISO 15118 PKI for the Plug & Charge tests (C07), made with testing/openssl-pki.ts: an MO root and a
// V2G root (as a CSMS installs them with InstallCertificate), a sub-CA under the MO root, and contract
// certificates (CN = eMAID, OCSP responder in the Authority Information Access) signed by it.
import { makeOpensslPki, type Issued } from './openssl-pki.ts';

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

const AIA = `authorityInfoAccess=OCSP;URI:${OCSP_URL}`;
const SUB_EXT = ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid', AIA];
const LEAF_EXT = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,keyAgreement', 'authorityKeyIdentifier=keyid', AIA];

export function makeContractPki(): ContractPki {
  const pki = makeOpensslPki('cw-contract-pki-');
  const root = (name: string, cn: string): Issued => pki.root(name, {
    subj: `/CN=${cn}/O=Chargewire Test/DC=V2G`, ext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash'],
  });
  const moRoot = root('mo-root', 'Test MO Root');
  const v2gRoot = root('v2g-root', 'Test V2G Root');
  const otherRoot = root('other-root', 'Test Other MO Root');
  const moSub = pki.issue('mo-sub', moRoot, { subj: '/CN=Test MO Sub-CA/O=Chargewire Test', ext: SUB_EXT });
  const otherSub = pki.issue('other-sub', otherRoot, { subj: '/CN=Test Other Sub-CA/O=Chargewire Test', ext: SUB_EXT });
  const contract = (eMAID: string, o: { foreign?: boolean } = {}): Contract => {
    const sub = o.foreign ? otherSub : moSub;
    const leaf = pki.issue('contract', sub, { subj: `/CN=${eMAID}/O=Chargewire Test`, ext: LEAF_EXT }).cert;
    return { chain: leaf + sub.cert, leaf, subCa: sub.cert };
  };
  return {
    moRoot: moRoot.cert,
    v2gRoot: v2gRoot.cert,
    contract,
    brokenChain: (eMAID) => contract(eMAID).leaf + otherSub.cert,
    cleanup: pki.cleanup,
  };
}
