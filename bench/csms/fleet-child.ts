// Load-generator process for the CSMS benchmarks: N light raw-`ws` stations that connect, boot
// (BootNotification Accepted), then idle, reconnect after a drop (OCPP-style back-off: minimum wait
// plus a small random range, doubling on failure), or run a realistic, time-compressed fleet mix.
// One CALL outstanding per station (OCPP); later CALLs wait in the station's queue.
// Also: a saturating mode (the next CALL of the mix as soon as the previous is answered, for `ceiling`),
// churn (random closes, then reconnect and boot again, for `soak`) and wss:// with a given CA (idle tls).
import WebSocket from 'ws';
import type { TLSSocket } from 'node:tls';
import { serveOps } from '../lib/ipc.ts';
import { loopLateness } from '../lib/loop-lateness.ts';
import { quantile } from '../lib/stats.ts';
import { bootRequest, heartbeat, cycleStep, random, uniform } from './fleet-frames.ts';

// The fleet's IPC types (connect arguments, counts, marks) live in fleet-types.ts.
import type { FleetConnectArgs, FleetCounts, SteadyMark } from './fleet-types.ts';

interface Pending { action: string; payload: Record<string, unknown>; due: number }

interface Station {
  index: number;
  identity: string;
  ws?: WebSocket;
  booted: boolean;
  seq: number;
  expect: string;
  busy: boolean;
  inflight?: Pending;
  queue: Pending[];
  failures: number;
  // fleet mix state
  tx?: { id: string; seqNo: number; left: number; energy: number };
  txCount: number;
  timers: NodeJS.Timeout[];
  // saturating mode: CALLs of the current mix step not sent yet, steps taken
  sat?: Array<[string, Record<string, unknown>]>;
  satSteps?: number;
}

let args: FleetConnectArgs | undefined;
let stations: Station[] = [];
let reconnect = false;
let closing = false;
let counts: FleetCounts = freshCounts();
const bootWaiters = new Set<() => void>();

// steady state
let mixOn = false;
let compression = 1;
let completed = 0;
let due = 0;
const byAction: Record<string, number> = {};
let lat = new Float64Array(1 << 21);
let latN = 0;

function freshCounts(): FleetCounts {
  return { at: 0, open: 0, booted: 0, boots: 0, connectFailures: 0, drops: 0, lastBootAt: 0, churned: 0, errors: 0 };
}

function fail(text: string): void {
  counts.errors++;
  counts.firstError ??= text.slice(0, 300);
}

function send(s: Station, p: Pending): void {
  const id = String(++s.seq);
  s.expect = `[3,"${id}",`;
  s.busy = true;
  s.inflight = p;
  s.ws!.send(`[2,"${id}","${p.action}",${JSON.stringify(p.payload)}]`);
}

function enqueue(s: Station, action: string, payload: Record<string, unknown>): void {
  if (!s.booted || !s.ws || s.ws.readyState !== WebSocket.OPEN) return;
  const p = { action, payload, due: performance.now() };
  due++;
  if (s.busy) s.queue.push(p);
  else send(s, p);
}

function onMessage(s: Station, data: WebSocket.RawData): void {
  const text = data.toString();
  if (text.startsWith('[2,')) {
    // A CALL from the CSMS: answer with an empty CALLRESULT (none is expected in these runs).
    const f = JSON.parse(text) as [number, string];
    s.ws?.send(`[3,"${f[1]}",{}]`);
    return;
  }
  const p = s.inflight;
  s.busy = false;
  s.inflight = undefined;
  if (!p || !text.startsWith(s.expect)) {
    fail(text);
  } else if (p.action === 'BootNotification') {
    if (!text.includes('"status":"Accepted"')) fail(text);
    else {
      s.booted = true;
      s.failures = 0;
      counts.booted++;
      counts.boots++;
      counts.lastBootAt = Date.now();
      if (counts.booted === stations.length) for (const w of bootWaiters) w();
      if (mixOn) startMix(s);
      if (satOn && !s.queue.length) s.queue.push(satNext(s));
    }
  } else {
    completed++;
    byAction[p.action] = (byAction[p.action] ?? 0) + 1;
    if (latN < lat.length) lat[latN++] = performance.now() - p.due;
  }
  const next = s.queue.shift() ?? (satOn && s.booted ? satNext(s) : undefined);
  if (next && s.ws?.readyState === WebSocket.OPEN) send(s, next);
  else if (!satOn && idleWaiters.size && !s.busy) settleIdle();
}

