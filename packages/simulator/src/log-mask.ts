// Log-safe forms of what the simulator prints (console, scenario runner): [C04.FR.04] an IdToken never appears
// in full in any log, a KeyCode (PIN) not at all. The masking rule is the protocol library's (shared with the CSMS).
import { maskIdToken, maskTokenValue as maskValue } from '@chargewire/ocpp';

/** `ISO14443:AA***DD`; `KeyCode:***`; short tokens (≤ 4 characters) fully masked. */
export const maskToken = maskIdToken;

const isToken = (o: Record<string, unknown>): boolean => typeof o.idToken === 'string' && typeof o.type === 'string';

/**
 * A copy of a message payload (or any JSON value) for logging: every IdTokenType ({ idToken, type }: idToken,
 * groupIdToken, Local Authorization List entries, …) masked, the additionalIdToken of AdditionalInfoType too.
 * A bare `idToken` string without its type is masked fully (it might be a KeyCode).
 */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'idToken' && typeof v === 'string') out[k] = isToken(o) ? (o.type === 'KeyCode' ? '***' : maskValue(v)) : '***';
    else if (k === 'additionalIdToken' && typeof v === 'string') out[k] = maskValue(v);
    else out[k] = redact(v);
  }
  return out;
}

/** JSON.stringify of the redacted value. */
export function logJson(value: unknown, space?: number): string {
  return JSON.stringify(redact(value), null, space);
}
