// Connection authentication before the WebSocket upgrade completes (A00): unknown identity -> 404,
// wrong credentials or wrong security profile -> 401. Quick-start mode registers unknown stations.
import type { TLSSocket, PeerCertificate } from 'node:tls';
import type { AuthResult, HandshakeInfo } from '@chargewire/ocpp';
import type { Logger } from 'pino';
import type { Store, SecurityProfile, StationRecord } from './store/store.ts';
import { StoreError } from './store/store.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { expiredCertAllowedOn } from './tls.ts';

export interface AuthOptions {
  store: Store;
  log: Logger;
  mode: 'quickstart' | 'production';
  /** Required O (organizationName) in station certificates (A00.FR.404); '' = not checked. */
  operatorOrg: string;
}

/** What authenticate() hands to the session (OcppConnection.context). */
export interface AuthContext {
  securityProfile: SecurityProfile;
  station: StationRecord;
  /**
   * [A00.FR.429] admitted with an expired client certificate: BootNotification is answered Pending and
   * the station is asked to renew its certificate (provisioning.ts).
   */
  certificateExpired?: boolean;
  /** CN of the client certificate when the TLS layer did not verify it (the expired case). */
  certificateCN?: string;
}

/** OpenSSL's verdicts for a certificate outside its validity period. */
const EXPIRED = 'CERT_HAS_EXPIRED';
const NOT_YET_VALID = 'CERT_NOT_YET_VALID';

interface PeerCheck {
  cert?: PeerCertificate;
  /** Why the TLS layer did not verify the certificate (only when the listener lets the handshake finish). */
  verifyError?: string;
}

/** The client certificate and, when the listener does not refuse unverified ones itself, the TLS verdict. */
function peerOf(info: HandshakeInfo): PeerCheck {
  if (info.clientCertificate) return { cert: info.clientCertificate };
  const sock = info.request?.socket as TLSSocket | undefined;
  if (!sock || typeof sock.getPeerCertificate !== 'function') return {};
  const c = sock.getPeerCertificate();
  const cert = c && Object.keys(c).length ? c : undefined;
  if (sock.authorized) return cert ? { cert } : {};
  return { ...(cert ? { cert } : {}), verifyError: String(sock.authorizationError ?? 'certificate not verified') };
}

const deny = (status: 401 | 404, message: string): AuthResult => ({ ok: false, status, message });

/** The certificate checks of profile 3; returns a reason when the certificate does not fit the station. */
export function checkClientCertificate(info: HandshakeInfo, operatorOrg: string): string | undefined {
  const cert = info.clientCertificate;
  // [A00.FR.407] no valid certificate (the TLS layer already refused invalid chains, A00.FR.403) -> terminate
  if (!cert) return 'no valid client certificate';
  const cn = firstOf(cert.subject?.CN);
  // [A00.FR.405] the CN must be the station's identity (its serial number)
  if (cn !== info.identity) return `certificate CN "${cn ?? ''}" does not match identity "${info.identity}"`;
  // [A00.FR.404] the O must name the CSO
  if (operatorOrg && firstOf(cert.subject?.O) !== operatorOrg) return `certificate O does not match the operator "${operatorOrg}"`;
  return undefined;
}

function firstOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Authenticate one upgrade request arriving on a listener of security profile `profile`
 * (1 = ws + Basic; 2 = wss + Basic; 3 = wss + client cert). A station registered without a
 * password (securityProfile 0, quick start) connects without credentials.
 */
