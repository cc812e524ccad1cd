// X.509 for the station's certificate renewal (A02/A03): a fresh key pair and PKCS#10 CSR (pkijs
// encodes it; Node has no CSR API), and the checks of a signed certificate chain (node:crypto).
import { createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { EC_CURVE_BITS as CURVE_BITS, pemBlocks, toPem } from '@chargewire/ocpp';

// (security.ts and the tests take the PEM helpers from here)
export { pemBlocks, toPem };

const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';

/** One RDN per attribute (O, then CN), as OpenSSL writes `/O=…/CN=…` (pkijs would put them in one multi-valued RDN). */
function distinguishedName(attrs: Array<[string, string]>): pkijs.RelativeDistinguishedNames {
  const seq = new asn1js.Sequence({
    value: attrs.map(([type, value]) => new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) }).toSchema()] })),
  });
  return pkijs.RelativeDistinguishedNames.fromBER(seq.toBER(false));
}

export interface NewCsr {
  csrPem: string;
  /** PKCS#8 PEM; stays on the station (A02.FR.05). */
  keyPem: string;
}

/**
 * [A02.FR.02] [A03.FR.02] a new key pair (EC P-256: 128-bit security, A00.FR.501/503) and
 * [A02.FR.03] [A03.FR.03] its CSR (RFC 2986, PEM) with subject O = organization, CN = commonName.
 */
export async function createCsr(subject: { commonName: string; organization: string }): Promise<NewCsr> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const csr = new pkijs.CertificationRequest();
  csr.subject = distinguishedName([...(subject.organization ? [[OID_O, subject.organization] as [string, string]] : []), [OID_CN, subject.commonName]]);
  await csr.subjectPublicKeyInfo.importKey(keys.publicKey as CryptoKey);
  await csr.sign(keys.privateKey as CryptoKey, 'SHA-256'); // [A00.FR.506]
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { csrPem: toPem(csr.toSchema().toBER(false), 'CERTIFICATE REQUEST'), keyPem: toPem(pkcs8, 'PRIVATE KEY') };
}

/** Subject attributes of a certificate ("CN=x\nO=y" as Node prints it). */
export function subjectOf(cert: X509Certificate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of cert.subject.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && !(line.slice(0, i) in out)) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** The certificates of a PEM text, in order (throws when a block is not a certificate). */
export function parseCertificates(pem: string | Buffer): X509Certificate[] {
  return pemBlocks(String(pem), 'CERTIFICATE').map((der) => new X509Certificate(der));
}

/** The first certificate of a PEM text; later blocks are not read. Throws when there is none or it is not a certificate. */
export function firstCertificate(pem: string | Buffer): X509Certificate {
  const der = pemBlocks(String(pem), 'CERTIFICATE')[0];
  if (!der) throw new RangeError('no CERTIFICATE block');
  return new X509Certificate(der);
}

/** `now` (ms) lies within the validity period of the certificate, notBefore and notAfter included (RFC 5280 4.1.2.5). */
export function validAt(cert: X509Certificate, now: number): boolean {
  return now >= Date.parse(cert.validFrom) && now <= Date.parse(cert.validTo);
}

/**
 * `cert` was issued by `issuer` (RFC 5280 6.1.3): the issuer's name (and key identifiers, key usage) fit, and
 * the signature verifies with the issuer's public key.
 */
export function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/** A self-signed certificate: issued by itself, signature included. */
export const selfSigned = (cert: X509Certificate): boolean => issuedBy(cert, cert);

/**
 * The first broken link of a chain (leaf first): certificate `index` is not issued by the next one, by name
 * (`signature` false) or by signature (`signature` true).
 */
export function brokenLink(chain: readonly X509Certificate[]): { index: number; signature: boolean } | undefined {
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!chain[i]!.checkIssued(chain[i + 1]!)) return { index: i, signature: false };
    if (!chain[i]!.verify(chain[i + 1]!.publicKey)) return { index: i, signature: true };
  }
  return undefined;
}

/** Of `anchors`, the one that issued `cert` (signature verified); `named`: some anchor at least has the issuer's name. */
export function findIssuer(cert: X509Certificate, anchors: readonly X509Certificate[]): { issuer?: X509Certificate; named: boolean } {
  const named = anchors.filter((a) => cert.checkIssued(a));
  const issuer = named.find((a) => cert.verify(a.publicKey));
  return { ...(issuer ? { issuer } : {}), named: named.length > 0 };
}

export interface ChainCheck {
  /** Private key (PEM) of the outstanding CSR. */
  keyPem: string;
  now: number;
  /** Trusted CSO root/sub-CA certificates (PEM texts). */
  anchors: ReadonlyArray<string | Buffer>;
  commonName?: string;
  organization?: string;
}

/** [A02.FR.06] [A03.FR.06] checks of a CertificateSignedRequest chain; returns the first problem, or undefined. */
export function certificateChainProblem(chainPem: string, o: ChainCheck): string | undefined {
  let chain: X509Certificate[];
  try {
    chain = parseCertificates(chainPem);
  } catch (err) {
    return `not an X.509 certificate: ${(err as Error).message}`;
  }
  const leaf = chain[0];
  if (!leaf) return 'no PEM certificate in certificateChain'; // [A00.FR.507]
  // the certificate must be for the key pair of our CSR
  try {
    if (!leaf.checkPrivateKey(createPrivateKey(o.keyPem))) return 'the certificate is not for the key of the CSR';
  } catch {
    return 'the certificate is not for the key of the CSR';
  }
  // the current date is within the validity period (of every certificate in the chain)
  for (const c of chain) {
    if (validAt(c, o.now)) continue;
    return o.now < Date.parse(c.validFrom) ? `certificate ${subjectOf(c).CN ?? ''} not valid before ${c.validFrom}` : `certificate ${subjectOf(c).CN ?? ''} expired ${c.validTo}`;
  }
  // Certificate Properties (A00.FR.5xx)
  const subject = subjectOf(leaf);
  if (o.commonName !== undefined && subject.CN !== o.commonName) return `CN "${subject.CN ?? ''}" is not "${o.commonName}" (A00.FR.511)`;
  if (o.organization && subject.O !== o.organization) return `O "${subject.O ?? ''}" is not "${o.organization}" (A00.FR.509)`;
  const d = leaf.publicKey.asymmetricKeyDetails ?? {};
  const type = leaf.publicKey.asymmetricKeyType;
  if ((type === 'rsa' || type === 'rsa-pss') && (d.modulusLength ?? 0) < 2048) return 'RSA key under 2048 bits (A00.FR.502)';
  if (type === 'ec' && (CURVE_BITS[d.namedCurve ?? ''] ?? 0) < 224) return 'EC key under 224 bits (A00.FR.503)';
  if (leaf.ca) return 'the certificate is a CA certificate';
  // part of the CSO hierarchy (Certificate Hierarchy): each certificate issued by the next, the last by a trusted CA
  const broken = brokenLink(chain);
  if (broken) return `certificate ${broken.index} of the chain is not signed by certificate ${broken.index + 1}`;
  const anchors = o.anchors.flatMap((a) => parseCertificates(a));
  if (!anchors.length) return 'no CSO root certificate installed to verify the chain against';
  const top = chain[chain.length - 1]!;
  const trusted = anchors.some((a) => a.fingerprint256 === top.fingerprint256) || findIssuer(top, anchors).issuer !== undefined;
  if (!trusted) return 'the chain does not lead to an installed CSO root certificate';
  return undefined;
}
