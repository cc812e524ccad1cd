// The CSMS side of OCPP-J over WebSocket (Part 4 §3): upgrade handling with identity from the URL,
// authentication before the upgrade completes (401/404), subprotocol negotiation, permessage-deflate.
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket, PeerCertificate } from 'node:tls';
import { WebSocketServer, type PerMessageDeflateOptions, type WebSocket } from 'ws';
import type { OcppVersion } from '../rpc/frame.ts';
import type { EndpointHooks, LoggerLike } from '../rpc/hooks.ts';
import type { Handler, OcppEndpoint } from '../rpc/endpoint.ts';
import { resolveLimits, type Limits } from '../rpc/limits.ts';
import { bindWebSocket } from './ws-transport.ts';
import { chooseSubprotocol, versionOf } from './subprotocol.ts';
import { parseBasicAuth, parseIdentity } from './identity.ts';

export interface HandshakeInfo {
  identity: string;
  /** Path before the identity, e.g. "/ocpp". */
  prefix: string;
  request: IncomingMessage;
  /** From `Authorization: Basic` (security profiles 1 and 2). */
  basic?: { username: string; password: string };
  /** The verified client certificate on a TLS socket (security profile 3). */
  clientCertificate?: PeerCertificate;
  remoteAddress?: string;
  offeredSubprotocols: string[];
}

export type AuthResult =
  | { ok: true; context?: unknown }
  | { ok: false; status: 400 | 401 | 403 | 404 | 503; message?: string };

/**
 * The handshake as kept for the life of a connection: without the HTTP upgrade request (its headers
 * and buffers would stay referenced by every idle connection); `authenticate` still gets the request.
 */
export type ConnectionHandshake = Omit<HandshakeInfo, 'request'>;

export interface OcppConnection {
  identity: string;
  version: OcppVersion;
  endpoint: OcppEndpoint;
  handshake: ConnectionHandshake;
  /** The per-connection logger from `logger()` (built once, shared with the endpoint). */
  log?: LoggerLike;
  /** Whatever authenticate() returned as context. */
  context: unknown;
  connectedAt: number;
}

/** Tuned so that compression costs little: no context takeover, small windows, ~1 KB threshold. */
export const defaultDeflate: PerMessageDeflateOptions = {
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
  serverMaxWindowBits: 10,
  clientMaxWindowBits: 10,
  zlibDeflateOptions: { level: 1, memLevel: 7 },
  threshold: 1024,
  concurrencyLimit: 8,
};

export interface OcppServerOptions {
  /** Our versions in order of preference (default ['2.1', '2.0.1']). */
  versions?: OcppVersion[];
  limits?: Partial<Limits>;
  validate?: boolean;
  /** permessage-deflate (Required for a CSMS by Part 4 §3.4): true = defaultDeflate. Default true. */
  compression?: boolean | PerMessageDeflateOptions;
  /** Decide before the upgrade completes. Default: accept everyone. */
  authenticate?(info: HandshakeInfo): AuthResult | Promise<AuthResult>;
  /** A station connected and negotiated a version: register handlers here. */
  onConnection(conn: OcppConnection): void;
  /** Per-connection hooks (journal, metrics). */
  hooks?(identity: string): EndpointHooks | undefined;
  /**
   * A handler table shared by every connection of a version (built once; see EndpointOptions.handlers),
   * instead of registering handlers per connection in onConnection.
   */
  handlers?(version: OcppVersion): ReadonlyMap<string, Handler>;
  /** Per-connection logger (e.g. a pino child with { stationId }). */
  logger?(identity: string, version: OcppVersion): LoggerLike | undefined;
  log?: LoggerLike;
}

