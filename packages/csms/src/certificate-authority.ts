// The certificate authority behind A02/A03 (SignCertificate -> CertificateSigned): parse and check a
// station's PKCS#10 CSR, and issue an X.509 certificate signed by a configured CA (PEM in, PEM out).
// X.509 and PKCS#10 encoding come from pkijs (Node has no API to create them); keys, signatures and
// certificate parsing use WebCrypto and node:crypto. No openssl process is started.
import { createPrivateKey, createPublicKey, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { EC_CURVE_BITS, pemBlocks, toPem } from '@chargewire/ocpp';
import { CsmsError } from './errors.ts';

const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_KEY_USAGE = '2.5.29.15';

/** A CA that signs station certificates: its certificate (chain) and private key. */
export interface CertificateAuthority {
  /** The CA certificate(s) from the file, signing certificate first, as PEM blocks. */
  chainPem: string[];
  cert: pkijs.Certificate;
  x509: X509Certificate;
  key: webcrypto.CryptoKey;
}

/** What the CSMS learns from a CSR. */
export interface ParsedCsr {
  request: pkijs.CertificationRequest;
  commonName: string | undefined;
  organization: string | undefined;
  keyType: 'rsa' | 'ec' | string;
  /** RSA modulus length, or the EC curve's size in bits. */
  keyBits: number;
  /** The CSR's self-signature verifies with its own public key (proof of possession). */
  signatureValid: boolean;
}

function keyInfo(key: KeyObject): { keyType: string; keyBits: number } {
  const d = key.asymmetricKeyDetails ?? {};
  const keyType = key.asymmetricKeyType ?? 'unknown';
  if (keyType === 'rsa' || keyType === 'rsa-pss') return { keyType: 'rsa', keyBits: d.modulusLength ?? 0 };
  if (keyType === 'ec') return { keyType: 'ec', keyBits: EC_CURVE_BITS[d.namedCurve ?? ''] ?? 0 };
  return { keyType, keyBits: 0 };
}

function rdnValue(name: pkijs.RelativeDistinguishedNames, oid: string): string | undefined {
  const v = name.typesAndValues.find((t) => t.type === oid)?.value as { valueBlock?: { value?: unknown } } | undefined;
  return typeof v?.valueBlock?.value === 'string' ? v.valueBlock.value : undefined;
}

/** Parse a PEM CSR (RFC 2986). Throws CsmsError('CSMS_ERR_CSR_INVALID') when it is not one. */
export async function parseCsr(pem: string): Promise<ParsedCsr> {
  const blocks = pemBlocks(pem, 'CERTIFICATE REQUEST');
  if (blocks.length !== 1) throw new CsmsError('CSMS_ERR_CSR_INVALID', `expected one PEM "CERTIFICATE REQUEST" block, found ${blocks.length}`);
  let request: pkijs.CertificationRequest;
  try {
    request = pkijs.CertificationRequest.fromBER(new Uint8Array(blocks[0]!));
  } catch (err) {
    throw new CsmsError('CSMS_ERR_CSR_INVALID', `not a PKCS#10 request: ${(err as Error).message}`);
  }
  let pub: KeyObject;
  try {
    pub = createPublicKey({ key: Buffer.from(request.subjectPublicKeyInfo.toSchema().toBER()), format: 'der', type: 'spki' });
  } catch (err) {
    throw new CsmsError('CSMS_ERR_CSR_INVALID', `unsupported public key: ${(err as Error).message}`);
  }
  let signatureValid = false;
  try {
    signatureValid = await request.verify();
  } catch {
    signatureValid = false;
  }
  return {
    request, signatureValid, ...keyInfo(pub),
    commonName: rdnValue(request.subject, OID_CN), organization: rdnValue(request.subject, OID_O),
  };
}

/**
 * What a station's CSR must satisfy before we sign it; returns the first problem, or undefined.
 * `commonName` undefined = not checked (V2G certificates carry the SECC id, which the CSMS may not know).
 */
export function csrProblem(csr: ParsedCsr, expect: { commonName?: string; organization?: string }): string | undefined {
  if (!csr.signatureValid) return 'the CSR signature does not verify with its public key';
  // [A00.FR.502] RSA keys of at least 2048 bits; [A00.FR.503] EC keys of at least 224 bits
  if (csr.keyType === 'rsa' && csr.keyBits < 2048) return `RSA key of ${csr.keyBits} bits, at least 2048 required (A00.FR.502)`;
  if (csr.keyType === 'ec' && csr.keyBits < 224) return `EC key of ${csr.keyBits || 'unknown'} bits, at least 224 required (A00.FR.503)`;
  if (csr.keyType !== 'rsa' && csr.keyType !== 'ec') return `unsupported key type ${csr.keyType}`;
  // [A00.FR.511] [A00.FR.405] the CN is the station's serial number, i.e. its identity here (B01.FR.11)
  if (expect.commonName !== undefined && csr.commonName !== expect.commonName) return `CSR CN "${csr.commonName ?? ''}" is not the station identity "${expect.commonName}"`;
  // [A00.FR.509] [A00.FR.404] the O is the operator's organisation name
  if (expect.organization && csr.organization !== expect.organization) return `CSR O "${csr.organization ?? ''}" is not the operator organisation "${expect.organization}"`;
  return undefined;
}

function webAlgorithmFor(key: KeyObject): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams {
  const { keyType } = keyInfo(key);
  if (keyType === 'rsa') return { name: 'RSA-PSS', hash: 'SHA-256' }; // [A00.FR.505] RSA-PSS or ECDSA
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const named = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined;
  if (keyType === 'ec' && named) return { name: 'ECDSA', namedCurve: named };
  throw new CsmsError('CSMS_ERR_CA_FILES', `unsupported CA key type ${keyType}${curve ? ` (${curve})` : ''}`);
}

/** Which configuration options name the CA files (for the error messages). */
export interface CaFileNames { cert: string; key: string }
const STATION_CA_NAMES: CaFileNames = { cert: 'certificates.caCertFile', key: 'certificates.caKeyFile' };

/**
 * Load the signing CA from PEM files and check that it can sign: the files are readable, the certificate file
 * holds X.509 certificates, the first one is a CA certificate, the key belongs to it, and every certificate in
 * the file is valid at `now`. Throws CsmsError('CSMS_ERR_CA_FILES') with the reason.
 */
export async function loadCertificateAuthority(certFile: string, keyFile: string, o: { names?: CaFileNames; now?: number } = {}): Promise<CertificateAuthority> {
  const names = o.names ?? STATION_CA_NAMES;
  const fail = (why: string): never => {
    throw new CsmsError('CSMS_ERR_CA_FILES', why, { certFile, keyFile });
  };
  const read = (f: string, what: string): string => {
    try {
      return readFileSync(f, 'utf8');
    } catch (err) {
      return fail(`cannot read ${what} ${f}: ${(err as Error).message}`);
    }
  };
  const certs = pemBlocks(read(certFile, names.cert), 'CERTIFICATE');
  if (!certs.length) fail(`${names.cert} ${certFile}: no PEM "CERTIFICATE" block`);
  const chain = certs.map((der, i) => {
    try {
      return new X509Certificate(der);
    } catch (err) {
      return fail(`${names.cert} ${certFile}: certificate ${i + 1} is not an X.509 certificate: ${(err as Error).message}`);
    }
  });
  let key: KeyObject;
  try {
    key = createPrivateKey(read(keyFile, names.key));
  } catch (err) {
    if (err instanceof CsmsError) throw err;
    return fail(`${names.key} ${keyFile}: not a PEM private key: ${(err as Error).message}`);
  }
  const x509 = chain[0]!;
  if (!x509.ca) fail(`${names.cert} ${certFile}: the first certificate (${x509.subject.replace(/\n/g, ', ')}) is not a CA certificate (basicConstraints cA)`);
  if (!x509.checkPrivateKey(key)) fail(`${names.key} ${keyFile} does not belong to the first certificate in ${names.cert} ${certFile}`);
  const now = o.now ?? Date.now();
  for (const [i, c] of chain.entries()) {
    const which = `${names.cert} ${certFile}: certificate ${i + 1} (${c.subject.replace(/\n/g, ', ')})`;
    if (new Date(c.validTo).getTime() <= now) fail(`${which} expired ${new Date(c.validTo).toISOString()}`);
    if (new Date(c.validFrom).getTime() > now) fail(`${which} is not valid before ${new Date(c.validFrom).toISOString()}`);
  }
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const cryptoKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, webAlgorithmFor(key), false, ['sign']);
  return { chainPem: certs.map((c) => toPem(c, 'CERTIFICATE')), cert: pkijs.Certificate.fromBER(new Uint8Array(certs[0]!)), x509, key: cryptoKey };
}

