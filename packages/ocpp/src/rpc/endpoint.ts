// One symmetric OCPP-J endpoint for both roles (design habit 6): `handle(action, fn)` answers the
// peer's CALLs and SENDs, `call(action, payload)` and `send(action, payload)` go the other way.
// Transport-agnostic: feed it text with receive(), tell it about the close with closed().
import { randomUUID } from 'node:crypto';
import type { Action, ActionMap } from '../generated/actions.ts';
import { OcppError, RpcError, isRpcErrorCode } from './errors.ts';
import { CallQueue, type QueuedCall } from './call-queue.ts';
import {
  CALL, CALLERROR, CALLRESULT, CALLRESULTERROR, SEND,
  parseFrame, serializeCall, serializeError, serializeResult, serializeSend,
  type CallErrorFrame, type CallFrame, type CallResultFrame, type OcppVersion, type ParseOptions, type SendFrame,
} from './frame.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { isActionOf, validatePayload } from './validate.ts';
import type { EndpointHooks, LoggerLike } from './hooks.ts';
import { checkHandler, maySend, meta, type CallContext, type Handler, type HandlerTable, type Role } from './handler-table.ts';

// the handler types and tables are part of the endpoint's API
export { maySend, sharedHandlerTable, type CallContext, type Handler, type HandlerTable, type Role } from './handler-table.ts';

const RESOLVED: Promise<void> = Promise.resolve();