export interface OcppServer {
  /** Use as the `upgrade` listener of an http(s) server. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Listen for upgrades on an http(s) server. */
  attach(server: HttpServer): void;
  readonly connections: ReadonlyMap<string, OcppConnection>;
  /** Close every connection (code 1001 going away) and stop. */
  close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' };

function destroySocket(this: Duplex): void {
  this.destroy();
}

function reject(socket: Duplex, status: number, message?: string): void {
  const body = message ?? STATUS_TEXT[status] ?? 'Error';
  const extra = status === 401 ? 'WWW-Authenticate: Basic realm="OCPP", charset="UTF-8"\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\n${extra}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function createOcppServer(opts: OcppServerOptions): OcppServer {
  const versions = opts.versions ?? ['2.1', '2.0.1'];
  const limits = resolveLimits(opts.limits);
  const compression = opts.compression ?? true;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPayloadBytes,
    perMessageDeflate: compression === true ? defaultDeflate : compression,
    clientTracking: false,
    // Part 4 §3.3: when no offered subprotocol matches, complete the handshake without one, then close.
    handleProtocols: (offered) => chooseSubprotocol(offered, versions),
  });
  const connections = new Map<string, OcppConnection>();

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Memory: no closure here; a listener made in this function would keep its whole context (the
    // upgrade request among it) alive for the life of the connection.
    socket.on('error', destroySocket);
    const id = parseIdentity(req.url);
    if (!id.ok) return reject(socket, 400, id.reason);
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const tls = socket as unknown as TLSSocket;
    const cert = typeof tls.getPeerCertificate === 'function' && tls.authorized ? tls.getPeerCertificate() : undefined;
    const info: HandshakeInfo = {
      identity: id.identity,
      prefix: id.prefix,
      request: req,
      basic: parseBasicAuth(req.headers.authorization),
      clientCertificate: cert && Object.keys(cert).length ? cert : undefined,
      remoteAddress: req.socket.remoteAddress,
      offeredSubprotocols: offered,
    };
    let auth: AuthResult;
    try {
      auth = opts.authenticate ? await opts.authenticate(info) : { ok: true };
    } catch (err) {
      opts.log?.error?.({ err, identity: id.identity }, 'authenticate hook threw');
      auth = { ok: false, status: 503 };
    }
    if (!auth.ok) return reject(socket, auth.status, auth.message);
    if (socket.destroyed) return;
    const { request: _request, ...handshake } = info;
    const context = auth.context;
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, handshake, context));
  }

  /** The upgrade completed: bind an endpoint (kept out of handleUpgrade so the request is not retained). */
  function accept(ws: WebSocket, handshake: ConnectionHandshake, context: unknown): void {
    const version = versionOf[ws.protocol];
    if (!version) {
      ws.close(1002, 'No supported OCPP subprotocol offered');
      return;
    }
    const log = opts.logger?.(handshake.identity, version);
    const { endpoint } = bindWebSocket(ws, {
      version, role: 'csms', identity: handshake.identity, limits, validate: opts.validate, hooks: opts.hooks?.(handshake.identity), log,
      ...(opts.handlers ? { handlers: opts.handlers(version) } : {}),
    });
    const conn: OcppConnection = { identity: handshake.identity, version, endpoint, handshake, ...(log ? { log } : {}), context, connectedAt: Date.now() };
    // A newer connection of the same identity replaces the old one (half-open sockets happen).
    const old = connections.get(handshake.identity);
    if (old) old.endpoint.close(1000, 'Replaced by a newer connection');
    connections.set(handshake.identity, conn);
    endpoint.onClose(() => {
      if (connections.get(conn.identity) === conn) connections.delete(conn.identity);
    });
    opts.onConnection(conn);
  }

  return {
    handleUpgrade(req, socket, head) {
      void handleUpgrade(req, socket, head);
    },
    attach(server) {
      server.on('upgrade', (req, socket, head) => void handleUpgrade(req, socket, head));
    },
    connections,
    async close() {
      const all = [...connections.values()];
      await Promise.all(all.map((c) => { c.endpoint.close(1001, 'Server shutting down'); return c.endpoint.whenClosed(); }));
      wss.close();
    },
  };
}
