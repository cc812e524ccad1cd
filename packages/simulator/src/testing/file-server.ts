// A file server on 127.0.0.1 for the station's log uploads (N01) and firmware downloads (L01/L02) in
// tests: records every request, serves files put into it, and can hold requests (an upload or download
// "in progress") until released, fail them with a status, or answer with a redirect.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer; at: number }

export class FileServer {
  readonly received: Received[] = [];
  readonly files = new Map<string, Buffer>();
  /** Answer every request with this status (e.g. 500, 403, 302); undefined: serve normally. */
  failWith: number | undefined;
  /** Hold requests until release() (they count as received when they arrive). */
  hold = false;
  private held: Array<() => void> = [];
  private server: Server;
  base = '';

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  url(path: string): string { return `${this.base}${path}`; }

  /** Let held requests complete. */
  release(): void { for (const r of this.held.splice(0)) r(); }

  get heldCount(): number { return this.held.length; }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() };
      this.received.push(r);
      const answer = (): void => {
        if (res.destroyed) return;
        if (this.failWith !== undefined) {
          res.writeHead(this.failWith, this.failWith >= 300 && this.failWith < 400 ? { location: `${this.base}/elsewhere` } : {}).end();
          return;
        }
        if (r.method === 'GET') {
          const f = this.files.get(r.url);
          if (!f) { res.writeHead(404).end(); return; }
          res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(f);
          return;
        }
        this.files.set(r.url, r.body);
        res.writeHead(201).end();
      };
      if (this.hold) this.held.push(answer); else answer();
    });
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Wait (real time) until `pred` holds. */
export async function until(pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
