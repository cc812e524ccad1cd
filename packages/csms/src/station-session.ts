// One live station connection as the CSMS sees it: the StationSession of runtime.ts plus the B02/B03
// gate and the bits the core needs (certificate CN for B01.FR.11, in-flight calls for shutdown).
import { RpcError, sharedHandlerTable, type CallContext, type Handler, type OcppConnection, type OcppEndpoint, type OcppVersion } from '@chargewire/ocpp';
import type { Logger } from 'pino';
import type { StationSession } from './runtime.ts';
import type { SecurityProfile, StationRecord } from './store/store.ts';
import { BootGate } from './boot-gate.ts';
import { runGated, type buildDispatchTable } from './dispatch.ts';
import type { CsmsRuntime } from './runtime.ts';

export interface LiveSession extends StationSession {
  gate: BootGate;
  /** CN of the client certificate (security profile 3). */
  certificateCN?: string;
  /** CALLs the CSMS has sent and not yet seen answered (graceful shutdown waits for them); made on first use. */
  inflight?: Set<Promise<unknown>>;
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
  };
  return session;
}

/** Record a BootNotification answer on the session (both the public field and the gate). */
export function setBootStatus(session: StationSession, status: 'Accepted' | 'Pending' | 'Rejected'): void {
  session.bootStatus = status;
  const live = session as Partial<LiveSession>;
  live.gate?.booted(status);
}

/**
 * The dispatch table as one handler table shared by every connection (EndpointOptions.handlers):
 * the same gate and BlockContext as registerHandlers (dispatch.ts), but the session is looked up from
 * the endpoint instead of being captured in a closure per action per connection (memory).
 */
export function sharedSessionHandlers(
  table: ReturnType<typeof buildDispatchTable>,
  csms: CsmsRuntime,
  sessionOf: (endpoint: OcppEndpoint) => LiveSession | undefined,
  track: (running: Promise<unknown>) => void,
): ReadonlyMap<string, Handler> {
  const entries: Array<[string, Handler]> = [];
  for (const [action, { handler }] of table) {
    // Not async: the handler's own promise is returned as is (a refusal throws, and the endpoint's
    // runHandler turns a throw into the same CALLERROR as a rejection).
    entries.push([action, (cctx: CallContext, request: unknown) => {
      const session = sessionOf(cctx.endpoint);
      if (!session) throw new RpcError('InternalError', 'no session for this connection');
      return runGated(csms, session, action, handler, cctx, request, track) as never;
    }]);
  }
  return sharedHandlerTable('csms', entries);
}
