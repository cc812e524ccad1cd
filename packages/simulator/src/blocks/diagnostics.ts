// N01 — Retrieve log information, station side: the station keeps its recent log lines (every message to
// and from the CSMS, connection changes, failures; idTokens masked) and a security log (A04.FR.04), and
// uploads the requested one with HTTP(S) PUT (or POST, N01.FR.19) to the GetLog remoteLocation, with
// retries, LogStatusNotification Uploading / Uploaded / UploadFailure…, AcceptedCanceled for a second
// request during an upload, and the current status for TriggerMessage LogStatusNotification (F06.FR.14).
// FTP (in the spec's list of transports) is not simulated: FileTransferProtocols says HTTP,HTTPS.
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { Station } from '../station.ts';
import { redact } from '../log-mask.ts';
import { TransferError, upload, withRetries } from '../file-transfer.ts';
import { csmsTrustChain } from './certificates.ts';

type LogType = OcppTypes.LogEnumType;
type UploadStatus = OcppTypes.UploadLogStatusEnumType;
/** A log entry; rendered (idTokens masked) only when a log file is made, so keeping it costs no CPU per message. */
interface Line { at: number; text: string | (() => string); security: boolean }
interface Upload { requestId: number; controller: AbortController; done: boolean }
/** `lines` is a ring buffer once full: `next` is the oldest entry, the one the next line replaces. */
interface LogState { lines: Line[]; next: number; current?: Upload; method: 'PUT' | 'POST' }

/** Entries kept (a rolling log, A04.FR.04 note); bounded for swarms of thousands of stations. */
export const MAX_LOG_LINES = 500;
const states = new WeakMap<Station, LogState>();
function state(st: Station): LogState {
  let s = states.get(st);
  if (!s) states.set(st, (s = { lines: [], next: 0, method: 'PUT' }));
  return s;
}

function log(st: Station, text: Line['text'], security = false): void {
  const s = state(st);
  const line: Line = { at: st.clock.now(), text, security };
  if (s.lines.length < MAX_LOG_LINES) { s.lines.push(line); return; }
  s.lines[s.next] = line; // full: the oldest line makes room, without moving the others
  s.next = (s.next + 1) % MAX_LOG_LINES;
}

/** The kept lines, oldest first. */
function keptLines(s: LogState): Line[] {
  return s.next === 0 ? s.lines : [...s.lines.slice(s.next), ...s.lines.slice(0, s.next)];
}

/** Start keeping the log: messages both ways, connection events, security events. */
function capture(st: Station): void {
  const json = (v: unknown): string => JSON.stringify(redact(v)); // [C04.FR.04] no idToken in full
  st.on('sent', (m) => {
    const security = m.action === 'SecurityEventNotification';
    log(st, () => `-> ${m.action} ${json(m.payload)} ${m.error ? `failed: ${m.error.message}` : `<- ${json(m.response)}`}`, security);
  });
  st.on('request', (m) => log(st, () => `<- ${m.action} ${json(m.payload)} ${m.error ? `error: ${m.error}` : `-> ${json(m.response)}`}`));
  st.on('connected', (e) => log(st, `connected (OCPP ${e.version})`));
  st.on('disconnected', (e) => log(st, `disconnected (${e.code} ${e.reason})`));
  st.on('registration', (e) => log(st, `registration ${e.status}`));
  st.on('reboot', (e) => log(st, `reboot (${e.reason})`));
  st.on('failure', (err) => log(st, `failure: ${err.message}`, /certificate|tls|ssl/i.test(err.message)));
}

/** Test hook: upload with POST (multipart/form-data, N01.FR.19) instead of PUT. */
export function setLogUploadMethod(st: Station, method: 'PUT' | 'POST'): void {
  state(st).method = method;
}

/** Add a line to the station's log (scenarios, tests). */
export function appendLog(st: Station, text: string, security = false): void {
  log(st, text, security);
}

/** The log file of a type between the given timestamps, or undefined when there is nothing to upload. */
export function logFile(st: Station, type: LogType, oldest?: string, latest?: string): Buffer | undefined {
  // DataCollectorLog (2.1, N01.FR.24): the station has no DataCollector component.
  if (type === 'DataCollectorLog') return undefined;
  const from = oldest ? Date.parse(oldest) : Number.NEGATIVE_INFINITY;
  const to = latest ? Date.parse(latest) : Number.POSITIVE_INFINITY;
  // [N01.FR.03] the security log: the security events; [N01.FR.04] diagnostics: everything.
  const lines = keptLines(state(st)).filter((l) => l.at >= from && l.at <= to && (type !== 'SecurityLog' || l.security));
  if (!lines.length) return undefined;
  const head = `# ${st.opts.identity} ${type} ${st.opts.vendorName ?? 'Chargewire'} ${st.opts.model ?? 'SimStation'} firmware ${st.firmwareVersion ?? '-'}\n`;
  return Buffer.from(head + lines.map((l) => `${new Date(l.at).toISOString()} ${typeof l.text === 'string' ? l.text : l.text()}\n`).join(''));
}

