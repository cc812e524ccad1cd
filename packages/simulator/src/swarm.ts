// Swarm mode: N light stations in one process against a loopback CSMS, with ramp-up, a realistic
// message mix (boot, heartbeats, status changes, transactions with periodic meter values) and a live
// summary line every second. All stations share one WheelClock, so timers cost one Node interval.
import { WheelClock } from './clock.ts';
import { createStation, type Station } from './station.ts';
import type { OcppVersion } from '@chargewire/ocpp';

export interface SwarmOptions {
  url: string;
  count: number;
  rampMs?: number;
  durationS: number;
  idPrefix?: string;
  password?: string;
  versions?: OcppVersion[];
  allowRemote?: boolean;
  /** Heartbeat interval forced after boot (s); default keeps the CSMS's interval. */
  heartbeatS?: number;
  /** Idle time before a session and charging time, in ms ranges (default [5000, 20000] and [20000, 90000]). */
  idleMs?: [number, number];
  chargeMs?: [number, number];
  /** Ask the CSMS to authorize the (random) tokens; default false: free vend (AuthCtrlr.Enabled = false). */
  authorize?: boolean;
  /** Sampled meter values interval inside transactions (s, default 10). */
  meterIntervalS?: number;
  print?: (line: string) => void;
}

export interface SwarmSummary {
  stations: number; connectedMax: number; messages: number; errors: number;
  p50: number; p95: number; p99: number; transactions: number; durationS: number;
}

export class SwarmError extends Error {
  constructor(readonly code: 'OCPP_ERR_SWARM_REMOTE', message: string) { super(message); this.name = 'SwarmError'; }
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** Loopback only unless explicitly allowed (load tests must not hit someone else's CSMS). */
export function assertLoopback(url: string, allowRemote = false): void {
  const host = new URL(url).hostname;
  if (!allowRemote && !LOOPBACK.test(host)) throw new SwarmError('OCPP_ERR_SWARM_REMOTE', `swarm mode targets loopback only (got ${host}); pass --allow-remote to override`);
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runSwarm(o: SwarmOptions): Promise<SwarmSummary> {
  assertLoopback(o.url, o.allowRemote);
  const clock = new WheelClock(50);
  const print = o.print ?? ((l: string) => process.stdout.write(l + '\n'));
  const stations: Station[] = [];
  const latencies: number[] = [];
  let windowMsgs = 0, messages = 0, errors = 0, transactions = 0, connectedMax = 0;
  let stopping = false;
  const started = Date.now();
  const endAt = started + o.durationS * 1000;
  const rnd = (a: number, b: number) => a + Math.random() * (b - a);

  const behave = (st: Station): void => {
    // Idle 5–20 s, then a session: plug, token, charge 20–90 s (periodic meter values), stop, unplug.
    const cycle = (): void => {
      if (Date.now() > endAt) return;
      clock.setTimeout(() => {
        if (!st.connected || st.registration !== 'Accepted') return cycle();
        try { st.plugIn(1, 1); } catch { return cycle(); }
        void st.presentToken(`TAG${Math.floor(rnd(1, 1e6))}`).then((r) => {
          if (r.status === 'Accepted') transactions++;
          clock.setTimeout(() => {
            st.stopCharging(1);
            clock.setTimeout(() => { st.unplug(1); cycle(); }, rnd(1000, 3000));
          }, rnd(...(o.chargeMs ?? [20_000, 90_000])));
        });
      }, rnd(...(o.idleMs ?? [5000, 20_000])));
    };
    cycle();
  };

  const spawn = (i: number): void => {
    const st = createStation({
      identity: `${o.idPrefix ?? 'SIM'}${String(i + 1).padStart(5, '0')}`, url: o.url, clock, compression: false,
      ...(o.password ? { password: o.password } : {}), ...(o.versions ? { versions: o.versions } : {}),
      variables: {
        'SampledDataCtrlr.TxUpdatedInterval': String(o.meterIntervalS ?? 10), 'AlignedDataCtrlr.Interval': '0',
        'OCPPCommCtrlr.RetryBackOffWaitMinimum': '1', 'OCPPCommCtrlr.RetryBackOffRandomRange': '2',
        // Free vend unless asked to authorize: a CSMS does not know the swarm's random tokens, and a
        // load test wants the transaction traffic (Started, periodic Updated, Ended) either way.
        ...(o.authorize ? {} : { 'AuthCtrlr.Enabled': 'false', 'TxCtrlr.StopTxOnInvalidId': 'false' }),
      },
    });
    st.on('sent', (e) => {
      if (stopping) return; // calls cut short by the shutdown are not errors
      messages++; windowMsgs++;
      if (e.error) { errors++; if (errors <= 5) print(`error: ${e.action}: ${e.error.message}`); } else latencies.push(e.latencyMs);
    });
    st.on('failure', (err) => { if (!stopping) { errors++; if (errors <= 5) print(`error: ${err.message}`); } });
    st.on('registration', (r) => {
      if (r.status === 'Accepted' && o.heartbeatS) st.dm.setInternal({ name: 'OCPPCommCtrlr' }, { name: 'HeartbeatInterval' }, String(o.heartbeatS));
    });
    stations.push(st);
    st.start().catch(() => { errors++; });
    behave(st);
  };

  const ramp = o.rampMs ?? 0;
  for (let i = 0; i < o.count; i++) {
    if (ramp > 0) setTimeout(() => { if (Date.now() < endAt) spawn(i); }, (ramp * i) / Math.max(1, o.count)).unref();
    else spawn(i);
  }

  const summarize = (): Omit<SwarmSummary, 'durationS' | 'stations'> => {
    const sorted = latencies.slice().sort((a, b) => a - b);
    return { connectedMax, messages, errors, transactions, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
  };
  await new Promise<void>((resolve) => {
    const iv = setInterval(() => {
      const connected = stations.filter((s) => s.connected).length;
      connectedMax = Math.max(connectedMax, connected);
      const s = summarize();
      print(`t=${Math.round((Date.now() - started) / 1000)}s connected=${connected}/${o.count} msgs/s=${windowMsgs} p50=${s.p50}ms p95=${s.p95}ms p99=${s.p99}ms errors=${errors} tx=${transactions}`);
      windowMsgs = 0;
      if (latencies.length > 200_000) latencies.splice(0, latencies.length - 100_000); // bound memory
      if (Date.now() >= endAt) { clearInterval(iv); resolve(); }
    }, 1000);
  });
  stopping = true;
  await Promise.all(stations.map((s) => s.stop().catch(() => {})));
  clock.stop();
  return { stations: stations.length, durationS: o.durationS, ...summarize() };
}
