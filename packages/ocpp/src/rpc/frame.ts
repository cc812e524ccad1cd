// OCPP-J framing (Part 4 §4): the five message types, parse and serialise. Pure functions, no I/O.
import { RpcError, clampDescription, type RpcErrorCode } from './errors.ts';

export type OcppVersion = '2.0.1' | '2.1';

export const CALL = 2;
export const CALLRESULT = 3;
export const CALLERROR = 4;
export const CALLRESULTERROR = 5; // (2.1)
export const SEND = 6; // (2.1)

/** Part 4 §4.1.4: messageId is string[36]. */
export const MAX_MESSAGE_ID = 36;

export type Payload = Record<string, unknown>;
export interface CallFrame { type: typeof CALL; messageId: string; action: string; payload: Payload }
export interface CallResultFrame { type: typeof CALLRESULT; messageId: string; payload: Payload }
export interface CallErrorFrame {
  type: typeof CALLERROR | typeof CALLRESULTERROR;
  messageId: string;
  errorCode: string;
  errorDescription: string;
  errorDetails: Payload;
}
export interface SendFrame { type: typeof SEND; messageId: string; action: string; payload: Payload }
export type Frame = CallFrame | CallResultFrame | CallErrorFrame | SendFrame;

/** What the receiver must do with a frame that could not be parsed. */
export type ParseOutcome =
  | { ok: true; frame: Frame }
  /** Reply with a CALLERROR (messageId '-1' when it could not be read). */
  | { ok: false; reply: true; messageId: string; error: RpcError }
  /** Do not reply (unknown message type under 2.1, a broken response, …). */
  | { ok: false; reply: false; reason: string; messageId?: string; error?: RpcError };

const TYPES_21: readonly number[] = Object.freeze([CALL, CALLRESULT, CALLERROR, CALLRESULTERROR, SEND]);
const TYPES_201: readonly number[] = Object.freeze([CALL, CALLRESULT, CALLERROR]);

export function messageTypesOf(version: OcppVersion): readonly number[] {
  return version === '2.1' ? TYPES_21 : TYPES_201;
}

