// File transfer of the station for log upload (N01) and firmware download (L01/L02): HTTP and HTTPS
// only (OCPPCommCtrlr.FileTransferProtocols = HTTP,HTTPS; FTP is not simulated). No redirects are
// followed (N01.FR.30), userinfo in the URL becomes HTTP Basic auth (N01.FR.25), HTTPS is verified
// against the station's CSMS trust chain (N01.FR.15) plus the CAs Node ships (N01.FR.16). withRetries runs the
// attempts of both with the request's retries and retryInterval.
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Clock } from './clock.ts';

export class TransferError extends Error {
  constructor(
    /** What a LogStatusNotification / FirmwareStatusNotification makes of it. */
    readonly kind: 'NotSupportedOperation' | 'PermissionDenied' | 'BadMessage' | 'Failure' | 'Redirect' | 'Aborted',
    message: string,
  ) { super(message); this.name = 'TransferError'; }
}

export interface TransferOptions {
  /** Extra trusted CAs (PEM) for HTTPS, e.g. the installed CSMS root certificates. */
  ca?: string[];
  signal?: AbortSignal;
  timeoutMs?: number;
}

function target(location: string): { url: URL; send: typeof httpRequest } {
  let url: URL;
  try { url = new URL(location); } catch { throw new TransferError('BadMessage', `not a URL: ${location}`); }
  if (url.protocol === 'http:') return { url, send: httpRequest };
  if (url.protocol === 'https:') return { url, send: httpsRequest };
  // ftp:, ftps:, sftp: are not in FileTransferProtocols.
  throw new TransferError('NotSupportedOperation', `unsupported transfer protocol ${url.protocol.replace(':', '')}`);
}

function requestOptions(url: URL, method: string, o: TransferOptions): RequestOptions & { ca?: string[] } {
  const headers: Record<string, string> = {};
  // [N01.FR.25] userinfo in the URL -> HTTP Basic authentication (and not sent as part of the path).
  if (url.username || url.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  }
  return {
    method, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || undefined, path: `${url.pathname}${url.search}`, headers,
    ...(url.protocol === 'https:' ? { ca: [...rootCertificates, ...(o.ca ?? [])] } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  };
}

function statusError(res: IncomingMessage): TransferError | undefined {
  const code = res.statusCode ?? 0;
  // [N01.FR.30] never follow a redirect: the transfer failed.
  if (code >= 300 && code < 400) return new TransferError('Redirect', `HTTP ${code} redirect to ${res.headers.location ?? '?'} not followed`);
  if (code === 401 || code === 403) return new TransferError('PermissionDenied', `HTTP ${code}`);
  if (code < 200 || code >= 300) return new TransferError('Failure', `HTTP ${code}`);
  return undefined;
}

function run(location: string, method: string, body: Buffer | undefined, headers: Record<string, string>, o: TransferOptions): Promise<Buffer> {
  const { url, send } = target(location);
  const opts = requestOptions(url, method, o);
  return new Promise<Buffer>((resolve, reject) => {
    const req = send({ ...opts, headers: { ...opts.headers as Record<string, string>, ...headers } }, (res) => {
      const err = statusError(res);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (err ? reject(err) : resolve(Buffer.concat(chunks))));
      res.on('error', (e) => reject(new TransferError('Failure', e.message)));
    });
    req.setTimeout(o.timeoutMs ?? 30_000, () => req.destroy(new Error('timed out')));
    req.on('error', (e: Error & { name?: string }) => reject(e instanceof TransferError ? e
      : new TransferError(e.name === 'AbortError' ? 'Aborted' : 'Failure', e.message)));
    req.end(body);
  });
}

/** Download a file (firmware, L01/L02) with HTTP(S) GET. */
export function download(location: string, o: TransferOptions = {}): Promise<Buffer> {
  return run(location, 'GET', undefined, {}, o);
}

/**
 * [N01.FR.14] Upload a file (a log, N01) with HTTP(S) PUT (the default) or POST (multipart/form-data, N01.FR.19).
 * [N01.FR.21] a location ending in "/" gets the file name appended; [N01.FR.29] otherwise it is used as is.
 */
export function upload(location: string, fileName: string, data: Buffer, o: TransferOptions & { method?: 'PUT' | 'POST' } = {}): Promise<void> {
  const at = location.endsWith('/') ? `${location}${encodeURIComponent(fileName)}` : location;
  if (o.method === 'POST') {
    // [N01.FR.19] Content-Type and Content-Disposition with the file name.
    const boundary = `----chargewire${Date.now().toString(16)}`;
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="uploadfile"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      data, Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return run(at, 'POST', body, { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) }, o).then(() => undefined);
  }
  return run(at, 'PUT', data, {
    'content-type': 'application/octet-stream', 'content-length': String(data.length), 'content-disposition': `attachment; filename="${fileName}"`,
  }, o).then(() => undefined);
}

// ---- Retries (GetLogRequest and UpdateFirmwareRequest retries / retryInterval) ------------------------

/** Seconds between attempts when the request has no retryInterval ("left to the Charging Station to decide"). */
export const DEFAULT_RETRY_INTERVAL_S = 30;

/**
 * A failure no retry can change, reported at once: the location cannot be used at all (BadMessage: not a URL;
 * NotSupportedOperation: a protocol not in FileTransferProtocols), so no transfer was attempted, or
 * [N01.FR.30] a redirect, which is never followed and fails the transfer. Any other failure (the server's
 * answer, the network) is an attempt that is retried.
 */
export function finalTransferError(err: unknown): boolean {
  return err instanceof TransferError && (err.kind === 'BadMessage' || err.kind === 'NotSupportedOperation' || err.kind === 'Redirect');
}

export interface RetryOptions {
  /** The request's `retries`: attempts after the first; absent or 0: no retries. */
  retries?: number;
  /** The request's `retryInterval` in seconds (default DEFAULT_RETRY_INTERVAL_S). */
  retryInterval?: number;
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  /** Aborted when the transfer is canceled (N01.FR.12, L01.FR.24): no further attempt. */
  signal: AbortSignal;
}

export type RetryResult<T> = { ok: true; value: T } | { ok: false; error: unknown } | { ok: false; canceled: true };

/**
 * Run a transfer with retries: the first attempt, then up to `retries` more, `retryInterval` apart, until one
 * succeeds. [L01.FR.30] [L02.FR.19] [N01.FR.10] the caller reports the failure (with the last error) only when
 * all retry attempts failed, or at once for a final error (finalTransferError).
 */
export async function withRetries<T>(attempt: (signal: AbortSignal) => Promise<T>, o: RetryOptions): Promise<RetryResult<T>> {
  const canceled = { ok: false, canceled: true } as const;
  const retries = Math.max(0, o.retries ?? 0);
  const intervalMs = Math.max(0, o.retryInterval ?? DEFAULT_RETRY_INTERVAL_S) * 1000;
  for (let n = 0; ; n++) {
    if (o.signal.aborted) return canceled;
    try {
      const value = await attempt(o.signal);
      return o.signal.aborted ? canceled : { ok: true, value };
    } catch (error) {
      if (o.signal.aborted) return canceled;
      if (n >= retries || finalTransferError(error)) return { ok: false, error };
    }
    await new Promise<void>((resolve) => {
      const done = (): void => { o.clock.clearTimeout(timer); o.signal.removeEventListener('abort', done); resolve(); };
      const timer = o.clock.setTimeout(done, intervalMs);
      o.signal.addEventListener('abort', done, { once: true });
    });
  }
}
