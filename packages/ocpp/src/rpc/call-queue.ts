// Outbound CALL tracking: at most one outstanding CALL per direction (Part 4 §4.1.1 Synchronicity),
// a bounded FIFO behind it, a timeout per sent CALL, AbortSignal support.
import { OcppError } from './errors.ts';

export interface QueuedCall {
  messageId: string;
  action: string;
  text: string;
  timeoutMs: number;
  signal?: AbortSignal;
  resolve(payload: Record<string, unknown>): void;
  reject(err: Error): void;
  /** set when sent */
  sentAt?: number;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
}

export interface CallQueueOptions {
  maxQueued: number;
  /** Put the frame on the wire. */
  write(text: string): void;
  /** Called when a sent call ends without a response (timeout, abort after sending). */
  onGiveUp(call: QueuedCall, reason: 'timeout' | 'aborted'): void;
}

export class CallQueue {
  private readonly waiting: QueuedCall[] = [];
  private current: QueuedCall | undefined;
  private closedWith: Error | undefined;
  constructor(private readonly opts: CallQueueOptions) {}

  get outstanding(): QueuedCall | undefined {
    return this.current;
  }
  get queued(): number {
    return this.waiting.length;
  }

  enqueue(call: QueuedCall): void {
    if (this.closedWith) return call.reject(this.closedWith);
    if (call.signal?.aborted) return call.reject(new OcppError('OCPP_ERR_ABORTED'));
    if (this.waiting.length >= this.opts.maxQueued && this.current) {
      return call.reject(new OcppError('OCPP_ERR_QUEUE_FULL'));
    }
    if (call.signal) {
      call.onAbort = () => this.abort(call);
      call.signal.addEventListener('abort', call.onAbort, { once: true });
    }
    this.waiting.push(call);
    this.pump();
  }

  /** Take the outstanding call if `messageId` matches it (a response arrived). */
  take(messageId: string): QueuedCall | undefined {
    const c = this.current;
    if (!c || c.messageId !== messageId) return undefined;
    this.finish(c);
    return c;
  }

  /** Reject everything (connection closed). Further enqueues reject at once. */
  close(err: Error): void {
    this.closedWith = err;
    const all = this.current ? [this.current, ...this.waiting] : [...this.waiting];
    this.waiting.length = 0;
    for (const c of all) {
      this.cleanup(c);
      c.reject(err);
    }
    this.current = undefined;
  }

  private pump(): void {
    if (this.current || this.closedWith) return;
    const next = this.waiting.shift();
    if (!next) return;
    this.current = next;
    next.sentAt = Date.now();
    if (next.timeoutMs > 0) {
      next.timer = setTimeout(() => {
        if (this.current !== next) return;
        this.finish(next);
        this.opts.onGiveUp(next, 'timeout');
        next.reject(new OcppError('OCPP_ERR_CALL_TIMEOUT', `${next.action} ${next.messageId}: no response within ${next.timeoutMs} ms`));
      }, next.timeoutMs);
    }
    try {
      this.opts.write(next.text);
    } catch (err) {
      this.finish(next);
      next.reject(new OcppError('OCPP_ERR_CLOSED', 'write failed', err));
    }
  }

  private abort(call: QueuedCall): void {
    const i = this.waiting.indexOf(call);
    if (i >= 0) this.waiting.splice(i, 1);
    else if (this.current === call) {
      this.finish(call);
      this.opts.onGiveUp(call, 'aborted');
    } else return;
    this.cleanup(call);
    call.reject(new OcppError('OCPP_ERR_ABORTED'));
  }

  /** The outstanding call is done: free the slot and send the next one. */
  private finish(call: QueuedCall): void {
    this.cleanup(call);
    if (this.current === call) {
      this.current = undefined;
      queueMicrotask(() => this.pump());
    }
  }

  private cleanup(call: QueuedCall): void {
    if (call.timer) clearTimeout(call.timer);
    call.timer = undefined;
    if (call.signal && call.onAbort) call.signal.removeEventListener('abort', call.onAbort);
    call.onAbort = undefined;
  }
}
