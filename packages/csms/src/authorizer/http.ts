// The HTTP external authorizer: POST { stationId, idToken, evseId, purpose } as JSON to a configured URL and
// read `{ idTokenInfo: { status, … }, certificateStatus? }` back. A timeout, a network error, a non-2xx
// answer or a malformed body means "no answer" (the token stays Unknown) and is never cached; valid answers
// are cached per (station, token type, token) for `cacheTtlMs`.
import type { IdTokenInfoType } from '@chargewire/ocpp/types';
import type { ExternalAuthorizationInput, ExternalAuthorizationResult, ExternalAuthorizer } from './authorizer.ts';
import { TtlCache } from './ttl-cache.ts';

export interface HttpAuthorizerOptions {
  url: string;
  /** Per-request timeout (default 2 000 ms: a station waits for the Authorize answer). */
  timeoutMs?: number;
  /** How long an answer is reused (default 60 000 ms; 0 = no cache). */
  cacheTtlMs?: number;
  /** Cache capacity (default 10 000 entries, oldest evicted first). */
  maxEntries?: number;
  /** Extra request headers (e.g. Authorization for the roaming hub). */
  headers?: Record<string, string>;
  /** Called on failures (timeouts, HTTP errors); never receives the token value (C04.FR.04). */
  onError?: (err: Error, input: { stationId: string; type: string }) => void;
  fetch?: typeof fetch;
}

const STATUSES = new Set(['Accepted', 'Blocked', 'ConcurrentTx', 'Expired', 'Invalid', 'NoCredit', 'NotAllowedTypeEVSE', 'NotAtThisLocation', 'NotAtThisTime', 'Unknown']);
const CERT_STATUSES = new Set(['Accepted', 'SignatureError', 'CertificateExpired', 'CertificateRevoked', 'NoCertificateAvailable', 'CertChainError', 'ContractCancelled']);

/** Keep only a well-formed IdTokenInfo (status mandatory), or undefined. */
export function parseAuthorizerAnswer(body: unknown): ExternalAuthorizationResult | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { idTokenInfo?: Partial<IdTokenInfoType>; certificateStatus?: unknown };
  const info = b.idTokenInfo;
  if (!info || typeof info !== 'object' || typeof info.status !== 'string' || !STATUSES.has(info.status)) return undefined;
  const out: IdTokenInfoType = { status: info.status };
  if (typeof info.cacheExpiryDateTime === 'string' && !Number.isNaN(Date.parse(info.cacheExpiryDateTime))) out.cacheExpiryDateTime = info.cacheExpiryDateTime;
  if (Number.isInteger(info.chargingPriority)) out.chargingPriority = info.chargingPriority!;
  if (Array.isArray(info.evseId) && info.evseId.every((e) => Number.isInteger(e))) out.evseId = info.evseId;
  if (info.groupIdToken && typeof info.groupIdToken.idToken === 'string' && typeof info.groupIdToken.type === 'string') out.groupIdToken = { idToken: info.groupIdToken.idToken, type: info.groupIdToken.type };
  if (typeof info.language1 === 'string') out.language1 = info.language1;
  if (typeof info.language2 === 'string' && out.language1 && info.language2 !== out.language1) out.language2 = info.language2; // [C01.FR.10] [C01.FR.11]
  if (info.personalMessage && typeof info.personalMessage.content === 'string' && typeof info.personalMessage.format === 'string') out.personalMessage = info.personalMessage;
  const result: ExternalAuthorizationResult = { idTokenInfo: out };
  if (typeof b.certificateStatus === 'string' && CERT_STATUSES.has(b.certificateStatus)) result.certificateStatus = b.certificateStatus as ExternalAuthorizationResult['certificateStatus'];
  return result;
}

export function createHttpAuthorizer(opts: HttpAuthorizerOptions): ExternalAuthorizer & { cache: TtlCache<ExternalAuthorizationResult> } {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const cache = new TtlCache<ExternalAuthorizationResult>(opts.cacheTtlMs ?? 60_000, opts.maxEntries ?? 10_000);
  const doFetch = opts.fetch ?? fetch;
  const inflight = new Map<string, Promise<ExternalAuthorizationResult | undefined>>();

  async function ask(input: ExternalAuthorizationInput): Promise<ExternalAuthorizationResult | undefined> {
    const body = JSON.stringify({
      stationId: input.stationId,
      idToken: input.idToken,
      ...(input.evseId !== undefined && { evseId: input.evseId }),
      purpose: input.purpose,
    });
    try {
      const res = await doFetch(opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...opts.headers },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        throw new Error(`external authorizer answered HTTP ${res.status}`);
      }
      const parsed = parseAuthorizerAnswer(await res.json());
      if (!parsed) throw new Error('external authorizer answered without a valid idTokenInfo.status');
      return parsed;
    } catch (err) {
      const e = err as Error;
      const why = e.name === 'TimeoutError' || e.name === 'AbortError' ? new Error(`external authorizer did not answer within ${timeoutMs} ms`) : e;
      opts.onError?.(why, { stationId: input.stationId, type: input.idToken.type });
      return undefined;
    }
  }

  return {
    cache,
    async authorize(input) {
      const key = [input.stationId, input.idToken.type, input.idToken.idToken.toLowerCase(), input.evseId ?? ''].join('\u001f');
      const hit = cache.get(key);
      if (hit) return structuredClone(hit);
      // Concurrent taps of the same token share one request.
      let p = inflight.get(key);
      if (!p) {
        p = ask(input).finally(() => inflight.delete(key));
        inflight.set(key, p);
      }
      const answer = await p;
      if (answer) cache.set(key, answer);
      return answer ? structuredClone(answer) : undefined;
    },
  };
}