function backoffMs(s: Station): number {
  const b = args!.backoff;
  return Math.min(b.maxMs, b.minMs * 2 ** Math.min(s.failures, 10)) + random() * b.rangeMs;
}

function clearStation(s: Station): void {
  for (const t of s.timers) clearTimeout(t);
  s.timers = [];
  s.queue = [];
  s.busy = false;
  s.inflight = undefined;
  s.tx = undefined;
  s.sat = undefined;
  if (s.booted) counts.booted--;
  s.booted = false;
}

/** Open one station's connection and send its BootNotification; resolves on open (or failure). */
function open(s: Station): Promise<void> {
  const a = args!;
  return new Promise((resolve) => {
    const ws = new WebSocket(`${a.tls ? 'wss' : 'ws'}://127.0.0.1:${a.ports?.length ? a.ports[s.index % a.ports.length] : a.port}/ocpp/${s.identity}`, ['ocpp2.1'], {
      perMessageDeflate: a.compression ? {} : false,
      localAddress: a.addresses[s.index % a.addresses.length],
      ...(a.tls ? { ca: a.tls.ca } : {}),
      ...(a.password ? { headers: { Authorization: `Basic ${Buffer.from(`${s.identity}:${a.password}`).toString('base64')}` } } : {}),
    });
    s.ws = ws;
    let opened = false;
    ws.once('open', () => {
      opened = true;
      counts.open++;
      if (ws.protocol !== 'ocpp2.1') fail(`subprotocol not agreed: '${ws.protocol}'`);
      if (a.compression && !ws.extensions.includes('permessage-deflate')) fail('permessage-deflate not negotiated');
      if (a.tls) {
        const sock = (ws as unknown as { _socket?: TLSSocket })._socket;
        counts.tls = `${sock?.getProtocol?.() ?? '?'} ${sock?.getCipher?.().standardName ?? '?'}`;
      }
      send(s, { action: 'BootNotification', payload: bootRequest, due: performance.now() });
      resolve();
    });
    ws.on('message', (d) => onMessage(s, d));
    ws.on('error', () => {});
    ws.once('close', () => {
      if (opened) { counts.open--; counts.drops++; } else counts.connectFailures++;
      clearStation(s);
      if (reconnect && !closing) {
        if (!opened) s.failures++;
        setTimeout(() => { if (!closing) void open(s); }, backoffMs(s)).unref();
      }
      resolve();
    });
  });
}

// ---- the fleet mix (real-time seconds, divided by `compression`) ---------------------------------
// Heartbeat every 300 s. A charging cycle: StatusNotification Occupied, TransactionEvent Started,
// 10–40 TransactionEvent Updated with meter values every 15–60 s, TransactionEvent Ended,
// StatusNotification Available, then idle for 30–300 s.
function later(s: Station, seconds: number, fn: () => void): void {
  const t = setTimeout(() => {
    s.timers = s.timers.filter((x) => x !== t);
    if (mixOn && s.booted) fn();
  }, (seconds * 1000) / compression);
  s.timers.push(t);
}

function heartbeatLoop(s: Station): void {
  enqueue(s, 'Heartbeat', heartbeat());
  later(s, 300, () => heartbeatLoop(s));
}

function cycle(s: Station): void {
  const { calls, waitS } = cycleStep(s);
  for (const [action, payload] of calls) enqueue(s, action, payload);
  later(s, waitS, () => cycle(s));
}

function startMix(s: Station): void {
  // Random phases, so that the fleet does not beat in step.
  later(s, uniform(0, 300), () => heartbeatLoop(s));
  later(s, uniform(0, 60), () => cycle(s));
}

// ---- saturating mode (ceiling): the same CALLs without the waits, one outstanding per station -------
// A Heartbeat every 9th step: ≈ 10% of CALLs, close to the mix's share in real time (11%).
let satOn = false;
const idleWaiters = new Set<() => void>();

function satNext(s: Station): Pending {
  if (!s.sat?.length) {
    s.satSteps = (s.satSteps ?? 0) + 1;
    s.sat = s.satSteps % 9 === 0 ? [['Heartbeat', heartbeat()]] : cycleStep(s).calls;
  }
  const [action, payload] = s.sat.shift()!;
  return { action, payload, due: performance.now() };
}

function settleIdle(): void {
  if (stations.every((s) => !s.busy)) for (const w of idleWaiters) w();
}

