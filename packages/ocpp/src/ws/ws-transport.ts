// Binds an OcppEndpoint to a `ws` WebSocket: text frames in and out, close, ping/pong liveness and
// slow-reader backpressure (design habit 9).
import type WebSocket from 'ws';
import { OcppEndpoint, type EndpointOptions, type Transport } from '../rpc/endpoint.ts';
import type { Limits } from '../rpc/limits.ts';

export interface WsBinding {
  endpoint: OcppEndpoint;
  socket: WebSocket;
}

export function bindWebSocket(socket: WebSocket, opts: Omit<EndpointOptions, 'transport'>): WsBinding {
  let drainTimer: NodeJS.Timeout | undefined;
  let endpoint!: OcppEndpoint;
  const transport: Transport = {
    send(text) {
      if (socket.readyState !== 1) return;
      socket.send(text);
      watchDrain();
    },
    close(code, reason) {
      if (socket.readyState === 0 || socket.readyState === 1) socket.close(code, reason);
    },
  };
  endpoint = new OcppEndpoint({ ...opts, transport });
  const limits: Limits = endpoint.limits;

  function watchDrain(): void {
    if (drainTimer || socket.bufferedAmount <= limits.highWaterMarkBytes || limits.drainTimeoutMs === 0) return;
    drainTimer = setTimeout(() => {
      drainTimer = undefined;
      if (socket.bufferedAmount > limits.highWaterMarkBytes) {
        opts.log?.warn?.({ buffered: socket.bufferedAmount, code: 'OCPP_ERR_BACKPRESSURE' }, 'peer does not read; closing');
        socket.terminate();
      }
    }, limits.drainTimeoutMs);
    drainTimer.unref?.();
  }

  let alive = true;
  let pinger: NodeJS.Timeout | undefined;
  if (limits.pingIntervalMs > 0) {
    pinger = setInterval(() => {
      if (!alive) {
        opts.log?.info?.({}, 'no pong within the ping interval; terminating half-open connection');
        socket.terminate();
        return;
      }
      alive = false;
      if (socket.readyState === 1) socket.ping();
    }, limits.pingIntervalMs);
    pinger.unref?.();
  }

  socket.on('pong', () => { alive = true; });
  socket.on('ping', () => { alive = true; });
  socket.on('message', (data, isBinary) => {
    alive = true;
    if (isBinary) {
      // OCPP-J uses text frames only (Part 4 §4.1.2); a binary frame counts as malformed.
      endpoint.receive('\u0000binary');
      return;
    }
    endpoint.receive(typeof data === 'string' ? data : data.toString());
  });
  socket.on('close', (code, reason) => {
    if (pinger) clearInterval(pinger);
    if (drainTimer) clearTimeout(drainTimer);
    endpoint.transportClosed(code, reason.toString());
  });
  socket.on('error', (err) => {
    opts.log?.warn?.({ err: err.message }, 'websocket error');
  });
  return { endpoint, socket };
}
