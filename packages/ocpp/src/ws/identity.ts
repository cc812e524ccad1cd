// Part 4 §3.1.1: the station identity is the last path segment of the connection URL, percent-decoded,
// an identifierString (Part 2 §2.1.4) without ':' (it is the Basic-auth username), at most 48 characters.
export const MAX_IDENTITY_LENGTH = 48;
const IDENTITY_CHARS = /^[A-Za-z0-9*\-_=+|@.]+$/;

export type IdentityResult = { ok: true; identity: string; prefix: string } | { ok: false; reason: string };

export function parseIdentity(url: string | undefined): IdentityResult {
  if (!url) return { ok: false, reason: 'no request URL' };
  const path = url.split('?')[0] ?? '';
  const trimmed = path;
  const cut = trimmed.lastIndexOf('/');
  const segment = trimmed.slice(cut + 1);
  if (!segment) return { ok: false, reason: 'no station identity in the URL path' };
  let identity: string;
  try {
    identity = decodeURIComponent(segment);
  } catch {
    return { ok: false, reason: 'identity is not valid percent-encoding' };
  }
  if (identity.length > MAX_IDENTITY_LENGTH) return { ok: false, reason: `identity longer than ${MAX_IDENTITY_LENGTH} characters` };
  if (identity.includes(':')) return { ok: false, reason: "identity contains ':'" };
  if (!IDENTITY_CHARS.test(identity)) return { ok: false, reason: 'identity has characters outside identifierString' };
  return { ok: true, identity, prefix: trimmed.slice(0, cut) || '/' };
}

/** Parse an `Authorization: Basic …` header. The password is UTF-8 (security profiles 1 and 2). */
export function parseBasicAuth(header: string | undefined): { username: string; password: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}
