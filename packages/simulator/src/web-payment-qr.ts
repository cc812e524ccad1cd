// The dynamic QR code of OCPP 2.1 use case C25 (ad hoc payment via a web page): the TOTP algorithm version 1 and
// the URL template of WebPaymentsCtrlr.URLTemplate. Pure functions; blocks/payments.ts reads the device model.
import { createHmac } from 'node:crypto';

/**
 * The character set of "TOTP algorithm, version 1", exactly as Part 2 gives it (pseudocode and C# alike): it
 * has no lowercase "o", so it holds 61 characters and the modulo is 61 ("modulo length of base62").
 */
export const TOTP_ALPHABET = '0123456789abcdefghijklmnpqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * TOTP v1: HMAC-SHA256 (key = the shared secret as UTF-8) of the time interval floor(unix seconds / validityTime)
 * as 8 big-endian bytes; characters from hash[(offset + i) mod 32] mod 61, offset = last hash byte AND 0x0F.
 */
export function totpV1(sharedSecret: string, validityTimeS: number, length: number, nowMs: number): string {
  const interval = BigInt(Math.floor(nowMs / 1000 / validityTimeS));
  const timeBytes = Buffer.alloc(8);
  timeBytes.writeBigUInt64BE(interval);
  const hash = createHmac('sha256', Buffer.from(sharedSecret, 'utf8')).update(timeBytes).digest();
  const offset = hash[hash.length - 1]! & 0x0f;
  let out = '';
  for (let i = 0; i < length; i++) out += TOTP_ALPHABET[hash[(offset + i) % hash.length]! % TOTP_ALPHABET.length];
  return out;
}

/**
 * "Validation of TOTP" (the CSMS's side, C25.FR.07): valid when it equals the TOTP of the current, the previous or
 * the next time interval.
 */
export function verifyTotpV1(totp: string, sharedSecret: string, validityTimeS: number, nowMs: number): boolean {
  return [0, -1, 1].some((k) => totpV1(sharedSecret, validityTimeS, totp.length, nowMs + k * validityTimeS * 1000) === totp);
}

/** [C25.FR.50] a URL template needs {chargingstationid} or {roamingevseid}, and {totp} and {version}. */
export function templateProblem(template: string): string | undefined {
  if (!template.includes('{chargingstationid}') && !template.includes('{roamingevseid}')) return 'URLTemplate needs {chargingstationid} or {roamingevseid}';
  if (!template.includes('{totp}')) return 'URLTemplate needs {totp}';
  if (!template.includes('{version}')) return 'URLTemplate needs {version}';
  return undefined;
}

/** The driver's limits entered before the QR code is shown (C25.FR.03). */
export interface QrLimits { maxTime?: number; maxEnergy?: number; maxCost?: number }

/** URL parameter of each limit (C25.FR.04–06, C25.FR.56–58), in the order they are appended. */
export const QR_PARAMETERS: readonly [keyof QrLimits, string][] = [['maxEnergy', 'maxenergy'], ['maxTime', 'maxtime'], ['maxCost', 'maxcost']];

/** Replace the {placeholders} of a template (values URL-encoded) and append the limits as query parameters. */
export function buildQrUrl(template: string, values: Record<string, string>, limits: QrLimits = {}): string {
  let url = template;
  for (const [k, v] of Object.entries(values)) url = url.split(`{${k}}`).join(encodeURIComponent(v));
  const query = QR_PARAMETERS.filter(([f]) => limits[f] !== undefined).map(([f, p]) => `${p}=${encodeURIComponent(String(limits[f]))}`);
  return query.length ? `${url}${url.includes('?') ? '&' : '?'}${query.join('&')}` : url;
}
