// Binds an OcppEndpoint to a `ws` WebSocket: text frames in and out, close, ping/pong liveness and
// slow-reader backpressure (design habit 9).
// Memory: an idle CSMS holds tens of thousands of these, so the binding is one object with methods
// (no per-connection closures), the socket listeners are shared functions that find the binding on
// the socket, and liveness is one shared sweep per ping interval instead of a timer per connection.
import type WebSocket from 'ws';
import { OcppEndpoint, type EndpointOptions, type Transport } from '../rpc/endpoint.ts';
import type { LoggerLike } from '../rpc/hooks.ts';

export interface WsBinding {
  endpoint: OcppEndpoint;
  socket: WebSocket;
}

const BINDING = Symbol('ocpp.wsBinding');
type BoundSocket = WebSocket & { [BINDING]?: SocketBinding };

class SocketBinding implements Transport {
  endpoint!: OcppEndpoint;
  alive = true;
  /** The sweep this binding is in (0: none); starts as endpoint.limits.pingIntervalMs, see setPingInterval. */
  pingIntervalMs = 0;
  drainTimer: NodeJS.Timeout | undefined = undefined;
  constructor(readonly socket: WebSocket, readonly log: LoggerLike | undefined) {}

  send(text: string): void {
    const socket = this.socket;
    if (socket.readyState !== 1) return;
    socket.send(text);
    const limits = this.endpoint.limits;
    if (this.drainTimer || socket.bufferedAmount <= limits.highWaterMarkBytes || limits.drainTimeoutMs === 0) return;
    this.drainTimer = setTimeout(checkDrain, limits.drainTimeoutMs, this);
    this.drainTimer.unref?.();
  }

  close(code?: number, reason?: string): void {
    const socket = this.socket;
    if (socket.readyState === 0 || socket.readyState === 1) socket.close(code, reason);
  }
}

function checkDrain(b: SocketBinding): void {
  b.drainTimer = undefined;
  const limits = b.endpoint.limits;
  if (b.socket.bufferedAmount > limits.highWaterMarkBytes) {
    b.log?.warn?.({ buffered: b.socket.bufferedAmount, code: 'OCPP_ERR_BACKPRESSURE' }, 'peer does not read; closing');
    b.socket.terminate();
  }
}

// ---- one liveness sweep per ping interval (§5.3 half-open detection) ----------------------------
// Every interval: a connection that showed no sign of life (message, ping or pong) since the previous
// sweep is terminated; the others are marked not-alive and pinged. As with a timer per connection, a
// silent peer is dropped between one and two intervals after its last sign of life.
const sweeps = new Map<number, { timer: NodeJS.Timeout; members: Set<SocketBinding> }>();

function sweep(intervalMs: number): void {
  const s = sweeps.get(intervalMs);
  if (!s) return;
  for (const b of s.members) {
    if (!b.alive) {
      b.log?.info?.({}, 'no pong within the ping interval; terminating half-open connection');
      b.socket.terminate();
      continue;
    }
    b.alive = false;
    if (b.socket.readyState === 1) b.socket.ping();
  }
}

function joinSweep(b: SocketBinding, intervalMs: number): void {
  let s = sweeps.get(intervalMs);
  if (!s) {
    const timer = setInterval(sweep, intervalMs, intervalMs);
    timer.unref?.();
    s = { timer, members: new Set() };
    sweeps.set(intervalMs, s);
  }
  s.members.add(b);
}

function leaveSweep(b: SocketBinding, intervalMs: number): void {
  const s = sweeps.get(intervalMs);
  if (!s) return;
  s.members.delete(b);
  if (s.members.size === 0) {
    clearInterval(s.timer);
    sweeps.delete(intervalMs);
  }
}

// ---- shared socket listeners (`this` is the WebSocket) -------------------------------------------
function onAlive(this: BoundSocket): void {
  const b = this[BINDING];
  if (b) b.alive = true;
}

function onMessage(this: BoundSocket, data: WebSocket.RawData, isBinary: boolean): void {
  const b = this[BINDING];
  if (!b) return;
  b.alive = true;
  if (isBinary) {
    // OCPP-J uses text frames only (Part 4 §4.1.2); a binary frame counts as malformed.
    b.endpoint.receive('\u0000binary');
    return;
  }
  b.endpoint.receive(typeof data === 'string' ? data : data.toString());
}

function onClose(this: BoundSocket, code: number, reason: Buffer): void {
  const b = this[BINDING];
  if (!b) return;
  if (b.pingIntervalMs > 0) leaveSweep(b, b.pingIntervalMs);
  if (b.drainTimer) clearTimeout(b.drainTimer);
  b.drainTimer = undefined;
  b.endpoint.transportClosed(code, reason.toString());
}

function onError(this: BoundSocket, err: Error): void {
  this[BINDING]?.log?.warn?.({ err: err.message }, 'websocket error');
}

export function bindWebSocket(socket: WebSocket, opts: Omit<EndpointOptions, 'transport'>): WsBinding {
  const b = new SocketBinding(socket, opts.log);
  const endpoint = new OcppEndpoint({ ...opts, transport: b });
  b.endpoint = endpoint;
  (socket as BoundSocket)[BINDING] = b;
  b.pingIntervalMs = endpoint.limits.pingIntervalMs;
  if (b.pingIntervalMs > 0) joinSweep(b, b.pingIntervalMs);
  socket.on('pong', onAlive);
  socket.on('ping', onAlive);
  socket.on('message', onMessage);
  socket.on('close', onClose);
  socket.on('error', onError);
  return { endpoint, socket };
}

/**
 * Change the ping interval of a bound, open socket (e.g. a station's WebSocketPingInterval set by the CSMS,
 * Part 4 §8.4); 0 stops pinging (the peer may still ping, and is answered). Returns false when not bound.
 */
export function setPingInterval(socket: WebSocket, intervalMs: number): boolean {
  const b = (socket as BoundSocket)[BINDING];
  if (!b || !Number.isFinite(intervalMs) || intervalMs < 0) return false;
  if (b.pingIntervalMs === intervalMs) return true;
  if (b.pingIntervalMs > 0) leaveSweep(b, b.pingIntervalMs);
  b.pingIntervalMs = intervalMs;
  b.alive = true;
  if (intervalMs > 0 && socket.readyState <= 1) joinSweep(b, intervalMs);
  return true;
}
