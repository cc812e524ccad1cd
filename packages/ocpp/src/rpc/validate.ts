// Schema validation of payloads against the precompiled validators of the negotiated version.
import { validators } from '../generated/validators.js';
import { actions } from '../generated/actions.ts';
import { schemaErrorToRpcError, type RpcError } from './errors.ts';
import type { OcppVersion } from './frame.ts';

export type PayloadKind = 'request' | 'response';

/** Is `action` an OCPP action of `version`? */
export function isActionOf(version: OcppVersion, action: string): boolean {
  const meta = (actions as Record<string, { versions: readonly string[] }>)[action];
  return meta !== undefined && meta.versions.includes(version);
}

/** Validate a payload; returns null when valid, else an RpcError whose code follows Part 4 Table 9. */
export function validatePayload(
  version: OcppVersion,
  action: string,
  kind: PayloadKind,
  payload: unknown,
): RpcError | null {
  const v = validators[version]?.[action]?.[kind];
  if (!v) return null;
  if (v(payload)) return null;
  const first = v.errors?.[0];
  if (!first) return null;
  return schemaErrorToRpcError(first, `${action}${kind === 'request' ? 'Request' : 'Response'}`);
}
