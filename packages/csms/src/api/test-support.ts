// Test fixtures for the API tests: a CsmsRuntime over the memory store and bus with a scripted
// callStation, and a Fastify app with the API mounted (driven through inject(), no sockets).
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { OcppError, type OcppVersion } from '@chargewire/ocpp';
import { createMemoryStore } from '../store/memory.ts';
import { createMemoryBus } from '../bus/memory.ts';
import { defaultConfig } from '../config.ts';
import type { CsmsRuntime, StationSession } from '../runtime.ts';
import { registerApi } from './index.ts';
import { createMemoryTokenStore, type TokenStore } from './tokens.ts';

export interface RecordedCall {
  stationId: string;
  action: string;
  payload: unknown;
  timeoutMs: number | undefined;
}

export type Answer = (call: RecordedCall) => unknown;

export function makeRuntime() {
  const log = pino({ level: 'silent' });
  const sessions = new Map<string, StationSession>();
  const calls: RecordedCall[] = [];
  let answer: Answer = () => ({ status: 'Accepted' });
  const runtime: CsmsRuntime = {
    config: { ...defaultConfig, dataDir: '/nonexistent-api-test-dir' },
    store: createMemoryStore({ maxDelayMs: 0 }),
    bus: createMemoryBus(),
    log,
    metrics: new Registry(),
    sessions,
    async callStation(stationId, action, payload, opts) {
      const call = { stationId, action, payload, timeoutMs: opts?.timeoutMs };
      calls.push(call);
      if (!sessions.has(stationId)) throw new OcppError('OCPP_ERR_CLOSED');
      return (await answer(call)) as never;
    },
  };
  return {
    runtime,
    calls,
    /** Script the station's answers (return a value, or throw RpcError/OcppError). */
    answer(fn: Answer) {
      answer = fn;
    },
    connect(stationId: string, version: OcppVersion = '2.1'): StationSession {
      const s: StationSession = { stationId, version, connection: {} as never, log, connectedAt: new Date('2026-01-01T10:00:00Z'), lastSeen: new Date('2026-01-01T10:05:00Z'), bootStatus: 'Accepted', securityProfile: 1 };
      sessions.set(stationId, s);
      return s;
    },
    disconnect(stationId: string) {
      sessions.delete(stationId);
    },
  };
}

export interface TestApi extends ReturnType<typeof makeRuntime> {
  app: FastifyInstance;
  tokens: TokenStore;
  admin: string;
  reader: string;
  /** inject() with the admin token unless `token` says otherwise (null = no Authorization header). */
  req(method: string, url: string, body?: unknown, token?: string | null): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function makeApi(opts: { sseKeepAliveMs?: number; readyTimeoutMs?: number; clock?: () => number } = {}): Promise<TestApi> {
  const rt = makeRuntime();
  const app = Fastify({ logger: false });
  const tokens = createMemoryTokenStore();
  const admin = tokens.create('test admin', 'admin').token;
  const reader = tokens.create('test reader', 'readonly').token;
  await registerApi(app, rt.runtime, { tokens, ...opts });
  await app.ready();
  return {
    ...rt,
    app,
    tokens,
    admin,
    reader,
    req(method: string, url: string, body?: unknown, token: string | null = admin) {
      return app.inject({
        method: method as 'GET',
        url,
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
    },
    async close() {
      await app.close();
      await rt.runtime.store.close();
      await rt.runtime.bus.close();
    },
  };
}