/** The minimum a transport must offer; see ws-transport.ts and memory-transport.ts. */
export interface Transport {
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

export interface EndpointOptions {
  version: OcppVersion;
  role: Role;
  identity: string;
  transport: Transport;
  limits?: Partial<Limits>;
  hooks?: EndpointHooks;
  log?: LoggerLike;
  /** Validate every inbound and outbound payload against the schemas (default true). */
  validate?: boolean;
  /** See ParseOptions.unknownMessageType; default 'error' under 2.0.1, 'ignore' under 2.1. */
  unknownMessageType?: 'ignore' | 'error';
  /**
   * A handler table shared by many endpoints (e.g. one per CSMS, built once): saves a Map and a set of
   * closures per connection. handle() on such an endpoint copies the table first (it is never modified).
   */
  handlers?: ReadonlyMap<string, Handler>;
}

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class OcppEndpoint {
  readonly version: OcppVersion;
  readonly role: Role;
  readonly identity: string;
  readonly limits: Limits;
  private readonly transport: Transport;
  private readonly hooks: EndpointHooks;
  private readonly log: LoggerLike | undefined;
  private readonly doValidate: boolean;
  private readonly unknownMessageType: 'ignore' | 'error';
  private readonly parseOptions: ParseOptions;
  // Memory: an idle CSMS holds one endpoint per station, so collections are created on first use.
  private handlers: ReadonlyMap<string, Handler> | Map<string, Handler>;
  private ownHandlers: boolean;
  private callQueue: CallQueue | undefined = undefined;
  /** messageIds of inbound CALLs being handled: usually none or one, so a string before a Set. */
  private inboundOne: string | undefined = undefined;
  private inboundMore: Set<string> | undefined = undefined;
  private inboundChain: Promise<void> = RESOLVED;
  private badTimes: number[] | undefined = undefined;
  private isClosed = false;
  private closeWaiters: Array<(info: { code: number; reason: string }) => void> | undefined = undefined;

  constructor(opts: EndpointOptions) {
    this.version = opts.version;
    this.role = opts.role;
    this.identity = opts.identity;
    this.transport = opts.transport;
    this.limits = resolveLimits(opts.limits);
    this.hooks = opts.hooks ?? {};
    this.log = opts.log;
    this.doValidate = opts.validate ?? true;
    this.unknownMessageType = opts.unknownMessageType ?? (opts.version === '2.0.1' ? 'error' : 'ignore');
    this.parseOptions = { version: this.version, unknownMessageType: this.unknownMessageType };
    this.handlers = opts.handlers ?? new Map<string, Handler>();
    this.ownHandlers = !opts.handlers;
  }

  private get calls(): CallQueue {
    return (this.callQueue ??= new CallQueue({
      maxQueued: this.limits.maxQueuedCalls,
      // (the queue hands over text only: the journal reads the header of an outbound CALL itself)
      write: (text) => this.write(text),
      onGiveUp: (c, reason) => this.callEnded(c, reason === 'timeout' ? 'timeout' : 'aborted'),
    }));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Register the handler for an inbound CALL or SEND action. */
  handle<A extends Action>(action: A, fn: Handler<A>): this {
    checkHandler(this.role, this.handlers, action);
    if (!this.ownHandlers) {
      this.handlers = new Map(this.handlers);
      this.ownHandlers = true;
    }
    (this.handlers as Map<string, Handler>).set(action, fn as unknown as Handler);
    return this;
  }

  /** Register a whole table (e.g. a functional block's handlers). */
  handleAll(table: HandlerTable): this {
    for (const [action, fn] of Object.entries(table)) if (fn) this.handle(action as Action, fn as Handler<Action>);
    return this;
  }

  /** Send a CALL and wait for its CALLRESULT. Rejects with RpcError (peer said no) or OcppError. */
  call<A extends Action>(action: A, payload: ActionMap[A]['request'], opts: CallOptions = {}): Promise<ActionMap[A]['response']> {
    return new Promise((resolve, reject) => {
      const err = this.checkOutbound(action, 'request', payload, false);
      if (err) return reject(err);
      const messageId = randomUUID();
      const call: QueuedCall = {
        messageId,
        action,
        text: serializeCall(messageId, action, payload),
        timeoutMs: opts.timeoutMs ?? this.limits.callTimeoutMs,
        signal: opts.signal,
        resolve: resolve as (p: Record<string, unknown>) => void,
        reject,
      };
      this.calls.enqueue(call);
    });
  }

  /** (2.1) Send an unconfirmed SEND message; it may go while a CALL is outstanding (§4.2.4). */
  send<A extends Action>(action: A, payload: ActionMap[A]['request']): void {
    if (this.version !== '2.1') throw new OcppError('OCPP_ERR_SEND_UNSUPPORTED');
    const err = this.checkOutbound(action, 'request', payload, true);
    if (err) throw err;
    const messageId = randomUUID();
    this.write(serializeSend(messageId, action, payload), SEND, messageId, action);
  }

  /** Feed one text frame from the transport. */
  receive(text: string): void {
    if (this.isClosed) return;
    const parsed = parseFrame(text, this.parseOptions);
    const onFrame = this.hooks.onFrame;
    if (onFrame) {
      // The header as parsed, so the journal does not parse the frame a second time.
      if (parsed.ok) {
        const f = parsed.frame;
        onFrame.call(this.hooks, f.type === CALL || f.type === SEND
          ? { direction: 'in', text, at: Date.now(), messageType: f.type, messageId: f.messageId, action: f.action }
          : { direction: 'in', text, at: Date.now(), messageType: f.type, messageId: f.messageId });
      } else onFrame.call(this.hooks, { direction: 'in', text, at: Date.now() });
    }
    if (!parsed.ok) {
      if (parsed.reply) {
        this.write(serializeError(CALLERROR, parsed.messageId, parsed.error.code, parsed.error.message, parsed.error.details), CALLERROR, parsed.messageId);
        this.bad(text, parsed.error.message, parsed.error);
      } else {
        this.log?.debug?.({ reason: parsed.reason }, 'frame ignored');
        if (parsed.error) this.bad(text, parsed.reason, parsed.error);
        if (parsed.messageId && parsed.error) this.callQueue?.take(parsed.messageId)?.reject(parsed.error);
      }
      return;
    }
    const f = parsed.frame;
    switch (f.type) {
      case CALL:
      case SEND:
        return this.onRequest(f, text);
      case CALLRESULT:
        return this.onResult(f);
      case CALLERROR:
        return this.onCallError(f);
      case CALLRESULTERROR:
        return this.onCallResultError(f);
    }
  }

  /** Tell the endpoint the transport has closed: pending calls reject with OCPP_ERR_CLOSED. */
  transportClosed(code = 1006, reason = ''): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.callQueue?.close(new OcppError('OCPP_ERR_CLOSED', `connection closed (${code}${reason ? ` ${reason}` : ''})`));
    const waiters = this.closeWaiters;
    this.closeWaiters = undefined;
    if (waiters) for (const w of waiters) w({ code, reason });
  }

  /** Close the transport (and the endpoint). */
  close(code = 1000, reason = ''): void {
    this.transport.close(code, reason);
    this.transportClosed(code, reason);
  }

  /** Call `fn` once when the endpoint closes (at once if it already has); a lighter whenClosed(). */
  onClose(fn: (info: { code: number; reason: string }) => void): void {
    if (this.isClosed) fn({ code: 1006, reason: '' });
    else (this.closeWaiters ??= []).push(fn);
  }

  /** Resolves when the endpoint closes. */
  whenClosed(): Promise<{ code: number; reason: string }> {
    if (this.isClosed) return Promise.resolve({ code: 1006, reason: '' });
    return new Promise((r) => (this.closeWaiters ??= []).push(r));
  }

  // ---- internals -------------------------------------------------------------------------------

  /** Write one frame; its header (type, id, action) goes to the onFrame hook with it. */
  private write(text: string, messageType?: number, messageId?: string, action?: string): void {
    if (this.isClosed) return;
    const onFrame = this.hooks.onFrame;
    if (onFrame) {
      onFrame.call(this.hooks, messageType === undefined
        ? { direction: 'out', text, at: Date.now() }
        : action === undefined
          ? { direction: 'out', text, at: Date.now(), messageType, messageId }
          : { direction: 'out', text, at: Date.now(), messageType, messageId, action });
    }
    this.transport.send(text);
  }

  /** Answer an inbound CALL with a CALLERROR. */
  private writeError(messageId: string, err: RpcError, details: Record<string, unknown> | undefined = err.details): void {
    this.write(serializeError(CALLERROR, messageId, err.code, err.message, details), CALLERROR, messageId);
  }

  private checkOutbound(action: string, kind: 'request', payload: unknown, asSend: boolean): Error | null {
    if (this.isClosed) return new OcppError('OCPP_ERR_CLOSED');
    const m = meta[action];
    if (!m || !isActionOf(this.version, action)) return new OcppError('OCPP_ERR_UNKNOWN_ACTION', `${action} is not an OCPP ${this.version} action`);
    if (!maySend(this.role, action)) return new OcppError('OCPP_ERR_WRONG_DIRECTION', `a ${this.role} does not send ${action}`);
    if (m.send !== asSend) {
      return new OcppError('OCPP_ERR_WRONG_DIRECTION', asSend ? `${action} is a CALL, use call()` : `${action} is sent with SEND, use send()`);
    }
    if (this.doValidate) {
      const err = validatePayload(this.version, action, kind, payload);
      if (err) return new OcppError('OCPP_ERR_INVALID_OUTBOUND', err.message, err);
    }
    return null;
  }

  private bad(text: string, reason: string, error?: RpcError): void {
    this.hooks.onBadMessage?.({ text, reason, error });
    const now = Date.now();
    const windowStart = now - this.limits.badMessageWindowMs;
    const times = (this.badTimes ?? []).filter((t) => t > windowStart);
    this.badTimes = times;
    times.push(now);
    if (this.limits.maxBadMessages > 0 && times.length > this.limits.maxBadMessages) {
      this.log?.warn?.({ count: times.length }, 'bad-message budget exhausted; closing');
      this.close(1002, 'too many malformed messages');
    }
  }

  /** An inbound CALL or SEND that cannot be handled: CALLERROR (CALL only) and a bad-message count. */
  private refuse(f: CallFrame | SendFrame, text: string, err: RpcError): void {
    // [FR.07 (2.1)] a SEND is never answered, not even with an error
    if (f.type !== SEND) this.writeError(f.messageId, err);
    this.bad(text, err.message, err);
  }

  private onRequest(f: CallFrame | SendFrame, text: string): void {
    const isSend = f.type === SEND;
    const m = meta[f.action];
    if (!m || !isActionOf(this.version, f.action)) {
      return this.refuse(f, text, new RpcError('NotImplemented', `Action ${f.action} is not known in OCPP ${this.version}`));
    }
    if (m.send !== isSend) {
      return this.refuse(f, text, new RpcError('RpcFrameworkError', `${f.action} must be sent as ${m.send ? 'SEND' : 'CALL'}`));
    }
    if (this.doValidate) {
      // [FR.03] an invalid request is answered with a CALLERROR
      const err = validatePayload(this.version, f.action, 'request', f.payload);
      if (err) return this.refuse(f, text, err);
    }
    const handler = this.handlers.get(f.action);
    if (!handler) {
      if (!isSend) this.writeError(f.messageId, new RpcError('NotSupported', `Action ${f.action} is not supported by this ${this.role}`), {});
      return;
    }
    if (!isSend) {
      if (this.inboundOne === f.messageId || this.inboundMore?.has(f.messageId)) {
        return this.refuse(f, text, new RpcError('RpcFrameworkError', `A CALL with messageId ${f.messageId} is already being handled`));
      }
      if (this.inboundCount() >= this.limits.maxPendingInbound) {
        this.writeError(f.messageId, new RpcError('GenericError', 'Too many concurrent CALLs; send one at a time (Part 4 §4.1.1)'), {});
        return;
      }
      if (this.inboundOne === undefined) this.inboundOne = f.messageId;
      else (this.inboundMore ??= new Set()).add(f.messageId);
    }
    // Inbound CALLs are handled one after another, in arrival order.
    this.inboundChain = this.inboundChain.then(() => this.runHandler(handler, f, isSend));
  }

  private async runHandler(handler: Handler, f: CallFrame | SendFrame, isSend: boolean): Promise<void> {
    const started = performance.now();
    const ctx: CallContext = { action: f.action, messageId: f.messageId, version: this.version, identity: this.identity, endpoint: this, isSend };
    let outcome: 'result' | 'error' = 'result';
    let errorCode: string | undefined;
    try {
      const res = await handler(ctx, f.payload as never);
      if (isSend || this.isClosed) return;
      const payload = res ?? {};
      if (this.doValidate) {
        const err = validatePayload(this.version, f.action, 'response', payload);
        if (err) {
          this.log?.error?.({ action: f.action, err: err.message }, 'handler returned an invalid response');
          throw new RpcError('InternalError', `Response could not be built: ${err.message}`);
        }
      }
      this.write(serializeResult(f.messageId, payload), CALLRESULT, f.messageId);
    } catch (e) {
      outcome = 'error';
      const err = e instanceof RpcError ? e : new RpcError('InternalError', 'Internal error while handling the request');
      errorCode = err.code;
      if (!(e instanceof RpcError)) this.log?.error?.({ action: f.action, err: e }, 'handler threw');
      if (!isSend && !this.isClosed) this.writeError(f.messageId, err);
    } finally {
      if (this.inboundOne === f.messageId) this.inboundOne = undefined;
      else this.inboundMore?.delete(f.messageId);
      this.hooks.onCall?.({ direction: 'in', action: f.action, messageId: f.messageId, durationMs: performance.now() - started, outcome, errorCode });
    }
  }

  private inboundCount(): number {
    return (this.inboundOne === undefined ? 0 : 1) + (this.inboundMore?.size ?? 0);
  }

  private onResult(f: CallResultFrame): void {
    const c = this.callQueue?.take(f.messageId);
    if (!c) {
      this.log?.debug?.({ messageId: f.messageId }, 'CALLRESULT for no outstanding call (late or unknown) ignored');
      return;
    }
    if (this.doValidate) {
      const err = validatePayload(this.version, c.action, 'response', f.payload);
      if (err) {
        // [FR.06 (2.1)] an invalid response is answered with CALLRESULTERROR (2.1 only)
        if (this.version === '2.1') this.write(serializeError(CALLRESULTERROR, f.messageId, err.code, err.message, err.details), CALLRESULTERROR, f.messageId);
        this.callEnded(c, 'error', err.code);
        return c.reject(new OcppError('OCPP_ERR_INVALID_RESPONSE', err.message, err));
      }
    }
    this.callEnded(c, 'result');
    c.resolve(f.payload);
  }

  private onCallError(f: CallErrorFrame): void {
    const c = this.callQueue?.take(f.messageId);
    if (!c) return;
    const code = isRpcErrorCode(f.errorCode) ? f.errorCode : 'GenericError';
    this.callEnded(c, 'error', code);
    c.reject(new RpcError(code, f.errorDescription, { ...f.errorDetails, ...(code !== f.errorCode ? { errorCode: f.errorCode } : {}) }, true));
  }

  private onCallResultError(f: CallErrorFrame): void {
    this.log?.warn?.({ messageId: f.messageId, errorCode: f.errorCode, errorDescription: f.errorDescription }, 'peer rejected our CALLRESULT');
    this.hooks.onCallResultError?.({ messageId: f.messageId, errorCode: f.errorCode, errorDescription: f.errorDescription, errorDetails: f.errorDetails });
  }

  private callEnded(c: QueuedCall, outcome: 'result' | 'error' | 'timeout' | 'aborted', errorCode?: string): void {
    this.hooks.onCall?.({
      direction: 'out', action: c.action, messageId: c.messageId,
      durationMs: c.sentAt ? Date.now() - c.sentAt : 0, outcome, errorCode,
    });
  }
}
