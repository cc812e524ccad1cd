// The station side of OCPP-J over WebSocket: connect with a list of subprotocols, Basic auth
// (profiles 1/2), client certificates (profile 3), reconnect with the Part 4 §5.4 back-off.
import { EventEmitter } from 'node:events';
import WebSocket, { type ClientOptions } from 'ws';
import type { OcppVersion } from '../rpc/frame.ts';
import type { EndpointHooks, LoggerLike } from '../rpc/hooks.ts';
import type { OcppEndpoint, HandlerTable, CallOptions, Handler } from '../rpc/endpoint.ts';
import { OcppError } from '../rpc/errors.ts';
import type { Limits } from '../rpc/limits.ts';
import type { Action, ActionMap } from '../generated/actions.ts';
import { bindWebSocket, setPingInterval } from './ws-transport.ts';
import { subprotocolOf, versionOf } from './subprotocol.ts';
import { backoffDelayMs, defaultBackoff, type BackoffConfig } from './backoff.ts';

export interface OcppClientOptions {
  /** The CSMS's OCPP-J endpoint URL, e.g. ws://localhost:9000/ocpp; the identity is appended. */
  url: string;
  identity: string;
  /** Versions to offer, in order of preference (default ['2.1', '2.0.1']). */
  versions?: OcppVersion[];
  /** Basic auth password (security profiles 1/2); the username is the identity. */
  password?: string;
  /** TLS options for wss:// (ca, cert, key for profile 3, servername, …). */
  tls?: Pick<ClientOptions, 'ca' | 'cert' | 'key' | 'passphrase' | 'rejectUnauthorized' | 'ciphers'> & { servername?: string; minVersion?: import('node:tls').SecureVersion };
  /** Reconnect with back-off (default on, defaultBackoff); false to stay down. */
  reconnect?: false | BackoffConfig;
  compression?: boolean;
  limits?: Partial<Limits>;
  validate?: boolean;
  hooks?: EndpointHooks;
  log?: LoggerLike;
  /** Handshake timeout in ms (default 10 s). */
  handshakeTimeoutMs?: number;
}

export interface OcppClientEvents {
  open: [{ version: OcppVersion; endpoint: OcppEndpoint }];
  close: [{ code: number; reason: string }];
  reconnecting: [{ attempt: number; delayMs: number }];
  error: [Error];
}

/** A station's connection: survives reconnects; handlers are re-bound to each new endpoint. */
export class OcppClient extends EventEmitter<OcppClientEvents> {
  readonly opts: OcppClientOptions;
  private readonly handlers: HandlerTable = {};
  private current: OcppEndpoint | undefined;
  private socket: WebSocket | undefined;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(opts: OcppClientOptions) {
    super();
    this.opts = opts;
  }

  get endpoint(): OcppEndpoint | undefined {
    return this.current && !this.current.closed ? this.current : undefined;
  }
  get version(): OcppVersion | undefined {
    return this.endpoint?.version;
  }
  get connected(): boolean {
    return this.endpoint !== undefined;
  }

  handle<A extends Action>(action: A, fn: Handler<A>): this {
    (this.handlers as Record<string, unknown>)[action] = fn;
    this.current?.handle(action, fn);
    return this;
  }
  handleAll(table: HandlerTable): this {
    for (const [a, fn] of Object.entries(table)) if (fn) this.handle(a as Action, fn as Handler<Action>);
    return this;
  }

  call<A extends Action>(action: A, payload: ActionMap[A]['request'], opts?: CallOptions): Promise<ActionMap[A]['response']> {
    const ep = this.endpoint;
    if (!ep) return Promise.reject(new OcppError('OCPP_ERR_CLOSED', 'not connected'));
    return ep.call(action, payload, opts);
  }
  send<A extends Action>(action: A, payload: ActionMap[A]['request']): void {
    const ep = this.endpoint;
    if (!ep) throw new OcppError('OCPP_ERR_CLOSED', 'not connected');
    ep.send(action, payload);
  }

