// A raw-frame CSMS for station tests: a StationLink whose CSMS side is not an endpoint but the test
// itself. It records every frame the station sends and can inject frames back-to-back in one tick
// (as if they had arrived in the same socket read), which a scripted endpoint cannot do.
import { EventEmitter } from 'node:events';
import { createEndpointPair, type Action, type Handler, type HandlerTable, type MemoryTransport, type OcppEndpoint, type OcppVersion } from '@chargewire/ocpp';
import type { StationLink } from '../station-types.ts';

export type RawFrame = [number, string, ...unknown[]];

export class RawCsmsLink extends EventEmitter implements StationLink {
  /** Every frame the station sent, parsed, in order. */
  readonly frames: RawFrame[] = [];
  private current: OcppEndpoint | undefined;
  private toStation: MemoryTransport | undefined;
  private readonly handlers: HandlerTable = {};
  private waiters: Array<() => void> = [];

  /**
   * `auto`: CALLs answered automatically with the given payload (e.g. StatusNotification: {}), so a
   * test only scripts the exchange it is about.
   */
  constructor(readonly version: OcppVersion = '2.1', readonly identity = 'CS001', readonly auto: Record<string, unknown> = {}) { super(); }

  get endpoint(): OcppEndpoint | undefined { return this.current && !this.current.closed ? this.current : undefined; }

  handle<A extends Action>(action: A, fn: Handler<A>): this {
    (this.handlers as Record<string, unknown>)[action] = fn;
    return this;
  }

  async connect(): Promise<void> {
    if (this.endpoint) return;
    const { station, csmsTransport, stationTransport } = createEndpointPair({ version: this.version, identity: this.identity });
    station.handleAll(this.handlers);
    // The station's frames land here instead of in a CSMS endpoint.
    csmsTransport.onMessage = (text) => {
      const f = JSON.parse(text) as RawFrame;
      this.frames.push(f);
      if (f[0] === 2 && typeof f[2] === 'string' && f[2] in this.auto) setImmediate(() => this.deliver([3, f[1], this.auto[f[2] as string]]));
      for (const w of this.waiters.splice(0)) w();
    };
    this.toStation = stationTransport;
    this.current = station;
    void station.whenClosed().then((info) => { if (this.current === station) this.emit('close', info); });
    this.emit('open', { version: this.version, endpoint: station });
  }

  async close(code = 1000, reason = ''): Promise<void> { this.current?.close(code, reason); }
  drop(): void { this.current?.close(1006, 'dropped'); }

  /** Hand frames to the station synchronously, one after the other, in the same tick. */
  deliver(...frames: unknown[]): void {
    for (const f of frames) this.toStation!.deliver(JSON.stringify(f));
  }

  /** Wait (real time) for the first frame matching `pred` sent from index `from` on. */
  async next(pred: (f: RawFrame) => boolean, from = 0, timeoutMs = 2000): Promise<RawFrame> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.frames.slice(from).find(pred);
      if (hit) return hit;
      if (Date.now() > end) throw new Error('timed out waiting for a frame from the station');
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 20); });
    }
  }

  /** The next CALL of `action` (from index `from`). */
  call(action: string, from = 0): Promise<RawFrame> { return this.next((f) => f[0] === 2 && f[2] === action, from); }
  /** The CALLRESULT / CALLERROR answering messageId. */
  answer(messageId: string): Promise<RawFrame> { return this.next((f) => (f[0] === 3 || f[0] === 4) && f[1] === messageId); }
}
