// Block A, CSMS-initiated: A01 Update Charging Station Password for HTTP Basic Authentication
// (security profiles 1 and 2). The REST route POST /api/stations/:id/password calls this.
//
// Which variable carries the password (2.0.1 and 2.1 alike): SecurityCtrlr.BasicAuthPassword via
// SetVariables. For 2.0.1 that is the only way (A01.FR.02). For 2.1 we weighed B09.FR.14/26/27:
// - B09.FR.14 (SHOULD): use SetNetworkProfile to set the password. But SetNetworkProfile is deprecated
//   in 2.1 (B09 remark), needs the whole connection profile (URL, slot, interface, timeout) that the
//   CSMS does not necessarily know, and only takes effect at the next reconnect;
// - the 2.1 alternative, SetVariables NetworkConfiguration.BasicAuthPassword[slot], is forbidden for the
//   slots in NetworkConfigurationPriority (B09.FR.21, SHALL NOT; the station answers Rejected/
//   ActiveNetworkConf per B09.FR.22), i.e. for exactly the slot whose password we rotate;
// - A01.FR.02 (SHALL, unchanged in 2.1) names SetVariables with BasicAuthPassword, and errata 2025-09
//   B09.FR.27 makes a station that gets SecurityCtrlr.BasicAuthPassword clear the password of the active
//   NetworkConnectionProfile/NetworkConfiguration so the SecurityCtrlr value is the one used.
// So rotating the password of the live connection goes through SecurityCtrlr.BasicAuthPassword in 2.1
// too; B09.FR.14's SetNetworkProfile route stays the tool for preparing another slot (B09/B10
// helpers in provisioning-commands.ts).
import { randomBytes } from 'node:crypto';
import type { SetVariableStatusEnumType } from '@chargewire/ocpp/types';
import type { CsmsRuntime } from '../runtime.ts';
import { hashPassword } from '../password.ts';

/** [A00.FR.205] minimum length; the maximum is the station's BasicAuthPassword maxLimit (40..64). */
export const MIN_PASSWORD_LENGTH = 16;
/** Longest password every station accepts ([A00.FR.205]: maxLimit is at least 40). */
export const SAFE_MAX_PASSWORD_LENGTH = 40;
/** Longest password any station may accept ([A00.FR.205]: maxLimit is at most 64). */
export const MAX_PASSWORD_LENGTH = 64;

/**
 * [A01.FR.07] a random password from the CSPRNG: 24 bytes (192 bits) as base64url, 32 characters,
 * inside 16..40 so every station's maxLimit admits it ([A00.FR.205]).
 */
export function generateStationPassword(): string {
  return randomBytes(24).toString('base64url');
}

export interface RotateResult {
  /** The station's attributeStatus for SecurityCtrlr.BasicAuthPassword. */
  status: SetVariableStatusEnumType;
  /** true when the stored hash was replaced (status Accepted). */
  rotated: boolean;
  /** The password sent; the caller shows it once when it was generated and never logs it. */
  password: string;
  generated: boolean;
}

/**
 * A01: send a new BasicAuthPassword to a connected station and, on Accepted, make it the only one the
 * CSMS accepts. The caller checks the prerequisite (station on security profile 1 or 2).
 * Failures to reach the station (offline, timeout, CALLERROR) reject with the runtime's error and
 * leave the stored hash unchanged.
 */
export async function rotateStationPassword(runtime: CsmsRuntime, stationId: string, opts: { password?: string } = {}): Promise<RotateResult> {
  const generated = opts.password === undefined;
  // [A01.FR.06] [A01.FR.07] a fresh random password per station unless the operator supplies one
  const password = opts.password ?? generateStationPassword();
  // Hash before sending: once the station has Accepted, nothing may fail before the store write.
  // [A01.FR.08] only the salted scrypt hash is kept
  const hash = await hashPassword(password);
  // [A01.FR.02] SetVariablesRequest with SecurityCtrlr.BasicAuthPassword (see the header for 2.1).
  // Not through setVariables() in provisioning-commands.ts: that one records the sent value in the
  // device-model store, and the password must not be stored in clear text.
  const res = await runtime.callStation(stationId, 'SetVariables', {
    setVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: password }],
  });
  const result = res.setVariableResult.find((r) => r.component.name === 'SecurityCtrlr' && r.variable.name === 'BasicAuthPassword') ?? res.setVariableResult[0];
  const status = result?.attributeStatus ?? 'Rejected';
  const rotated = status === 'Accepted';
  // [A01.FR.03] Accepted: the new hash replaces the old one, so the old password stops working
  if (rotated) await runtime.store.setStationPasswordHash(stationId, hash);
  // [A01.FR.04] any other status (RebootRequired included): the station kept its password; so do we
  // [A01.FR.09] the log line carries the outcome, never the password
  runtime.log.info({ stationId, status, rotated, generated }, rotated ? 'station BasicAuthPassword rotated' : 'station refused the new BasicAuthPassword; old one still valid');
  return { status, rotated, password, generated };
}
