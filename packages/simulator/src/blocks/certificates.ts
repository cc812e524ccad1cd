// M — Certificate management, station side: the trust store of CA certificates (M05 InstallCertificate,
// M03 GetInstalledCertificateIds, M04 DeleteCertificate). The station's own client certificate and its V2G
// certificates come from A02/A03 (blocks/security.ts) and are listed here too. The CSMSRootCertificates are
// the trust anchors of the TLS connection (security profiles 2 and 3): the configured tls.ca seeds the
// store, installed and deleted roots change what the next connection trusts, and with
// SecurityCtrlr.AdditionalRootCertificateCheck a new root replaces the old one, which stays as a fallback
// until a connection verified through the new root (M05.FR.09..16). ManufacturerRootCertificates verify
// firmware signing certificates (blocks/firmware.ts).
import { createHash, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import * as pkijs from 'pkijs';
import { OcppClient, type OcppClientOptions, type OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { Station } from '../station.ts';
import { CERTIFICATE_ENTRIES_MAX } from '../device-model/defaults.ts';
import { readJsonIfExists, writeFileAtomic } from '../device-model/persistence.ts';
import { firstCertificate, issuedBy, pemBlocks, selfSigned, toPem, validAt } from '../x509.ts';
import { clientCertificate, removeV2gCertificate, securityEventFor, v2gCertificates } from './security.ts';

type InstallType = OcppTypes.InstallCertificateUseEnumType;
type HashData = OcppTypes.CertificateHashDataType;
type HashAlg = OcppTypes.HashAlgorithmEnumType;

interface Stored { type: InstallType; pem: string; /** [M05.FR.12] the replaced CSMS root, kept until the new one worked. */ fallback?: boolean }
interface Store {
  certs: Stored[];
  /** The store decides the TLS trust anchors (seeded from tls.ca, or something was installed). */
  managed: boolean;
  /**
   * Issuers of installed roots that are not self-signed (M05.FR.10: the new root is signed by the old one),
   * kept only to complete the chain: Node 20's TLS has no partial-chain verification. Trust itself is
   * decided by checkTrust (the chain must pass through an installed root).
   */
  chainAnchors: string[];
  /** [M05.FR.14] the last connection attempt failed the CSMS certificate check with the new root. */
  useFallback: boolean;
  /** The installed root the current connection was verified through. */
  verifiedBy?: string;
}
const stores = new WeakMap<Station, Store>();
const FILE = 'installed-certificates.json';

const HASHES: Record<HashAlg, string> = { SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };
const oneCert = (pem: string): string => toPem(pemBlocks(pem, 'CERTIFICATE')[0]!, 'CERTIFICATE');
const x509 = (pem: string): X509Certificate => firstCertificate(pem);
/** Self-issued (RFC 5280: subject = issuer), whether or not the signature verifies. */
const selfIssued = (c: X509Certificate): boolean => c.checkIssued(c);

function store(st: Station): Store {
  let s = stores.get(st);
  if (s) return s;
  const saved = st.opts.dataDir ? readJsonIfExists(join(st.opts.dataDir, FILE)) as Omit<Store, 'useFallback'> | undefined : undefined;
  if (saved) s = { ...saved, useFallback: false };
  else {
    // The configured trust anchors are the CSMSRootCertificates installed at manufacturing.
    const ca = st.opts.tls?.ca ? [st.opts.tls.ca].flat().map(String) : [];
    const certs = ca.flatMap((p) => pemBlocks(p, 'CERTIFICATE')).map((der): Stored => ({ type: 'CSMSRootCertificate', pem: toPem(der, 'CERTIFICATE') }));
    s = { certs, managed: certs.length > 0, chainAnchors: [], useFallback: false };
  }
  stores.set(st, s);
  return s;
}

function save(st: Station): void {
  const s = store(st);
  // [M05] CertificateEntries: the CA certificates in the store.
  try { st.dm.setInternal({ name: 'SecurityCtrlr' }, { name: 'CertificateEntries' }, String(s.certs.length)); } catch { /* not modelled */ }
  if (st.opts.dataDir) writeFileAtomic(join(st.opts.dataDir, FILE), JSON.stringify({ certs: s.certs, managed: s.managed, chainAnchors: s.chainAnchors }));
}

/** Installed certificates (PEM) of a type, e.g. ManufacturerRootCertificate for firmware (L01). */
export function installedCertificates(st: Station, type: InstallType): string[] {
  return store(st).certs.filter((c) => c.type === type).map((c) => c.pem);
}

/** [N01.FR.15] the CSMS trust chain, also for HTTPS file transfers. */
export function csmsTrustChain(st: Station): string[] {
  const s = store(st);
  return [...installedCertificates(st, 'CSMSRootCertificate'), ...s.chainAnchors];
}

/** [M03.FR.04] hash data of a certificate: issuer name and issuer key hashes, serial number (RFC 6960 CertID). */
export function certificateHashData(pem: string, alg: HashAlg = 'SHA256', issuerPem?: string): HashData {
  const parse = (p: string) => pkijs.Certificate.fromBER(new Uint8Array(pemBlocks(p, 'CERTIFICATE')[0]!));
  const cert = parse(pem);
  const issuer = issuerPem ? parse(issuerPem) : cert;
  const h = (b: ArrayBuffer | Uint8Array): string => createHash(HASHES[alg]).update(new Uint8Array(b)).digest('hex');
  return {
    hashAlgorithm: alg,
    issuerNameHash: h(cert.issuer.valueBeforeDecode),
    issuerKeyHash: h(issuer.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView),
    serialNumber: Buffer.from(cert.serialNumber.valueBlock.valueHexView).toString('hex').replace(/^0+(?=.)/, ''),
  };
}

/** Hash data of an installed CA certificate: a root signed by another known CA names that CA's key. */
function hashOf(st: Station, pem: string, alg: HashAlg = 'SHA256'): HashData {
  const c = x509(pem);
  if (selfIssued(c)) return certificateHashData(pem, alg);
  const s = store(st);
  const issuer = [...s.certs.map((x) => x.pem), ...s.chainAnchors].find((p) => issuedBy(c, x509(p)));
  return certificateHashData(pem, alg, issuer);
}

const sameHash = (a: HashData, b: HashData): boolean =>
  a.issuerNameHash.toLowerCase() === b.issuerNameHash.toLowerCase() && a.issuerKeyHash.toLowerCase() === b.issuerKeyHash.toLowerCase()
  && a.serialNumber.toLowerCase().replace(/^0+(?=.)/, '') === b.serialNumber.toLowerCase().replace(/^0+(?=.)/, '');

/** [M03.FR.05] a V2G chain: the leaf, the sub-CAs as its children. */
function listV2g(st: Station): OcppTypes.CertificateHashDataChainType[] {
  return v2gCertificates(st).map(({ cert }) => {
    const blocks = pemBlocks(cert, 'CERTIFICATE').map((d) => toPem(d, 'CERTIFICATE'));
    const withIssuer = (i: number) => certificateHashData(blocks[i]!, 'SHA256', blocks[i + 1]);
    return {
      certificateType: 'V2GCertificateChain',
      certificateHashData: withIssuer(0),
      ...(blocks.length > 1 ? { childCertificateHashData: blocks.slice(1).map((_, i) => withIssuer(i + 1)) } : {}),
    };
  });
}

function getInstalled(st: Station, req: OcppTypes.GetInstalledCertificateIdsRequest): OcppTypes.GetInstalledCertificateIdsResponse {
  const want = req.certificateType?.length ? new Set<string>(req.certificateType) : undefined; // absent: every type
  const chains: OcppTypes.CertificateHashDataChainType[] = store(st).certs
    .filter((c) => !want || want.has(c.type))
    .map((c) => ({ certificateType: c.type as OcppTypes.GetCertificateIdUseEnumType, certificateHashData: hashOf(st, c.pem) }));
  if (!want || want.has('V2GCertificateChain')) chains.push(...listV2g(st));
  // [M03.FR.02] nothing of the type: NotFound, no hash data; [M03.FR.03] [M03.FR.04] else Accepted with the hash data.
  return chains.length ? { status: 'Accepted', certificateHashDataChain: chains } : { status: 'NotFound' };
}

function deleteCertificate(st: Station, req: OcppTypes.DeleteCertificateRequest): OcppTypes.DeleteCertificateResponse {
  const want = req.certificateHashData;
  const alg = want.hashAlgorithm;
  // [M04.FR.06] [M04.FR.03] the Charging Station Certificate cannot be deleted this way: Failed.
  const own = clientCertificate(st)?.cert;
  const ownLeaf = own ? pemBlocks(own, 'CERTIFICATE')[0] : undefined;
  if (ownLeaf) {
    // Matched by issuer name and serial number: its issuer (the CSO CA) need not be in the store.
    const h = certificateHashData(toPem(ownLeaf, 'CERTIFICATE'), alg);
    if (sameHash({ ...h, issuerKeyHash: want.issuerKeyHash }, want)) return { status: 'Failed' };
  }
  const s = store(st);
  const hit = s.certs.find((c) => sameHash(hashOf(st, c.pem, alg), want));
  if (hit) {
    // [M04.FR.02] found: deleted, Accepted (also the last CSMS root, M04 remark: the CSMS was warned).
    s.certs = s.certs.filter((c) => c !== hit);
    save(st);
    applyTrust(st);
    return { status: 'Accepted' };
  }
  // A V2G certificate chain (installed through A02) by its leaf.
  for (const { cert } of v2gCertificates(st)) {
    const blocks = pemBlocks(cert, 'CERTIFICATE').map((d) => toPem(d, 'CERTIFICATE'));
    if (sameHash(certificateHashData(blocks[0]!, alg, blocks[1]), want)) return { status: removeV2gCertificate(st, cert) ? 'Accepted' : 'Failed' };
  }
  return { status: 'NotFound' }; // [M04.FR.04]
}

function installCertificate(st: Station, req: OcppTypes.InstallCertificateRequest): OcppTypes.InstallCertificateResponse {
  const reject = (info: string): OcppTypes.InstallCertificateResponse => ({ status: 'Rejected', statusInfo: { reasonCode: 'InvalidCertificate', additionalInfo: info.slice(0, 1024) } });
  let cert: X509Certificate;
  let pem: string;
  try {
    pem = oneCert(req.certificate);
    cert = x509(pem);
  } catch (err) {
    return reject(`not a PEM X.509 certificate: ${(err as Error).message}`); // [M05.FR.07]
  }
  // [M05.FR.07] invalid: outside its validity period, or not a CA certificate.
  const now = st.clock.now();
  if (!validAt(cert, now)) return reject(`not valid at ${new Date(now).toISOString()} (${cert.validFrom} .. ${cert.validTo})`);
  if (!cert.ca) return reject('not a CA certificate');
  if (selfIssued(cert) && !selfSigned(cert)) return reject('bad self-signature');
  const s = store(st);
  const same = s.certs.find((c) => c.type === req.certificateType && x509(c.pem).fingerprint256 === cert.fingerprint256);
  const additional = req.certificateType === 'CSMSRootCertificate' && st.bool('SecurityCtrlr', 'AdditionalRootCertificateCheck', false);
  if (additional && !same) {
    // [M05.FR.09] one CSMS root (plus a fallback); [M05.FR.10] the new one replaces the old and must be signed by it.
    const old = s.certs.find((c) => c.type === 'CSMSRootCertificate' && !c.fallback);
    if (old) {
      // [M05.FR.11] not signed by the old root: not installed, Rejected.
      if (!issuedBy(cert, x509(old.pem))) return reject('AdditionalRootCertificateCheck: the new CSMS root is not signed by the installed one');
      // [M05.FR.12] install it, keep the old one as a temporary fallback (replacing an earlier fallback).
      s.certs = s.certs.filter((c) => !(c.type === 'CSMSRootCertificate' && c.fallback));
      old.fallback = true;
    }
    s.certs.push({ type: 'CSMSRootCertificate', pem });
  } else if (same) {
    same.pem = pem; // [M05.FR.17] already present: replaced, Accepted
  } else {
    // [M05.FR.06] CertificateEntries maxLimit would be exceeded: Rejected.
    if (s.certs.length >= CERTIFICATE_ENTRIES_MAX) return { status: 'Rejected', statusInfo: { reasonCode: 'OutOfStorage', additionalInfo: `CertificateEntries maxLimit ${CERTIFICATE_ENTRIES_MAX}` } };
    s.certs.push({ type: req.certificateType, pem });
  }
  if (req.certificateType === 'CSMSRootCertificate') s.managed = true;
  save(st);
  applyTrust(st);
  return { status: 'Accepted' }; // [M05.FR.01] [M05.FR.02]
}

/** The installed roots the CSMS certificate must chain to (M05.FR.14: the fallback only after a failure with the new one). */
function trustedRoots(st: Station): string[] {
  const s = store(st);
  return s.certs.filter((c) => c.type === 'CSMSRootCertificate' && (!c.fallback || s.useFallback || !st.bool('SecurityCtrlr', 'AdditionalRootCertificateCheck', false))).map((c) => c.pem);
}

/**
 * Verification after OpenSSL's (whose CA list also holds the chain anchors): the host name (A00.FR.309) and
 * that the chain passes through one of the trusted installed roots.
 */
function checkTrust(st: Station, host: string, peer: PeerCertificate): Error | undefined {
  const hostErr = checkServerIdentity(host, peer);
  if (hostErr) return hostErr;
  const roots = new Map(trustedRoots(st).map((p) => [x509(p).fingerprint256, p]));
  const seen = new Set<string>();
  for (let c: PeerCertificate | undefined = peer; c && !seen.has(c.fingerprint256); c = (c as { issuerCertificate?: PeerCertificate }).issuerCertificate) {
    seen.add(c.fingerprint256);
    const root = roots.get(c.fingerprint256);
    if (root) { store(st).verifiedBy = root; return undefined; }
  }
  return Object.assign(new Error('the CSMS certificate does not chain to a trusted installed CSMSRootCertificate'), { code: 'CERT_UNTRUSTED' });
}

/** Point the TLS settings of the next connection attempt at the installed CSMS roots. */
export function applyTrust(st: Station): void {
  const s = store(st);
  if (!s.managed || !(st.link instanceof OcppClient)) return;
  const o = st.link.opts as OcppClientOptions;
  const roots = trustedRoots(st);
  // Issuers of non-self-signed roots complete the chain (see Store.chainAnchors); no root at all: nothing is trusted.
  const anchors = [...s.certs.map((c) => c.pem), ...s.chainAnchors].filter((p) => !roots.includes(p));
  const ca = roots.length ? [...roots, ...anchors] : [];
  o.tls = { ...o.tls, ca, checkServerIdentity: (host: string, peer: PeerCertificate) => checkTrust(st, host, peer) } as OcppClientOptions['tls'];
}

/** Connection outcomes for AdditionalRootCertificateCheck (M05.FR.13, M05.FR.14). */
function watchConnection(st: Station): void {
  st.link.on('error', (err: Error & { code?: string }) => {
    const s = store(st);
    // [M05.FR.14] [M05.FR.15] [M05.FR.16] the CSMS certificate failed the check: the next attempts may use the fallback root.
    if (securityEventFor(err) === 'InvalidCsmsCertificate' && s.certs.some((c) => c.fallback) && !s.useFallback) {
      s.useFallback = true;
      applyTrust(st);
    }
  });
  st.link.on('open', () => {
    const s = store(st);
    const by = s.verifiedBy;
    s.verifiedBy = undefined;
    const fallback = s.certs.find((c) => c.fallback);
    if (fallback && by && !s.certs.some((c) => c.pem === by && c.fallback)) {
      // [M05.FR.13] connected through the new root: the old (fallback) root is removed; it stays as a chain anchor
      // only when the new root was issued by it (see Store.chainAnchors).
      s.certs = s.certs.filter((c) => c !== fallback);
      if (issuedBy(x509(by), x509(fallback.pem))) s.chainAnchors = [...new Set([...s.chainAnchors, fallback.pem])];
      save(st);
    }
    if (s.useFallback) s.useFallback = false; // the next connection tries the new root first again
    applyTrust(st);
  });
}

export const block: Block = {
  id: 'M',
  name: 'Certificate Management',
  init: (st) => {
    store(st);
    save(st);
    applyTrust(st);
    watchConnection(st);
  },
  handlers: {
    GetInstalledCertificateIds: getInstalled, // [M03.FR.01]
    DeleteCertificate: deleteCertificate, // [M04.FR.01]
    InstallCertificate: installCertificate, // [M05.FR.01]
  },
};
