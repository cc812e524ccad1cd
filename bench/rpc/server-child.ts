// Benchmark server process: our CSMS-side stack (createOcppServer + handlers), the same handlers on
// ocpp-rpc (another open-source OCPP-J library for Node.js, widely used: a point of comparison, with its
// strict mode validating requests and responses against its OCPP 2.0.1 schemas, frames.ts), or a
// raw `ws` echo that parses the same frames and answers [3,id,{…}] with the same payloads. One server per
// process so CPU, memory and profiles belong to one configuration.
import { createServer, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { RPCServer } from 'ocpp-rpc';
import { createOcppServer, defaultDeflate, type OcppServer } from '@chargewire/ocpp';
import { serveOps } from '../lib/ipc.ts';
import { frames, responseOf, rpcProtocol } from './frames.ts';

export interface ServerConfig {
  /** ocpp: ours; ocpp-rpc: the ocpp-rpc library (devDependency, benchmarks only); raw: a `ws` echo. */
  kind: 'ocpp' | 'ocpp-rpc' | 'raw';
  /** permessage-deflate offered by the server: defaultDeflate (every kind) or off. */
  compression: boolean;
  /** Schema validation of requests and responses (ocpp, and ocpp-rpc's strictMode). */
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
let rpc: RPCServer | undefined;
let rpcConnections = 0;

function startOcpp(cfg: ServerConfig): void {
  ocpp = createOcppServer({
    versions: ['2.1', '2.0.1'],
    validate: cfg.validate,
    compression: cfg.compression,
    onConnection: ({ endpoint }) => {
      for (const f of Object.values(frames)) endpoint.handle(f.action, () => f.response() as never);
    },
  });
  ocpp.attach(http!);
}

function startOcppRpc(cfg: ServerConfig): void {
  // the same answers as startOcpp (frames.ts); each library pings at its default interval (ours 60 s,
  // ocpp-rpc 30 s): no ping falls in a measured window
  rpc = new RPCServer({
    protocols: [rpcProtocol],
    strictMode: cfg.validate,
    wssOptions: { perMessageDeflate: cfg.compression ? defaultDeflate : false },
  });
  rpc.on('client', (client) => {
    rpcConnections++;
    client.once('close', () => rpcConnections--);
    for (const f of Object.values(frames)) client.handle(f.action, () => f.response());
  });
  http!.on('upgrade', rpc.handleUpgrade);
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
    else if (cfg.kind === 'ocpp-rpc') startOcppRpc(cfg);
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
      connections: ocpp ? ocpp.connections.size : rpc ? rpcConnections : rawConnections,
    };
  },
});
