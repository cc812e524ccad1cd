// The raw ceiling for `npm run bench -- ceiling`: a minimal `ws` server that parses every frame and
// answers a schema-plausible CALLRESULT for the fleet's actions (BootNotification Accepted, Heartbeat
// currentTime, StatusNotification / TransactionEvent / anything else `{}`), with no validation, no
// sessions and no persistence. One per process, so its CPU and memory are its own.
import { createServer, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveOps } from '../lib/ipc.ts';

export interface RawUsage { at: number; cpuMicros: number; rss: number; heapUsed: number; connections: number; calls: number }

let http: Server | undefined;
let connections = 0;
let calls = 0;

/** The CALLRESULT payload for a CALL of `action` (what a CSMS would answer, minus the work). */
export function rawAnswer(action: string): Record<string, unknown> {
  switch (action) {
    case 'BootNotification': return { currentTime: new Date().toISOString(), interval: 300, status: 'Accepted' };
    case 'Heartbeat': return { currentTime: new Date().toISOString() };
    default: return {};
  }
}

serveOps({
  async start(): Promise<{ port: number; pid: number }> {
    http = createServer((_req, res) => res.writeHead(404).end());
    const wss = new WebSocketServer({
      server: http,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (offered) => (offered.has('ocpp2.1') ? 'ocpp2.1' : false),
    });
    wss.on('connection', (ws: WebSocket) => {
      connections++;
      ws.on('close', () => connections--);
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as [number, string, string, unknown];
        if (msg[0] !== 2) return; // a CALLRESULT from a station: nothing to answer
        calls++;
        ws.send(JSON.stringify([3, msg[1], rawAnswer(msg[2])]));
      });
    });
    await new Promise<void>((r) => http!.listen(0, '127.0.0.1', 1024, r));
    const addr = http.address();
    if (!addr || typeof addr === 'string') throw new Error('no port');
    return { port: addr.port, pid: process.pid };
  },
  usage(args?: { gc?: boolean }): RawUsage {
    if (args?.gc && globalThis.gc) { globalThis.gc(); globalThis.gc(); }
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    return { at: performance.now(), cpuMicros: cpu.user + cpu.system, rss: mem.rss, heapUsed: mem.heapUsed, connections, calls };
  },
});
