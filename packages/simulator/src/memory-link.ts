// A socket-free StationLink for tests: every connect() makes a fresh createEndpointPair and hands
// the CSMS end to `onCsms` (a scripted CSMS), like a new WebSocket session would.
import { EventEmitter } from 'node:events';
import { createEndpointPair, type Action, type Handler, type HandlerTable, type OcppEndpoint, type OcppVersion } from '@chargewire/ocpp';
import type { StationLink } from './station-types.ts';

export class MemoryLink extends EventEmitter implements StationLink {
  private current: OcppEndpoint | undefined;
  private readonly handlers: HandlerTable = {};
  /** Number of sessions opened so far. */
  sessions = 0;

  constructor(private readonly onCsms: (csms: OcppEndpoint, version: OcppVersion) => void, readonly version: OcppVersion = '2.1', readonly identity = 'CS001') {
    super();
  }

  get endpoint(): OcppEndpoint | undefined { return this.current && !this.current.closed ? this.current : undefined; }

  handle<A extends Action>(action: A, fn: Handler<A>): this {
    (this.handlers as Record<string, unknown>)[action] = fn;
    return this;
  }

  async connect(): Promise<void> {
    if (this.endpoint) return;
    const { csms, station } = createEndpointPair({ version: this.version, identity: this.identity });
    station.handleAll(this.handlers);
    this.onCsms(csms, this.version);
    this.current = station;
    this.sessions++;
    void station.whenClosed().then((info) => { if (this.current === station) this.emit('close', info); });
    this.emit('open', { version: this.version, endpoint: station });
  }

  async close(code = 1000, reason = ''): Promise<void> {
    this.current?.close(code, reason);
  }

  drop(): void { this.current?.close(1006, 'dropped'); }
}