  /** Connect; resolves on the first successful open (rejects if it fails and reconnect is off). */
  connect(): Promise<{ version: OcppVersion }> {
    this.stopped = false;
    return new Promise((resolve, reject) => {
      const onOpen = (e: { version: OcppVersion }): void => { this.off('error', onErr); resolve({ version: e.version }); };
      const onErr = (err: Error): void => {
        if (this.opts.reconnect === false) { this.off('open', onOpen); reject(err); }
      };
      this.once('open', onOpen);
      this.on('error', onErr);
      this.dial();
    });
  }

  /** Close and stop reconnecting. */
  async close(code = 1000, reason = ''): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const ep = this.current;
    const sock = this.socket;
    if (sock && (sock.readyState === WebSocket.OPEN || sock.readyState === WebSocket.CONNECTING)) {
      await new Promise<void>((r) => {
        sock.once('close', () => r());
        if (sock.readyState === WebSocket.CONNECTING) sock.terminate();
        else sock.close(code, reason);
        setTimeout(() => { sock.terminate(); r(); }, 2000).unref();
      });
    }
    ep?.transportClosed(code, reason);
  }

  /**
   * WebSocket ping interval in ms (0: no pings from this side): for the open connection at once and for
   * the following ones (limits.pingIntervalMs).
   */
  setPingInterval(intervalMs: number): void {
    this.opts.limits = { ...this.opts.limits, pingIntervalMs: intervalMs };
    if (this.socket && this.current && !this.current.closed) setPingInterval(this.socket, intervalMs);
  }

  /** Drop the connection without a close handshake (tests: simulate a network failure). */
  drop(): void {
    this.socket?.terminate();
  }

  private dial(): void {
    const o = this.opts;
    const versions = o.versions ?? ['2.1', '2.0.1'];
    const base = o.url.endsWith('/') ? o.url.slice(0, -1) : o.url;
    const url = `${base}/${encodeURIComponent(o.identity)}`;
    const headers: Record<string, string> = {};
    if (o.password !== undefined) {
      headers['Authorization'] = `Basic ${Buffer.from(`${o.identity}:${o.password}`, 'utf8').toString('base64')}`;
    }
    const ws = new WebSocket(url, versions.map((v) => subprotocolOf[v]), {
      headers,
      perMessageDeflate: o.compression ?? true,
      maxPayload: o.limits?.maxPayloadBytes ?? 1024 * 1024,
      handshakeTimeout: o.handshakeTimeoutMs ?? 10_000,
      ...o.tls,
    });
    this.socket = ws;
    let opened = false;
    ws.on('unexpected-response', (_req, res) => {
      const err = new Error(`handshake rejected: HTTP ${res.statusCode}`);
      (err as Error & { statusCode?: number }).statusCode = res.statusCode;
      res.resume();
      ws.terminate();
      this.fail(err);
    });
    ws.on('error', (err) => {
      if (!opened) this.fail(err);
    });
    ws.on('open', () => {
      const version = versionOf[ws.protocol];
      if (!version) {
        ws.close(1002, 'no OCPP subprotocol agreed');
        this.fail(new OcppError('OCPP_ERR_NO_SUBPROTOCOL'));
        return;
      }
      opened = true;
      this.attempt = 0;
      const { endpoint } = bindWebSocket(ws, {
        version, role: 'station', identity: o.identity, limits: o.limits, validate: o.validate, hooks: o.hooks, log: o.log,
      });
      endpoint.handleAll(this.handlers);
      this.current = endpoint;
      this.emit('open', { version, endpoint });
    });
    ws.on('close', (code, reason) => {
      if (opened) this.emit('close', { code, reason: reason.toString() });
      this.scheduleReconnect();
    });
  }

  /** Report a connection failure: to 'error' listeners if any (an EventEmitter throws otherwise). */
  private fail(err: Error): void {
    this.opts.log?.warn?.({ err: err.message }, 'connection attempt failed');
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.opts.reconnect === false || this.timer) return;
    const delayMs = backoffDelayMs(this.attempt, this.opts.reconnect ?? defaultBackoff);
    this.emit('reconnecting', { attempt: this.attempt, delayMs });
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) this.dial();
    }, delayMs);
  }
}
