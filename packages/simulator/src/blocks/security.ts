// A — Security, station side: the connection settings of security profiles 1–3 (A00) and the
// security events raised while connecting (A04: queued, sent once connected and Accepted).
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { Station } from '../station.ts';
import type { StationOptions } from '../station-types.ts';

export class StationConfigError extends Error {
  constructor(readonly code: 'OCPP_ERR_SIM_SECURITY_PROFILE', message: string) { super(message); this.name = 'StationConfigError'; }
}

/** TLS errors that mean the CSMS certificate could not be verified (A00.FR.308 / A00.FR.411). */
const CERT_ERRORS = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Check that url, password and TLS material fit the configured security profile (A00). */
export function checkSecurityProfile(o: StationOptions): void {
  if (o.link || o.securityProfile === undefined) return; // in-memory link, or no profile asked for
  const profile = o.securityProfile;
  const url = o.url ?? 'ws://127.0.0.1:9000/ocpp';
  const fail = (m: string): never => { throw new StationConfigError('OCPP_ERR_SIM_SECURITY_PROFILE', `security profile ${profile}: ${m}`); };
  // [A00.FR.2xx] profile 1 is unsecured transport + Basic auth; profiles 2 and 3 require TLS.
  if (profile >= 2 && !url.startsWith('wss://')) fail('needs a wss:// URL');
  // [A00.FR.202] [A00.FR.301] profiles 1 and 2 authenticate with HTTP Basic auth.
  if (profile <= 2 && o.password === undefined) fail('needs a Basic auth password');
  // [A00.FR.401] profile 3 authenticates with the Charging Station certificate.
  if (profile === 3 && (!o.tls?.cert || !o.tls.key)) fail('needs a client certificate and key (tls.cert, tls.key)');
  if (profile >= 2 && o.tls?.rejectUnauthorized === false) fail('may not skip the CSMS certificate check (A00.FR.308)');
}

/** TLS settings for profiles 2 and 3: TLS 1.2 or above (A00.FR.314 / A00.FR.417), CA check on. */
export function tlsFor(o: StationOptions): StationOptions['tls'] {
  if ((o.securityProfile ?? 1) < 2) return o.tls;
  // [A00.FR.308] [A00.FR.411] verify the CSMS certificate path against the installed CA (never rejectUnauthorized: false).
  return { minVersion: 'TLSv1.2', ...o.tls, rejectUnauthorized: true };
}

/** A failed connection attempt: remember an InvalidCsmsCertificate event (A00.FR.310 / A00.FR.413), once. */
export function onConnectError(st: Station, err: Error & { code?: string }): void {
  if (!err.code || !CERT_ERRORS.has(err.code)) return;
  if (st.securityEvents.some((e) => e.type === 'InvalidCsmsCertificate')) return; // sent once for repeated failures
  st.securityEvents.push({ type: 'InvalidCsmsCertificate', timestamp: new Date(st.clock.now()).toISOString(), techInfo: err.code });
}

/** [A04] send the queued security events once connected and Accepted. */
export async function flushSecurityEvents(st: Station): Promise<void> {
  while (st.securityEvents.length) {
    const ev = st.securityEvents[0]!;
    const r = await st.call('SecurityEventNotification', ev);
    if (!r) return; // stays queued
    st.securityEvents.shift();
  }
}

export type SecurityEvent = OcppTypes.SecurityEventNotificationRequest;

export const block: Block = { id: 'A', name: 'Security', handlers: {} };
