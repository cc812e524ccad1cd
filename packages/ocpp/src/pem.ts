// PEM text <-> DER bytes (RFC 7468) and the key-size table of the certificate checks, shared by the CSMS
// (its certificate authority, A02/A03) and the simulator (CSR and certificate chain checks).

/** All PEM blocks of one label (CERTIFICATE, CERTIFICATE REQUEST, PRIVATE KEY) in a text, in order, as DER. */
export function pemBlocks(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

/** DER bytes as one PEM block of `label`, base64 in lines of 64 characters. */
export function toPem(der: ArrayBuffer | Uint8Array, label: string): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * Size in bits of the named EC curves (OpenSSL and WebCrypto names), for A00.FR.503 (EC keys of at least
 * 224 bits). An unknown curve is absent (treat as 0 bits).
 */
export const EC_CURVE_BITS: Readonly<Record<string, number>> = {
  prime256v1: 256, 'P-256': 256, secp384r1: 384, 'P-384': 384, secp521r1: 521, 'P-521': 521, secp224r1: 224, secp256k1: 256,
};