function isPlainObject(x: unknown): x is Payload {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function validId(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= MAX_MESSAGE_ID;
}

function frameworkError(messageId: string, code: RpcErrorCode, msg: string): ParseOutcome {
  return { ok: false, reply: true, messageId, error: new RpcError(code, msg) };
}

export interface ParseOptions {
  version: OcppVersion;
  /**
   * Unknown message type numbers: Part 4 §4.1.3 says the receiver SHALL ignore the payload. 'error'
   * additionally answers CALLERROR MessageTypeNotSupported (our 2.0.1 default: the code exists for it).
   */
  unknownMessageType: 'ignore' | 'error';
}

/**
 * Parse one text frame. Never throws. The rules:
 * - not JSON, not an array, or no readable messageId -> CALLERROR RpcFrameworkError with id "-1" (§4.2.3)
 * - unknown message type -> ignored (§4.1.3, §4.4) or MessageTypeNotSupported (see ParseOptions)
 * - CALL / SEND with the wrong number of elements or a non-string action -> RpcFrameworkError
 * - payload that is not an object -> FormatViolation; `null` is read as `{}` (§4.1.5 allows null for
 *   "no payload", while calling {} good practice: tolerated here, in one place)
 */
export function parseFrame(text: string, opts: ParseOptions): ParseOutcome {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return frameworkError('-1', 'RpcFrameworkError', 'Message is not valid JSON');
  }
  if (!Array.isArray(raw) || raw.length < 2) {
    return frameworkError('-1', 'RpcFrameworkError', 'Message is not a JSON array of at least 2 elements');
  }
  const type: unknown = raw[0];
  const id: unknown = raw[1];
  if (typeof type !== 'number' || !Number.isInteger(type)) {
    return frameworkError(validId(id) ? id : '-1', 'RpcFrameworkError', 'MessageTypeId is not an integer');
  }
  if (!messageTypesOf(opts.version).includes(type)) {
    if (opts.unknownMessageType === 'error' && type !== CALLRESULT && type !== CALLERROR) {
      return frameworkError(validId(id) ? id : '-1', 'MessageTypeNotSupported', `Message type ${type} is not supported`);
    }
    return { ok: false, reply: false, reason: `unknown message type ${type} ignored` };
  }
  if (!validId(id)) {
    // A CALLRESULT/CALLERROR with a broken id cannot be matched; answering it would start a loop.
    if (type === CALLRESULT || type === CALLERROR || type === CALLRESULTERROR) {
      return { ok: false, reply: false, reason: 'response with an unreadable messageId dropped' };
    }
    if (type === SEND) return { ok: false, reply: false, reason: 'SEND with an unreadable messageId dropped' };
    return frameworkError('-1', 'RpcFrameworkError', `MessageId must be a string of 1..${MAX_MESSAGE_ID} characters`);
  }
  switch (type) {
    case CALL:
    case SEND: {
      const noReply = type === SEND; // [FR.07 (2.1)] never answer a SEND
      if (raw.length !== 4 || typeof raw[2] !== 'string' || raw[2].length === 0) {
        const error = new RpcError('RpcFrameworkError', `${type === CALL ? 'CALL' : 'SEND'} must be [${type}, id, action, payload]`);
        return noReply ? { ok: false, reply: false, reason: error.message, messageId: id, error } : { ok: false, reply: true, messageId: id, error };
      }
      const payload = raw[3] === null ? {} : raw[3];
      if (!isPlainObject(payload)) {
        const error = new RpcError('FormatViolation', 'Payload must be a JSON object');
        return noReply ? { ok: false, reply: false, reason: error.message, messageId: id, error } : { ok: false, reply: true, messageId: id, error };
      }
      return { ok: true, frame: { type, messageId: id, action: raw[2], payload } };
    }
    case CALLRESULT: {
      const payload = raw[2] === null ? {} : raw[2];
      if (raw.length !== 3 || !isPlainObject(payload)) {
        return {
          ok: false, reply: false, messageId: id, reason: 'malformed CALLRESULT',
          error: new RpcError('RpcFrameworkError', 'CALLRESULT must be [3, id, payload-object]'),
        };
      }
      return { ok: true, frame: { type, messageId: id, payload } };
    }
    default: {
      // CALLERROR (4) / CALLRESULTERROR (5): [type, id, errorCode, errorDescription, errorDetails]
      const [, , code, desc, details] = raw as unknown[];
      if (raw.length !== 5 || typeof code !== 'string' || typeof desc !== 'string') {
        return { ok: false, reply: false, messageId: id, reason: `malformed error frame of type ${type}` };
      }
      return {
        ok: true,
        frame: {
          type: type as typeof CALLERROR | typeof CALLRESULTERROR,
          messageId: id,
          errorCode: code,
          errorDescription: desc,
          errorDetails: isPlainObject(details) ? details : {},
        },
      };
    }
  }
}

export function serializeCall(messageId: string, action: string, payload: unknown): string {
  return JSON.stringify([CALL, messageId, action, payload ?? {}]);
}
export function serializeSend(messageId: string, action: string, payload: unknown): string {
  return JSON.stringify([SEND, messageId, action, payload ?? {}]);
}
export function serializeResult(messageId: string, payload: unknown): string {
  return JSON.stringify([CALLRESULT, messageId, payload ?? {}]);
}
/** CALLERROR or (2.1) CALLRESULTERROR; description clamped to 255, details `{}` when empty. */
export function serializeError(
  type: typeof CALLERROR | typeof CALLRESULTERROR,
  messageId: string,
  code: string,
  description: string,
  details?: Payload,
): string {
  return JSON.stringify([type, messageId, code, clampDescription(description), details ?? {}]);
}