function satStart(): null {
  satOn = true;
  completed = 0;
  latN = 0;
  for (const s of stations) if (s.booted && !s.busy && s.ws?.readyState === WebSocket.OPEN) send(s, satNext(s));
  return null;
}

/** Stop sending new CALLs and wait (≤ 5 s) until every outstanding one is answered. */
async function satStop(): Promise<FleetCounts> {
  satOn = false;
  await new Promise<void>((r) => {
    idleWaiters.add(r);
    settleIdle();
    setTimeout(r, 5_000).unref();
  });
  idleWaiters.clear();
  return snapshot();
}

// ---- churn (soak): close random booted stations; they reconnect with their back-off and boot again --
let churnTimer: NodeJS.Timeout | undefined;

function churnStart(o: { perS: number }): null {
  let owed = 0;
  const tickMs = 100;
  clearInterval(churnTimer);
  churnTimer = setInterval(() => {
    owed += (o.perS * tickMs) / 1000;
    for (let tries = 0; owed >= 1 && tries < 20; tries++) {
      const s = stations[Math.floor(random() * stations.length)];
      if (!s?.booted || s.ws?.readyState !== WebSocket.OPEN) continue;
      owed--;
      counts.churned++;
      s.ws.close(1000);
    }
  }, tickMs);
  return null;
}

function churnStop(): null {
  clearInterval(churnTimer);
  churnTimer = undefined;
  return null;
}

// ---- ops -------------------------------------------------------------------------------------------

async function connect(a: FleetConnectArgs): Promise<FleetCounts & { ms: number }> {
  const t0 = performance.now();
  args = a;
  closing = false;
  reconnect = false;
  counts = freshCounts();
  stations = Array.from({ length: a.stations }, (_, index) => ({
    index, identity: `${a.prefix}${index}`, booted: false, seq: 0, expect: '', busy: false, queue: [], failures: 0, txCount: 0, timers: [],
  }));
  const allBooted = new Promise<void>((r) => bootWaiters.add(r));
  for (let i = 0; i < stations.length; i += a.concurrency) {
    await Promise.all(stations.slice(i, i + a.concurrency).map(open));
  }
  await Promise.race([allBooted, new Promise((r) => setTimeout(r, 60_000).unref())]);
  bootWaiters.clear();
  return { ...snapshot(), ms: performance.now() - t0 };
}

function snapshot(): FleetCounts {
  return { ...counts, at: performance.now() };
}

/** Turn reconnection on/off and zero the storm counters. */
function arm(o: { reconnect: boolean }): FleetCounts {
  reconnect = o.reconnect;
  const keep = { open: counts.open, booted: counts.booted };
  counts = { ...freshCounts(), ...keep, ...(counts.tls ? { tls: counts.tls } : {}) };
  return snapshot();
}

function mixStart(o: { compression: number }): null {
  compression = o.compression;
  mixOn = true;
  completed = 0;
  due = 0;
  latN = 0;
  for (const s of stations) if (s.booted) startMix(s);
  return null;
}

function mixSet(o: { compression: number }): null {
  compression = o.compression;
  return null;
}

const loopLate = loopLateness(10);

function mark(): SteadyMark {
  const sorted = lat.subarray(0, latN).sort();
  const cpu = process.cpuUsage();
  let queued = 0;
  for (const s of stations) queued += s.queue.length;
  const out: SteadyMark = {
    at: performance.now(), cpuMicros: cpu.user + cpu.system, completed, due, byAction: { ...byAction },
    loopLate: loopLate.take(),
    errors: counts.errors, firstError: counts.firstError, queued,
    latencyMs: { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.length ? sorted[sorted.length - 1]! : NaN, samples: sorted.length },
  };
  latN = 0;
  return out;
}

function mixStop(): null {
  mixOn = false;
  for (const s of stations) {
    for (const t of s.timers) clearTimeout(t);
    s.timers = [];
    s.queue = [];
  }
  return null;
}

async function disconnect(): Promise<null> {
  closing = true;
  mixOn = false;
  satOn = false;
  churnStop();
  await Promise.all(stations.map((s) => {
    const ws = s.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return undefined;
    return new Promise<void>((r) => {
      ws.once('close', () => r());
      ws.close(1000);
      setTimeout(() => { ws.terminate(); r(); }, 3_000).unref();
    });
  }));
  stations = [];
  lat = new Float64Array(1 << 21);
  return null;
}

serveOps({ connect, counts: snapshot, arm, mixStart, mixSet, mark, mixStop, satStart, satStop, churnStart, churnStop, disconnect });
