// An in-memory transport pair for socket-free tests (design habit 11): what one side sends, the other
// receives on a later macrotask, like a socket would deliver it.
import { OcppEndpoint, type EndpointOptions, type Transport } from './endpoint.ts';

export class MemoryTransport implements Transport {
  peer: MemoryTransport | undefined;
  onMessage: ((text: string) => void) | undefined;
  onClose: ((code: number, reason: string) => void) | undefined;
  /** Every frame this side sent, in order (handy for raw-frame assertions). */
  readonly sent: string[] = [];
  private isClosed = false;

  send(text: string): void {
    if (this.isClosed) return;
    this.sent.push(text);
    const peer = this.peer;
    setImmediate(() => peer?.deliver(text));
  }

  close(code = 1000, reason = ''): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const peer = this.peer;
    setImmediate(() => {
      this.onClose?.(code, reason);
      peer?.closeFromPeer(code, reason);
    });
  }

  /** Inject a raw frame as if the peer had sent it. */
  deliver(text: string): void {
    if (!this.isClosed) this.onMessage?.(text);
  }

  private closeFromPeer(code: number, reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.onClose?.(code, reason);
  }
}

export function createMemoryTransportPair(): [MemoryTransport, MemoryTransport] {
  const a = new MemoryTransport();
  const b = new MemoryTransport();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

type SideOptions = Omit<EndpointOptions, 'transport' | 'role' | 'version' | 'identity'>;

/** Two endpoints (CSMS and station) wired through a memory transport pair. */
export function createEndpointPair(opts: {
  version: EndpointOptions['version'];
  identity?: string;
  csms?: SideOptions;
  station?: SideOptions;
}): { csms: OcppEndpoint; station: OcppEndpoint; csmsTransport: MemoryTransport; stationTransport: MemoryTransport } {
  const [csmsTransport, stationTransport] = createMemoryTransportPair();
  const identity = opts.identity ?? 'CS001';
  const csms = new OcppEndpoint({ ...opts.csms, version: opts.version, role: 'csms', identity, transport: csmsTransport });
  const station = new OcppEndpoint({ ...opts.station, version: opts.version, role: 'station', identity, transport: stationTransport });
  attach(csms, csmsTransport);
  attach(station, stationTransport);
  return { csms, station, csmsTransport, stationTransport };
}

export function attach(endpoint: OcppEndpoint, t: MemoryTransport): void {
  t.onMessage = (text) => endpoint.receive(text);
  t.onClose = (code, reason) => endpoint.transportClosed(code, reason);
}
