// Log-safe forms of id tokens, one rule for the CSMS and the simulator: [C04.FR.04] an IdToken never appears in
// full in any log, a KeyCode (PIN) not at all.
import type { IdTokenType } from './generated/types.ts';

/** `AA***DD`; values of 4 characters or fewer are fully masked (`***`). */
export function maskTokenValue(v: string): string {
  return v.length <= 4 ? '***' : `${v.slice(0, 2)}***${v.slice(-2)}`;
}

/** `ISO14443:AA***DD`; `KeyCode:***`. */
export function maskIdToken(t: Pick<IdTokenType, 'idToken' | 'type'>): string {
  return t.type === 'KeyCode' ? 'KeyCode:***' : `${t.type}:${maskTokenValue(t.idToken)}`;
}
