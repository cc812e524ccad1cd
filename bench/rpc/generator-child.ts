// Load-generator process: N stations over loopback, each with exactly one CALL outstanding (OCPP
// requires it), sending the next CALL as soon as the CALLRESULT arrives. Light raw `ws` clients with
// pre-serialised frames by default, so that we measure the server; `client: 'ocpp'` uses OcppClient
// (validation on) to measure our client side too.
import WebSocket from 'ws';
import { OcppClient } from '@chargewire/ocpp';
import { serveOps } from '../lib/ipc.ts';
import { quantile } from '../lib/stats.ts';
import { frames, type FrameName } from './frames.ts';

export interface ConnectArgs {
  port: number;
  stations: number;
  compression: boolean;
  client: 'raw' | 'ocpp';
  frame: FrameName;
  /** Identity prefix, so concurrent runs never collide. */
  prefix?: string;
  /** The subprotocol offered and required (raw clients; default ocpp2.1). */
  protocol?: 'ocpp2.1' | 'ocpp2.0.1';
}

export interface Mark {
  completed: number;
  errors: number;
  firstError?: string;
  at: number;
  cpuMicros: number;
  latencyMs: { p50: number; p99: number; mean: number; samples: number };
}

interface Station {
  index: number;
  seq: number;
  sentAt: number;
  busy: boolean;
  verified: boolean;
  expect: string;
  ws?: WebSocket;
  client?: OcppClient;
}

let stations: Station[] = [];
let cfg: ConnectArgs | undefined;
let running = false;
let completed = 0;
let errors = 0;
let firstError: string | undefined;
let lat = new Float64Array(1 << 20);
let latN = 0;
let idleWaiters: Array<() => void> = [];

function record(ms: number): void {
  if (latN < lat.length) lat[latN++] = ms;
}

function fail(text: string): void {
  errors++;
  firstError ??= text.slice(0, 300);
}

function settleIdle(): void {
  if (idleWaiters.length && stations.every((s) => !s.busy)) for (const w of idleWaiters.splice(0)) w();
}

// ---- raw `ws` stations -----------------------------------------------------------------------

let payloadJson = '{}';
let action = 'Heartbeat';

function sendRaw(s: Station): void {
  const id = `${s.index}-${++s.seq}`;
  s.expect = `[3,"${id}",`;
  s.busy = true;
  s.sentAt = performance.now();
  s.ws!.send(`[2,"${id}","${action}",${payloadJson}]`);
}

function onRawMessage(s: Station, data: WebSocket.RawData): void {
  const t = performance.now();
  const text = data.toString();
  s.busy = false;
  if (!text.startsWith(s.expect)) fail(text);
  else {
    if (!s.verified) {
      // Once per station: the whole reply must be a well-formed CALLRESULT with an object payload.
      const f = JSON.parse(text) as unknown[];
      if (f.length !== 3 || typeof f[2] !== 'object' || f[2] === null) fail(text);
      s.verified = true;
    }
    completed++;
    record(t - s.sentAt);
  }
  if (running) sendRaw(s);
  else settleIdle();
}

function openRaw(s: Station, a: ConnectArgs): Promise<void> {
  return new Promise((resolve, reject) => {
    const protocol = a.protocol ?? 'ocpp2.1';
    const ws = new WebSocket(`ws://127.0.0.1:${a.port}/ocpp/${a.prefix ?? 'BENCH'}${s.index}`, [protocol], {
      perMessageDeflate: a.compression ? {} : false,
    });
    s.ws = ws;
    ws.once('open', () => {
      if (ws.protocol !== protocol) return reject(new Error(`subprotocol not agreed: '${ws.protocol}'`));
      if (a.compression && !ws.extensions.includes('permessage-deflate')) return reject(new Error('permessage-deflate not negotiated'));
      if (!a.compression && ws.extensions !== '') return reject(new Error(`unexpected extensions ${ws.extensions}`));
      resolve();
    });
    ws.once('error', reject);
    ws.on('message', (data) => onRawMessage(s, data));
  });
}

