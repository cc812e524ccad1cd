// Assembles a report that arrives as many NotifyReport parts (B07/B08): parts are stored as they come
// (store.applyReport); a waiter per (station, requestId) resolves once the part with tbc = false and
// every seqNo before it have arrived.
import type { NotifyReportRequest } from '@chargewire/ocpp/types';
import type { CsmsRuntime } from '../runtime.ts';
import { CsmsError } from '../errors.ts';

export interface ReportSummary {
  requestId: number;
  /** Number of NotifyReport parts received. */
  parts: number;
  /** Number of ReportData entries received, over all parts. */
  items: number;
}

interface Waiter {
  seqNos: Set<number>;
  lastSeqNo: number | undefined;
  items: number;
  resolve(s: ReportSummary): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

const waiters = new WeakMap<CsmsRuntime, Map<string, Waiter>>();
const key = (stationId: string, requestId: number): string => `${stationId}\u0000${requestId}`;

function mapOf(runtime: CsmsRuntime): Map<string, Waiter> {
  let m = waiters.get(runtime);
  if (!m) waiters.set(runtime, (m = new Map()));
  return m;
}

let nextId = Math.floor(Math.random() * 1_000_000) + 1;
/** A requestId unique within this process (integer, as the schemas require). */
export function newRequestId(): number {
  nextId = nextId >= 2_000_000_000 ? 1 : nextId + 1;
  return nextId;
}

/** Start waiting for the parts of report `requestId`; call before sending the request. */
export function expectReport(runtime: CsmsRuntime, stationId: string, requestId: number, timeoutMs: number): { done: Promise<ReportSummary>; cancel(): void } {
  const m = mapOf(runtime);
  const k = key(stationId, requestId);
  let waiter!: Waiter;
  const done = new Promise<ReportSummary>((resolve, reject) => {
    const timer = setTimeout(() => {
      m.delete(k);
      reject(new CsmsError('CSMS_ERR_REPORT_TIMEOUT', `report ${requestId} of ${stationId}: ${waiter.seqNos.size} part(s) after ${timeoutMs} ms`, { requestId }));
    }, timeoutMs);
    timer.unref?.();
    waiter = { seqNos: new Set(), lastSeqNo: undefined, items: 0, resolve, reject, timer };
  });
  done.catch(() => {}); // the caller may not wait; the rejection is still delivered to those who do
  m.set(k, waiter);
  return {
    done,
    cancel() {
      clearTimeout(waiter.timer);
      m.delete(k);
    },
  };
}

/** Feed one NotifyReport (after it was stored). Parts of reports nobody waits for are ignored here. */
export function reportPart(runtime: CsmsRuntime, stationId: string, req: NotifyReportRequest): void {
  const m = mapOf(runtime);
  const k = key(stationId, req.requestId);
  const w = m.get(k);
  if (!w) return;
  w.seqNos.add(req.seqNo);
  w.items += req.reportData?.length ?? 0;
  // [B07.FR.10] [B08.FR.14] seqNo is incremental per report; the last part has tbc = false
  if (!req.tbc) w.lastSeqNo = req.seqNo;
  if (w.lastSeqNo === undefined) return;
  for (let i = 0; i <= w.lastSeqNo; i++) if (!w.seqNos.has(i)) return;
  clearTimeout(w.timer);
  m.delete(k);
  w.resolve({ requestId: req.requestId, parts: w.seqNos.size, items: w.items });
}
