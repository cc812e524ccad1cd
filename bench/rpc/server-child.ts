// Benchmark server process: either our CSMS-side stack (createOcppServer + handlers) or a raw `ws`
// echo that parses the same frames and answers [3,id,{…}] with the same payloads. One server per
// process so CPU, memory and profiles belong to one configuration.
import { createServer, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { createOcppServer, defaultDeflate, type OcppServer } from '@chargewire/ocpp';
import { serveOps } from '../lib/ipc.ts';
import { frames, responseOf } from './frames.ts';

export interface ServerConfig {
  kind: 'ocpp' | 'raw';
  /** permessage-deflate offered by the server: defaultDeflate (both kinds) or off. */
  compression: boolean;
  /** Schema validation of requests and responses (ocpp only). */
  validate: boolean;
}

export interface ServerUsage {
  /** process.cpuUsage() user+system in microseconds. */
  cpuMicros: number;
  /** performance.now() at the sample. */
  at: number;
  rss: number;
  heapUsed: number;
  external: number;
  connections: number;
}

let http: Server | undefined;
let ocpp: OcppServer | undefined;
let raw: WebSocketServer | undefined;
let rawConnections = 0;

function startOcpp(cfg: ServerConfig): void {
  ocpp = createOcppServer({
    versions: ['2.1', '2.0.1'],
    validate: cfg.validate,
    compression: cfg.compression,
    onConnection: ({ endpoint }) => {
      endpoint.handle('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
      endpoint.handle('BootNotification', () => frames.boot.response() as never);
      endpoint.handle('MeterValues', () => ({}));
      endpoint.handle('NotifyReport', () => ({}));
    },
  });
  ocpp.attach(http!);
}

function startRaw(cfg: ServerConfig): void {
  raw = new WebSocketServer({
    server: http,
    perMessageDeflate: cfg.compression ? defaultDeflate : false,
    clientTracking: false,
    handleProtocols: (offered) => (offered.has('ocpp2.1') ? 'ocpp2.1' : false),
  });
  raw.on('connection', (ws: WebSocket) => {
    rawConnections++;
    ws.on('close', () => rawConnections--);
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as [number, string, string, unknown];
      const payload = responseOf[msg[2]]?.() ?? {};
      ws.send(JSON.stringify([3, msg[1], payload]));
    });
  });
}

serveOps({
  async start(cfg: ServerConfig): Promise<{ port: number; pid: number }> {
    http = createServer((_req, res) => res.writeHead(404).end());
    http.keepAliveTimeout = 1000;
    if (cfg.kind === 'ocpp') startOcpp(cfg);
    else startRaw(cfg);
    await new Promise<void>((r) => http!.listen(0, '127.0.0.1', 1024, r));
    const addr = http.address();
    if (!addr || typeof addr === 'string') throw new Error('no port');
    return { port: addr.port, pid: process.pid };
  },
  usage(args: { gc?: boolean }): ServerUsage {
    if (args?.gc && globalThis.gc) { globalThis.gc(); globalThis.gc(); }
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    return {
      cpuMicros: cpu.user + cpu.system,
      at: performance.now(),
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      external: mem.external,
      connections: ocpp ? ocpp.connections.size : rawConnections,
    };
  },
});
