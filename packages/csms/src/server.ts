// The listeners: plain ws:// (security profile 1), wss:// with Basic auth (2) and wss:// with client
// certificates (3), each on its own port (A00.FR.006), all feeding one OcppServer so a newer connection
// of an identity replaces the older one whatever port either came in on.
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { OcppServer } from '@chargewire/ocpp';
import type { CsmsConfig } from './config.ts';
import type { SecurityProfile } from './store/store.ts';
import { createTlsServer } from './tls.ts';
import { CsmsError } from './errors.ts';

export interface Listener {
  profile: 1 | 2 | 3;
  server: Server;
  port(): number;
}

const profileOfRequest = new WeakMap<IncomingMessage, SecurityProfile>();
/** The security profile of the listener an upgrade request came in on. */
export function listenerProfile(req: IncomingMessage): SecurityProfile {
  return profileOfRequest.get(req) ?? 1;
}

function plainServer(): Server {
  return createHttpServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
    res.end('OCPP-J: connect with a WebSocket upgrade to /ocpp/<identity>\n');
  });
}

export function createListeners(cfg: CsmsConfig, ocpp: OcppServer, accepting: () => boolean): Listener[] {
  const out: Listener[] = [];
  const add = (profile: 1 | 2 | 3, server: Server, wanted: number): void => {
    if (wanted < 0) return;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!accepting()) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      profileOfRequest.set(req, profile);
      ocpp.handleUpgrade(req, socket, head);
    });
    // A TLS handshake failure (wrong version, no common cipher, bad client certificate) ends the socket:
    // [A00.FR.315] [A00.FR.322] [A00.FR.407] the CSMS terminates the connection.
    server.on('tlsClientError', () => {});
    out.push({ profile, server, port: () => (server.address() as AddressInfo | null)?.port ?? wanted });
  };
  add(1, plainServer(), cfg.ocpp.port);
  if (cfg.tls.port >= 0) add(2, createTlsServer(cfg.tls, 2) as unknown as Server, cfg.tls.port);
  if (cfg.tls.mtlsPort >= 0) add(3, createTlsServer(cfg.tls, 3) as unknown as Server, cfg.tls.mtlsPort);
  return out;
}

export function listen(server: Server, port: number, host: string, what: string, backlog = 511): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(new CsmsError('CSMS_ERR_LISTEN', `${what}: cannot listen on ${host}:${port}: ${err.message}`));
    server.once('error', onError);
    server.listen({ port, host, backlog }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections?.();
  });
}
