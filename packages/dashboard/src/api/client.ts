// The REST client: bearer token from the session, JSON in and out, `{ error: { code, message, field } }`
// turned into ApiError. The dashboard talks to nothing but /api, /openapi.json and the SSE stream.

export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
  rpcCode?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly rpcCode: string | undefined;
  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.field = body.field;
    this.rpcCode = body.rpcCode;
  }
}

const TOKEN_KEY = 'chargewire.token';

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/** What to tell the operator for an error, with a hint what to do. */
export function explain(err: unknown): string {
  if (err instanceof ApiError) {
    switch (err.code) {
      case 'API_ERR_UNAUTHORIZED':
        return `${err.message}. Sign in again with a valid API token.`;
      case 'API_ERR_FORBIDDEN':
        return `${err.message}. Ask an administrator for an admin token.`;
      case 'API_ERR_STATION_OFFLINE':
        return `${err.message}. Commands need a live connection; wait until the station reconnects.`;
      case 'API_ERR_STATION_TIMEOUT':
        return `${err.message}. The station did not answer in time; check its connection and retry.`;
      case 'API_ERR_STATION_ERROR':
        return `The station refused the request (${err.rpcCode ?? 'CALLERROR'}): ${err.message}`;
      case 'API_ERR_NOT_FOUND':
        // A route the CSMS lacks vs. a record that does not exist (transaction, id token, …).
        return isMissingRoute(err) ? `This CSMS does not offer this feature yet (${err.message}).` : `${err.message}.`;
      case 'API_ERR_NOT_READY':
        return `${err.message}. The CSMS store is unavailable; check the server logs.`;
      default:
        return err.field ? `${err.message} (field ${err.field})` : err.message;
    }
  }
  if (err instanceof TypeError) return `Cannot reach the CSMS (${err.message}). Check that the server is running and reload.`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * A route that the CSMS does not have (yet): the API's catch-all 404 (`no route GET /api/…`, no field).
 * A 404 for a record that does not exist (`transaction T1 not found on station CS1`, field
 * `transactionId`) is not a missing route: see isNotFound.
 */
export function isMissingRoute(err: unknown): boolean {
  if (!(err instanceof ApiError) || err.status !== 404) return false;
  if (err.code === 'HTTP_404') return true; // a 404 without the API's error body (no such path at all)
  return err.code === 'API_ERR_NOT_FOUND' && err.field === undefined && err.message.startsWith('no route ');
}

/** A record that does not exist (the route exists): 404 API_ERR_NOT_FOUND naming the field. */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404 && err.code === 'API_ERR_NOT_FOUND' && !isMissingRoute(err);
}

let onUnauthorized: (() => void) | undefined;
/** Called when any request answers 401 (the token was revoked): the app signs out. */
export function setUnauthorizedHandler(fn: (() => void) | undefined): void {
  onUnauthorized = fn;
}

export async function api<T>(method: string, path: string, body?: unknown, token: string | null = getToken()): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = (json as { error?: ApiErrorBody } | undefined)?.error;
    const err = new ApiError(res.status, e ?? { code: `HTTP_${res.status}`, message: `${method} ${path} answered HTTP ${res.status}` });
    if (res.status === 401 && token === getToken()) onUnauthorized?.();
    throw err;
  }
  return json as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', withQuery(path, query));
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const put = <T>(path: string, body?: unknown) => api<T>('PUT', path, body ?? {});
export const patch = <T>(path: string, body?: unknown) => api<T>('PATCH', path, body ?? {});
export const del = <T>(path: string) => api<T>('DELETE', path);

export type Role = 'admin' | 'readonly';

export interface Me {
  name?: string;
  role: Role;
}

/**
 * Who the token is: GET /api/me → { name, role }; a 401 is thrown. A CSMS without /api/me (the
 * catch-all 404) gets the token checked with a read (GET /api/stations) and is treated as read-only:
 * without the route the dashboard cannot know the role, and read-only shows no write buttons.
 */
export async function whoAmI(token: string): Promise<Me> {
  try {
    const me = await api<{ name: string; role: string }>('GET', '/api/me', undefined, token);
    return { name: me.name, role: me.role === 'admin' ? 'admin' : 'readonly' };
  } catch (err) {
    if (!isMissingRoute(err)) throw err;
    await api('GET', '/api/stations?limit=1', undefined, token);
    return { role: 'readonly' };
  }
}
