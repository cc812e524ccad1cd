// A scripted CSMS for station tests: answers every station-initiated action with sensible defaults
// (overridable per action), records every request, and can call the station.
import type { Action, ActionMap, OcppEndpoint, OcppTypes } from '@chargewire/ocpp';

export interface Received { action: string; payload: any; at: number }
type Reply<A extends Action> = (req: ActionMap[A]['request']) => ActionMap[A]['response'] | Promise<ActionMap[A]['response']>;

export class ScriptedCsms {
  readonly received: Received[] = [];
  endpoint: OcppEndpoint | undefined;
  readonly replies: { [A in Action]?: Reply<A> } = {};
  private waiters: Array<() => void> = [];

  constructor(overrides: { [A in Action]?: Reply<A> } = {}) {
    const now = () => new Date().toISOString();
    const defaults: { [A in Action]?: Reply<A> } = {
      BootNotification: () => ({ currentTime: now(), interval: 300, status: 'Accepted' }),
      Heartbeat: () => ({ currentTime: now() }),
      StatusNotification: () => ({}),
      MeterValues: () => ({}),
      NotifyReport: () => ({}),
      NotifyEvent: () => ({}),
      Authorize: () => ({ idTokenInfo: { status: 'Accepted' } }),
      TransactionEvent: () => ({}),
      DataTransfer: () => ({ status: 'Accepted' }),
      LogStatusNotification: () => ({}),
      FirmwareStatusNotification: () => ({}),
      SecurityEventNotification: () => ({}),
    };
    Object.assign(this.replies, defaults, overrides);
  }

  /** Bind to a new CSMS-side endpoint (MemoryLink onCsms or createOcppServer onConnection). */
  attach = (ep: OcppEndpoint): void => {
    this.endpoint = ep;
    for (const action of Object.keys(this.replies) as Action[]) {
      ep.handle(action, async (_ctx, req) => {
        this.received.push({ action, payload: req, at: Date.now() });
        const fn = this.replies[action] as Reply<Action>;
        const res = await fn(req as never);
        for (const w of this.waiters.splice(0)) w();
        return res as never;
      });
    }
  };

  of<A extends Action>(action: A): ActionMap[A]['request'][] {
    return this.received.filter((r) => r.action === action).map((r) => r.payload);
  }
  get txEvents(): OcppTypes.TransactionEventRequest[] { return this.of('TransactionEvent'); }
  clear(): void { this.received.length = 0; }

  call<A extends Action>(action: A, payload: ActionMap[A]['request']): Promise<ActionMap[A]['response']> {
    if (!this.endpoint) throw new Error('CSMS not connected');
    return this.endpoint.call(action, payload);
  }

  /** Wait (real time) until `pred` holds. */
  async until(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > end) throw new Error('timed out waiting for the CSMS to receive the expected messages');
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 20); });
    }
  }
}
