// Lifecycle hooks (design habit 10): journaling, metrics and tracing hang off these, not off handlers.
import type { RpcError } from './errors.ts';

export interface FrameEvent {
  direction: 'in' | 'out';
  text: string;
  at: number;
  /**
   * The frame's header as the endpoint read (in) or wrote (out) it, so a journal need not parse the
   * text again. Absent when the frame could not be parsed: read the text yourself then.
   */
  messageType?: number;
  messageId?: string;
  /** CALL and SEND only. */
  action?: string;
}
export interface CallEvent {
  direction: 'in' | 'out';
  action: string;
  messageId: string;
  durationMs: number;
  outcome: 'result' | 'error' | 'timeout' | 'aborted';
  errorCode?: string;
}
export interface BadMessageEvent { text: string; reason: string; error?: RpcError }
export interface CallResultErrorEvent {
  messageId: string;
  errorCode: string;
  errorDescription: string;
  errorDetails: Record<string, unknown>;
}

export interface EndpointHooks {
  /** Every frame in and out, as text (the message journal). */
  onFrame?(ev: FrameEvent): void;
  /** A CALL finished, either direction (metrics: latency, outcome). */
  onCall?(ev: CallEvent): void;
  /** A malformed or schema-invalid inbound message. */
  onBadMessage?(ev: BadMessageEvent): void;
  /** (2.1) The peer rejected one of our CALLRESULTs. */
  onCallResultError?(ev: CallResultErrorEvent): void;
}

/** pino-compatible subset: object first, message second. */
export interface LoggerLike {
  debug?(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
  warn?(obj: object, msg?: string): void;
  error?(obj: object, msg?: string): void;
}
