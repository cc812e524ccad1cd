// One live station connection as the CSMS sees it: the StationSession of runtime.ts plus the B02/B03
// gate and the bits the core needs (certificate CN for B01.FR.11, in-flight calls for shutdown).
import type { OcppConnection, OcppVersion } from '@chargewire/ocpp';
import type { Logger } from 'pino';
import type { StationSession } from './runtime.ts';
import type { SecurityProfile, StationRecord } from './store/store.ts';
import { BootGate } from './boot-gate.ts';

export interface LiveSession extends StationSession {
  gate: BootGate;
  /** CN of the client certificate (security profile 3). */
  certificateCN?: string;
  /** CALLs the CSMS has sent and not yet seen answered (graceful shutdown waits for them). */
  inflight: Set<Promise<unknown>>;
}

export function createSession(opts: {
  connection: OcppConnection;
  station: StationRecord;
  securityProfile: SecurityProfile;
  log: Logger;
  triggerWindowMs: number;
}): LiveSession {
  const now = new Date();
  const cert = opts.connection.handshake.clientCertificate;
  const cn = cert ? (Array.isArray(cert.subject?.CN) ? cert.subject.CN[0] : cert.subject?.CN) : undefined;
  // A station that reconnects without rebooting sends no new BootNotification (B01.FR.03 is per boot):
  // it keeps the status of its last stored boot.
  const status = opts.station.lastBoot?.status;
  const session: LiveSession = {
    stationId: opts.connection.identity,
    version: opts.connection.version as OcppVersion,
    connection: opts.connection,
    log: opts.log,
    connectedAt: now,
    lastSeen: now,
    bootStatus: status,
    securityProfile: opts.securityProfile,
    gate: new BootGate(status, opts.triggerWindowMs),
    ...(cn ? { certificateCN: cn } : {}),
    inflight: new Set(),
  };
  return session;
}

/** Record a BootNotification answer on the session (both the public field and the gate). */
export function setBootStatus(session: StationSession, status: 'Accepted' | 'Pending' | 'Rejected'): void {
  session.bootStatus = status;
  const live = session as Partial<LiveSession>;
  live.gate?.booted(status);
}