export async function authenticateStation(o: AuthOptions, info: HandshakeInfo, profile: SecurityProfile): Promise<AuthResult> {
  const id = info.identity;
  const basic = info.basic;
  let expired: { cn: string } | undefined;
  if (profile === 3) {
    const peer = peerOf(info);
    if (peer.verifyError) {
      const allowed = expiredCertAllowedOn((info.request?.socket as { server?: unknown } | undefined)?.server);
      // [A00.FR.429] an expired certificate, of a station the CSMS is explicitly configured to admit with one
      if (peer.verifyError === EXPIRED && peer.cert && allowed?.has(id)) {
        o.log.warn({ stationId: id, validTo: peer.cert.valid_to }, 'expired client certificate accepted for this station (A00.FR.429): boot Pending, certificate renewal requested');
        expired = { cn: firstOf(peer.cert.subject?.CN) ?? '' };
      } else {
        // [A00.FR.407] no valid certificate (expired, not yet valid, unknown CA, ...): terminate before the upgrade
        const reason = peer.verifyError === EXPIRED ? 'client certificate has expired'
          : peer.verifyError === NOT_YET_VALID ? 'client certificate is not yet valid'
            : `client certificate not valid (${peer.verifyError})`;
        await recordInvalidCertificate(o, id, reason);
        return deny(401, reason);
      }
    }
    const problem = checkClientCertificate({ ...info, ...(peer.cert ? { clientCertificate: peer.cert } : {}) }, o.operatorOrg);
    if (problem) {
      o.log.warn({ stationId: id, reason: problem }, 'client certificate refused');
      await recordInvalidCertificate(o, id, problem);
      return deny(401, problem);
    }
  }
  let station = await o.store.getStation(id);
  if (!station) {
    if (o.mode === 'production') return deny(404, `unknown station ${id}`);
    // Quick start: trust on first use, with the credentials it presents (or none).
    const effective: SecurityProfile = profile === 3 ? 3 : basic ? profile : 0;
    if (basic && basic.username !== id) return deny(401, 'Basic auth username must equal the station identity');
    try {
      station = await o.store.registerStation({
        id,
        securityProfile: effective,
        ...(basic && effective !== 3 ? { passwordHash: await hashPassword(basic.password) } : {}),
        description: 'registered on first connect (quick-start mode)',
      });
    } catch (err) {
      if (!(err instanceof StoreError && err.code === 'STORE_ERR_CONFLICT')) throw err;
      station = await o.store.getStation(id); // a parallel first connect registered it
      if (!station) throw err;
    }
    o.log.warn({ stationId: id, securityProfile: effective }, 'unknown station registered on first connect (quick-start mode; set CHARGEWIRE_MODE=production to refuse)');
    return { ok: true, context: { securityProfile: effective, station, ...(expired && { certificateExpired: true, certificateCN: expired.cn }) } satisfies AuthContext };
  }
  // [A00.FR.002] a station may not connect with a lower profile than the one configured for it
  if (profile < station.securityProfile) {
    return deny(401, `station ${id} requires security profile ${station.securityProfile}`);
  }
  if (profile === 3) {
    return { ok: true, context: { securityProfile: 3, station, ...(expired && { certificateExpired: true, certificateCN: expired.cn }) } satisfies AuthContext };
  }
  if (!station.passwordHash) {
    // A station registered without a password (quick start, profile 0): nothing to check.
    if (station.securityProfile === 0) return { ok: true, context: { securityProfile: 0, station } satisfies AuthContext };
    return deny(401, `station ${id} has no password registered`);
  }
  // [A00.FR.204] [A00.FR.303] the username is the identity
  if (!basic || basic.username !== id) return deny(401, 'Basic authentication with the station identity as username required');
  // [A00.FR.207] [A00.FR.324] identity and password must match what is registered
  if (!(await verifyPassword(basic.password, station.passwordHash))) return deny(401, 'wrong credentials');
  return { ok: true, context: { securityProfile: profile, station } satisfies AuthContext };
}

/** [A00.FR.408] log a security event InvalidChargingStationCertificate (for a registered station). */
async function recordInvalidCertificate(o: AuthOptions, stationId: string, techInfo: string): Promise<void> {
  o.log.warn({ stationId, reason: techInfo }, 'InvalidChargingStationCertificate');
  try {
    if (await o.store.getStation(stationId)) {
      await o.store.appendSecurityEvent(stationId, { type: 'InvalidChargingStationCertificate', timestamp: new Date().toISOString(), techInfo: techInfo.slice(0, 255) });
    }
  } catch (err) {
    o.log.error({ err, stationId }, 'could not store the InvalidChargingStationCertificate security event');
  }
}