// ---- OcppClient stations ---------------------------------------------------------------------

async function loopOcpp(s: Station): Promise<void> {
  const f = frames[cfg!.frame];
  while (running) {
    s.busy = true;
    const t0 = performance.now();
    try {
      await s.client!.call(f.action, f.request as never);
      completed++;
      record(performance.now() - t0);
    } catch (err) {
      fail(String(err));
    }
  }
  s.busy = false;
  settleIdle();
}

async function openOcpp(s: Station, a: ConnectArgs): Promise<void> {
  s.client = new OcppClient({
    url: `ws://127.0.0.1:${a.port}/ocpp`, identity: `${a.prefix ?? 'BENCH'}${s.index}`, versions: ['2.1'],
    compression: a.compression, reconnect: false, limits: { pingIntervalMs: 0 },
  });
  await s.client.connect();
}

// ---- ops -------------------------------------------------------------------------------------

async function connect(a: ConnectArgs): Promise<{ connected: number; ms: number }> {
  const t0 = performance.now();
  cfg = a;
  payloadJson = JSON.stringify(frames[a.frame].request);
  action = frames[a.frame].action;
  stations = Array.from({ length: a.stations }, (_, index) => ({ index, seq: 0, sentAt: 0, busy: false, verified: false, expect: '' }));
  const batch = 200;
  for (let i = 0; i < stations.length; i += batch) {
    await Promise.all(stations.slice(i, i + batch).map((s) => (a.client === 'raw' ? openRaw(s, a) : openOcpp(s, a))));
  }
  return { connected: stations.length, ms: performance.now() - t0 };
}

function start(): null {
  running = true;
  completed = 0;
  errors = 0;
  firstError = undefined;
  latN = 0;
  for (const s of stations) {
    if (cfg!.client === 'raw') sendRaw(s);
    else void loopOcpp(s);
  }
  return null;
}

function mark(): Mark {
  const sorted = lat.subarray(0, latN).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  const cpu = process.cpuUsage();
  const out: Mark = {
    completed, errors, firstError, at: performance.now(),
    cpuMicros: cpu.user + cpu.system,
    latencyMs: { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), mean: sorted.length ? sum / sorted.length : NaN, samples: sorted.length },
  };
  latN = 0;
  return out;
}

/** Stop sending, wait for every outstanding CALL to be answered (bounded), report totals. */
async function stop(): Promise<{ completed: number; errors: number; firstError?: string }> {
  running = false;
  await new Promise<void>((r) => {
    idleWaiters.push(r);
    settleIdle();
    setTimeout(r, 5_000).unref();
  });
  return { completed, errors, firstError };
}

/** Every station makes one CALL of `frame` (e.g. to bring its zlib contexts to life), then idles. */
async function once(args: { frame: FrameName }): Promise<{ completed: number; errors: number; firstError?: string }> {
  const f = frames[args.frame];
  payloadJson = JSON.stringify(f.request);
  action = f.action;
  if (cfg!.client === 'raw') {
    await new Promise<void>((r) => {
      idleWaiters.push(r);
      for (const s of stations) sendRaw(s);
    });
  } else {
    await Promise.all(stations.map((s) => s.client!.call(f.action, f.request as never).then(() => { completed++; }, (e) => fail(String(e)))));
  }
  return { completed, errors, firstError };
}

async function disconnect(): Promise<null> {
  running = false;
  await Promise.all(stations.map((s) => {
    if (s.client) return s.client.close();
    const ws = s.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return undefined;
    return new Promise<void>((r) => {
      ws.once('close', () => r());
      ws.close(1000);
      setTimeout(() => { ws.terminate(); r(); }, 2_000).unref();
    });
  }));
  stations = [];
  idleWaiters = [];
  lat = new Float64Array(1 << 20);
  return null;
}

serveOps({ connect, start, mark, stop, once, disconnect });
