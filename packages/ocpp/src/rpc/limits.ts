// Named limits with safe defaults (design habit 9). Every one can be overridden per endpoint/server.

export interface Limits {
  /** Largest accepted WebSocket message in bytes; larger ones close the socket with 1009. */
  maxPayloadBytes: number;
  /** How long a CALL waits for its CALLRESULT/CALLERROR after it was sent (Part 4 §4.1.1). */
  callTimeoutMs: number;
  /** CALLs waiting behind the one outstanding CALL; beyond this call() rejects with OCPP_ERR_QUEUE_FULL. */
  maxQueuedCalls: number;
  /** Inbound CALLs being handled at once; a peer should send one at a time (§4.1.1). */
  maxPendingInbound: number;
  /** Malformed or schema-invalid inbound messages tolerated per window before closing with 1002. */
  maxBadMessages: number;
  badMessageWindowMs: number;
  /** Bytes buffered towards a peer above which we consider it a slow reader. */
  highWaterMarkBytes: number;
  /** A slow reader that stays above the high-water mark this long is disconnected. */
  drainTimeoutMs: number;
  /** WebSocket ping interval (Part 4 §5.3, WebSocketPingInterval); 0 disables. */
  pingIntervalMs: number;
}

export const defaultLimits: Readonly<Limits> = Object.freeze({
  maxPayloadBytes: 1024 * 1024,
  callTimeoutMs: 30_000,
  maxQueuedCalls: 1_000,
  maxPendingInbound: 8,
  maxBadMessages: 20,
  badMessageWindowMs: 60_000,
  highWaterMarkBytes: 1024 * 1024,
  drainTimeoutMs: 30_000,
  pingIntervalMs: 60_000,
});

export function resolveLimits(partial?: Partial<Limits>): Limits {
  const out = { ...defaultLimits, ...partial };
  for (const [k, v] of Object.entries(out)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`limit ${k} must be a finite number >= 0, got ${String(v)}`);
    }
  }
  return out;
}