/** Clock skew allowed for: the certificate is valid from a few minutes before issuance (A02.FR.06 note). */
export const BACKDATE_MS = 5 * 60_000;

/**
 * Issue a certificate for the CSR, signed by the CA; returns the PEM chain (the new certificate, then the
 * CA file's certificates). The CSR's subject and public key are copied unchanged.
 */
export async function issueCertificate(ca: CertificateAuthority, csr: ParsedCsr, o: { validityDays: number; now?: Date }): Promise<string> {
  const now = o.now ?? new Date();
  const cert = new pkijs.Certificate();
  cert.version = 2;
  // [A00.FR.508] a serial number: 16 random bytes, positive (RFC 5280 4.1.2.2)
  const serial = webcrypto.getRandomValues(new Uint8Array(16));
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  cert.issuer = ca.cert.subject;
  cert.subject = csr.request.subject;
  cert.subjectPublicKeyInfo = csr.request.subjectPublicKeyInfo;
  cert.notBefore.value = new Date(now.getTime() - BACKDATE_MS);
  // never outlive the CA certificate
  const caEnd = new Date(ca.x509.validTo).getTime();
  cert.notAfter.value = new Date(Math.min(now.getTime() + o.validityDays * 86_400_000, caEnd));
  // [A00.FR.512] Key Usage restricts the certificate to TLS client authentication (RSA: key transport;
  // EC: key agreement); [A00.FR.514] no Extended Key Usage.
  const usage = csr.keyType === 'rsa' ? { byte: 0xa0, unused: 5 } : { byte: 0x88, unused: 3 };
  cert.extensions = [
    new pkijs.Extension({ extnID: OID_BASIC_CONSTRAINTS, critical: true, extnValue: new pkijs.BasicConstraints({ cA: false }).toSchema().toBER(false) }),
    new pkijs.Extension({ extnID: OID_KEY_USAGE, critical: true, extnValue: new asn1js.BitString({ valueHex: new Uint8Array([usage.byte]), unusedBits: usage.unused }).toBER(false) }),
  ];
  // [A00.FR.506] SHA-256
  await cert.sign(ca.key as CryptoKey, 'SHA-256');
  // [A00.FR.507] X.509 in PEM
  return [toPem(cert.toSchema().toBER(false), 'CERTIFICATE'), ...ca.chainPem].join('');
}
