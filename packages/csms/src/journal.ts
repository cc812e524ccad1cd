// The message journal: every frame in and out, verbatim, via the library's onFrame hook, into
// store.appendJournal (group-committed by the store). Results carry the action of their CALL.
import type { FrameEvent } from '@chargewire/ocpp';
import type { Logger } from 'pino';
import type { JournalInput, Store } from './store/store.ts';

/** Most CALLs we remember the action of, per connection, while waiting for their result. */
const MAX_OPEN = 1000;

export interface Journal {
  onFrame(ev: FrameEvent): void;
}

/** Type id, message id and action of a frame; tolerant of garbage (journaled as type 0). */
export function frameHeader(text: string): { messageType: number; messageId: string; action?: string } {
  try {
    const arr = JSON.parse(text) as unknown;
    if (!Array.isArray(arr)) return { messageType: 0, messageId: '' };
    const messageType = typeof arr[0] === 'number' ? arr[0] : 0;
    const messageId = typeof arr[1] === 'string' ? arr[1] : '';
    const action = (messageType === 2 || messageType === 6) && typeof arr[2] === 'string' ? arr[2] : undefined;
    return { messageType, messageId, ...(action ? { action } : {}) };
  } catch {
    return { messageType: 0, messageId: '' };
  }
}

/**
 * messageId -> action of the CALLs open in one direction, to label their CALLRESULT/CALLERROR.
 * OCPP allows one outstanding CALL per direction, so one slot covers the normal case; a Map is made
 * only when a peer has more than one open (memory: one journal per connected station).
 */
class OpenCalls {
  private id: string | undefined = undefined;
  private action: string | undefined = undefined;
  private more: Map<string, string> | undefined = undefined;

  set(messageId: string, action: string): void {
    if (this.id === undefined || this.id === messageId) {
      this.id = messageId;
      this.action = action;
      return;
    }
    const m = (this.more ??= new Map());
    if (m.size + 1 >= MAX_OPEN) {
      // drop the oldest remembered CALL, as the single Map did
      this.id = undefined;
      this.action = undefined;
      const first = m.keys().next().value as string;
      this.id = first;
      this.action = m.get(first);
      m.delete(first);
    }
    m.set(messageId, action);
  }

  get(messageId: string): string | undefined {
    return this.id === messageId ? this.action : this.more?.get(messageId);
  }

  delete(messageId: string): void {
    if (this.id === messageId) {
      this.id = undefined;
      this.action = undefined;
      // promote the oldest of the others so the slot stays the oldest open CALL
      const m = this.more;
      if (m && m.size) {
        const first = m.keys().next().value as string;
        this.id = first;
        this.action = m.get(first);
        m.delete(first);
      }
    } else this.more?.delete(messageId);
  }
}

class StationJournal implements Journal {
  private readonly openIn = new OpenCalls();
  private readonly openOut = new OpenCalls();
  constructor(
    private readonly stationId: string,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly onEntry: ((e: JournalInput) => void) | undefined,
  ) {}

  onFrame(ev: FrameEvent): void {
    // The endpoint hands over the header it parsed; only a frame it could not parse is read here.
    let messageType: number;
    let messageId: string;
    let action: string | undefined;
    if (ev.messageType !== undefined) {
      messageType = ev.messageType;
      messageId = ev.messageId ?? '';
      action = messageType === 2 || messageType === 6 ? ev.action || undefined : undefined;
    } else {
      const h = frameHeader(ev.text);
      messageType = h.messageType;
      messageId = h.messageId;
      action = h.action;
    }
    if (messageType === 2 && action) {
      (ev.direction === 'in' ? this.openIn : this.openOut).set(messageId, action);
    } else if (messageType >= 3 && messageType <= 5) {
      // A result answers a CALL that went the other way.
      const m = ev.direction === 'in' ? this.openOut : this.openIn;
      action = m.get(messageId);
      if (messageType !== 5) m.delete(messageId);
    }
    const entry: JournalInput = {
      stationId: this.stationId,
      direction: ev.direction,
      messageType,
      messageId,
      payload: messageType === 2 && action ? redactSecrets(action, ev.text) : ev.text,
      at: new Date(ev.at),
    };
    if (action) entry.action = action;
    this.onEntry?.(entry);
    this.store.appendJournal([entry]).catch((err: unknown) => this.log.error({ err }, 'journal write failed'));
  }
}

const REDACTED = '***';

/**
 * [A01.FR.09] Passwords never reach the journal in clear: the BasicAuthPassword value of a SetVariables
 * request and the basicAuthPassword of a SetNetworkProfile request are replaced before storing. Only
 * frames that mention a password are parsed, so the hot path stays a substring test.
 */
export function redactSecrets(action: string, text: string): string {
  if (action !== 'SetVariables' && action !== 'SetNetworkProfile') return text;
  if (!/basicauthpassword/i.test(text)) return text;
  try {
    const frame = JSON.parse(text) as [number, string, string, Record<string, unknown>];
    const payload = frame[3];
    if (action === 'SetVariables' && Array.isArray(payload['setVariableData'])) {
      for (const item of payload['setVariableData'] as Array<{ variable?: { name?: string }; attributeValue?: string }>) {
        if (item.variable?.name === 'BasicAuthPassword' && item.attributeValue !== undefined) item.attributeValue = REDACTED;
      }
    }
    const data = payload['connectionData'] as Record<string, unknown> | undefined;
    if (action === 'SetNetworkProfile' && data && typeof data['basicAuthPassword'] === 'string') data['basicAuthPassword'] = REDACTED;
    return JSON.stringify(frame);
  } catch {
    return text;
  }
}

/** One journal per connection; `onEntry` may be shared by all (the entry names the station). */
export function createJournal(stationId: string, store: Store, log: Logger, onEntry?: (e: JournalInput) => void): Journal {
  return new StationJournal(stationId, store, log, onEntry);
}