function notify(st: Station, status: UploadStatus, requestId?: number, reasonCode?: string, triggered = true): Promise<unknown> {
  return st.call('LogStatusNotification', {
    status, ...(requestId !== undefined ? { requestId } : {}),
    ...(reasonCode && st.version === '2.1' ? { statusInfo: { reasonCode } } : {}),
  }, { triggered });
}

/** [N01.FR.10] a failed transfer -> the status to report. */
function failureStatus(err: unknown): { status: UploadStatus; reasonCode?: string } {
  const kind = err instanceof TransferError ? err.kind : 'Failure';
  switch (kind) {
    case 'PermissionDenied': return { status: 'PermissionDenied' };
    case 'NotSupportedOperation': return { status: 'NotSupportedOperation' };
    case 'BadMessage': return { status: 'BadMessage' };
    case 'Redirect': return { status: 'UploadFailure', reasonCode: 'RedirectAllowed' }; // [N01.FR.30]
    default: return { status: 'UploadFailure' };
  }
}

async function runUpload(st: Station, up: Upload, req: OcppTypes.GetLogRequest, fileName: string, data: Buffer): Promise<void> {
  const s = state(st);
  // [N01.FR.07] every LogStatusNotification of this upload carries its requestId; [N01.FR.08] Uploading first.
  await notify(st, 'Uploading', up.requestId);
  // [N01.FR.02] one log file to remoteLocation; [N01.FR.15] HTTPS trusts the CSMS trust chain.
  const r = await withRetries((signal) => upload(req.log.remoteLocation, fileName, data, { method: s.method, ca: csmsTrustChain(st), signal }),
    { retries: req.retries, retryInterval: req.retryInterval, clock: st.clock, signal: up.controller.signal });
  if (up.done || 'canceled' in r) return; // canceled meanwhile (N01.FR.12)
  up.done = true;
  if (r.ok) { await notify(st, 'Uploaded', up.requestId); return; } // [N01.FR.09]
  const f = failureStatus(r.error);
  await notify(st, f.status, up.requestId, f.reasonCode); // [N01.FR.10] after all retries failed, or a final error at once
}

function getLog(st: Station, req: OcppTypes.GetLogRequest): OcppTypes.GetLogResponse {
  const data = logFile(st, req.logType, req.log.oldestTimestamp, req.log.latestTimestamp);
  // [N01.FR.05] no such log information: Rejected.
  if (!data) return { status: 'Rejected' };
  const s = state(st);
  const previous = s.current && !s.current.done ? s.current : undefined;
  if (previous) {
    // [N01.FR.12] a new request during an upload: cancel it, AcceptedCanceled; [N01.FR.20] and tell the CSMS.
    previous.done = true;
    previous.controller.abort(); // also ends a wait between attempts
  }
  const stamp = new Date(st.clock.now()).toISOString().replace(/[-:]|\.\d+/g, '');
  const fileName = `${st.opts.identity}_${req.logType}_${stamp}_${req.requestId}.log`;
  const up: Upload = { requestId: req.requestId, controller: new AbortController(), done: false };
  s.current = up;
  st.afterResponse(async () => {
    if (previous) await notify(st, 'AcceptedCanceled', previous.requestId);
    await runUpload(st, up, req, fileName, data);
  });
  // [N01.FR.01] Accepted with the file name.
  return { status: previous ? 'AcceptedCanceled' : 'Accepted', filename: fileName };
}

/**
 * TriggerMessage LogStatusNotification: [F06.FR.14] while uploading, Uploading with the requestId;
 * [F06.FR.15] [N01.FR.13] otherwise Idle without requestId.
 */
export function triggerLogStatus(st: Station): () => Promise<unknown> {
  const up = state(st).current;
  return () => (up && !up.done ? notify(st, 'Uploading', up.requestId) : notify(st, 'Idle'));
}

export const block: Block = {
  id: 'N',
  name: 'Diagnostics',
  init: capture,
  handlers: { GetLog: getLog },
};
