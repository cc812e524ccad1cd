// createCsms(config) -> { runtime, start(), stop() }: the running CSMS (CsmsRuntime of runtime.ts),
// its listeners, sessions, metrics, journal and graceful shutdown.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createOcppServer, OcppError, type Action, type ActionMap, type CallEvent, type CallOptions, type EndpointHooks, type FrameEvent, type LoggerLike, type OcppEndpoint, type OcppServer } from '@chargewire/ocpp';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { defaultConfig, type CsmsConfig } from './config.ts';
import type { Block, CsmsRuntime } from './runtime.ts';
import type { JournalInput, Store } from './store/store.ts';
import type { GroupCommitOptions } from './store/group-commit.ts';
import type { EventBus } from './bus/bus.ts';
import { createConfiguredBus } from './bus/index.ts';
import { busWants } from './bus/memory.ts';
import { isoNow } from './iso-time.ts';
import { createLogger, stationLogger } from './log.ts';
import { createMetrics, recordCall, registerStoreMetrics, type CsmsMetrics } from './metrics.ts';
import { authenticateStation, type AuthContext } from './auth.ts';
import { buildDispatchTable } from './dispatch.ts';
import { createSession, sharedSessionHandlers, type LiveSession } from './station-session.ts';
import { createJournal, type Journal } from './journal.ts';
import { createRetention } from './retention.ts';
import { closeServer, createListeners, listen, listenerProfile, type Listener } from './server.ts';
import { createHttpApp } from './http.ts';
import { CsmsError } from './errors.ts';
import { blocks as defaultBlocks } from './blocks/index.ts';
import { createHttpAuthorizer, setExternalAuthorizer } from './authorizer/index.ts';
import { attachCluster } from './cluster/index.ts';
import { loadConfiguredCertificateAuthorities } from './blocks/certificates.ts';

export interface CreateCsmsOptions {
  /** Use this store instead of the configured one (tests: the memory store). */
  store?: Store;
  bus?: EventBus;
  logger?: Logger;
  blocks?: readonly Block[];
  /** Mount the REST API on the HTTP app (default true when http.port >= 0). */
  api?: boolean;
  /**
   * Group-commit options of the configured store beyond what the configuration sets (benchmarks: `npm run
   * bench -- instructions` stretches `maxDelayMs` with store.batchIntervalMs, so that commits carry as many
   * writes as at the load it stands for).
   */
  storeBatching?: Pick<GroupCommitOptions, 'maxDelayMs'>;
}

export interface CsmsAddresses {
  /** Bound ports (useful with port 0); undefined = listener off. */
  ocpp?: number;
  tls?: number;
  mtls?: number;
  http?: number;
}

export interface Csms {
  runtime: CsmsRuntime;
  start(): Promise<CsmsAddresses>;
  stop(): Promise<void>;
  readonly addresses: CsmsAddresses;
  /** The Fastify app (after start, when http.port >= 0). */
  readonly app: FastifyInstance | undefined;
  /** Internal state some tests look at. */
  readonly metrics: CsmsMetrics;
}

/** Open the store the configuration names (store/index.ts createStore). */
export async function openConfiguredStore(cfg: CsmsConfig, extra: Pick<GroupCommitOptions, 'maxDelayMs'> = {}): Promise<Store> {
  const { createStore } = await import('./store/index.ts');
  const batching = { minIntervalMs: cfg.store.batchIntervalMs, ...extra };
  if (cfg.store.kind === 'memory') return createStore({ kind: 'memory' });
  if (cfg.store.kind === 'postgres') return createStore({ kind: 'postgres', url: cfg.store.postgresUrl, writeLanes: cfg.store.postgresWriteLanes, ...batching });
  mkdirSync(cfg.dataDir, { recursive: true });
  return createStore({ kind: 'sqlite', path: cfg.store.sqlitePath || join(cfg.dataDir, 'chargewire.db'), thread: cfg.store.sqliteThread, checkpointIntervalMs: cfg.store.sqliteCheckpointMs, walRestartPages: cfg.store.sqliteWalRestartPages, walFlushAhead: cfg.store.sqliteWalFlushAhead, cacheMb: cfg.store.sqliteCacheMb, ...batching });
}

export function createCsms(config: CsmsConfig, opts: CreateCsmsOptions = {}): Csms {
  const log = opts.logger ?? createLogger(config.log);
  const bus = opts.bus ?? createConfiguredBus(config, (err) => log.error({ err }, 'bus listener threw'));
  const metrics = createMetrics({ defaultMetrics: true });
  const table = buildDispatchTable(opts.blocks ?? defaultBlocks);
  const sessions = new Map<string, LiveSession>();
  const inboundInflight = new Set<Promise<unknown>>();
  const lastTouch = new Map<string, number>();
  const touchEveryMs = config.store.touchIntervalMs ?? defaultConfig.store.touchIntervalMs;
  let store: Store | undefined = opts.store;
  let ocpp: OcppServer | undefined;
  let listeners: Listener[] = [];
  let app: FastifyInstance | undefined;
  let accepting = false;
  let stopping: Promise<void> | undefined;
  const addresses: CsmsAddresses = {};

  const runtime: CsmsRuntime = {
    config,
    get store(): Store {
      if (!store) throw new CsmsError('CSMS_ERR_SHUTTING_DOWN', 'the store is not open (start() not called)');
      return store;
    },
    bus,
    log,
    metrics: metrics.registry,
    sessions,
    async callStation<A extends Action>(stationId: string, action: A, payload: ActionMap[A]['request'], callOpts?: CallOptions): Promise<ActionMap[A]['response']> {
      if (stopping) throw new CsmsError('CSMS_ERR_SHUTTING_DOWN');
      const s = sessions.get(stationId);
      if (!s || s.connection.endpoint.closed) throw new OcppError('OCPP_ERR_CLOSED', `station ${stationId} is not connected`);
      // [B03.FR.03] after Rejected the CSMS initiates nothing (but may trigger a new boot, TC_B_31_CSMS)
      if (!s.gate.mayCall(action, payload)) throw new CsmsError('CSMS_ERR_STATION_REJECTED', `station ${stationId} was Rejected at boot; ${action} not sent`);
      const settle = s.gate.expect(action, payload);
      const p = s.connection.endpoint.call(action, payload, { timeoutMs: config.ocpp.callTimeoutMs, ...callOpts });
      (s.inflight ??= new Set()).add(p);
      try {
        const res = await p;
        settle(res);
        return res;
      } catch (err) {
        settle(undefined);
        throw err;
      } finally {
        s.inflight?.delete(p);
      }
    },
  };
  // cluster.enabled: callStation also reaches stations on other nodes (over NATS), runtime.cluster = presence
  const cluster = config.cluster.enabled ? attachCluster(runtime, { config, bus, log, isStopping: () => stopping !== undefined }) : undefined;
  // [C01] tokens the CSMS does not know are asked of the configured external authorizer (roaming hubs).
  if (config.authorizer.url) {
    setExternalAuthorizer(runtime, createHttpAuthorizer({
      url: config.authorizer.url,
      timeoutMs: config.authorizer.timeoutMs,
      cacheTtlMs: config.authorizer.cacheTtlMs,
      onError: (err, input) => log.warn({ err: err.message, stationId: input.stationId, tokenType: input.type }, 'external authorizer failed'),
    }));
  }

  function touch(stationId: string, at: number): void {
    const s = sessions.get(stationId);
    if (s) s.lastSeen = new Date(at);
    // [G02.FR.04] any message means the station is available: persist last-seen, at most every
    // store.touchIntervalMs while connected (the session holds the exact time; written at once on disconnect).
    if ((lastTouch.get(stationId) ?? -Infinity) + touchEveryMs > at) return;
    lastTouch.set(stationId, at);
    store?.touchStation(stationId, new Date(at)).catch((err: unknown) => log.error({ err, stationId }, 'touchStation failed'));
  }

  const sessionByEndpoint = new WeakMap<OcppEndpoint, LiveSession>();
  const handlers = sharedSessionHandlers(table, runtime, (endpoint) => sessionByEndpoint.get(endpoint), (p) => {
    inboundInflight.add(p);
    // (then with two inline callbacks: one promise, where finally + catch made two)
    p.then(() => void inboundInflight.delete(p), () => void inboundInflight.delete(p));
  });
  const onJournalEntry = (e: JournalInput): void => {
    // (a bus that can tell nobody listens, the memory bus, saves building the event)
    if (e.messageType !== 2 || !busWants(bus, 'message')) return;
    bus.publish(e.action
      ? { type: 'message', stationId: e.stationId, direction: e.direction, action: e.action, at: isoNow() }
      : { type: 'message', stationId: e.stationId, direction: e.direction, at: isoNow() });
  };
  const hookEnv: HookEnv = { metrics, touch };
  const retention = createRetention(config.retention ?? defaultConfig.retention, { store: () => runtime.store, log, pruned: metrics.journalPruned, historyPruned: metrics.historyPruned });

  function createServer(): OcppServer {
    return createOcppServer({
      versions: config.ocpp.versions,
      limits: { maxPayloadBytes: config.ocpp.maxPayloadBytes, callTimeoutMs: config.ocpp.callTimeoutMs, pingIntervalMs: config.ocpp.pingIntervalMs },
      log: log as unknown as LoggerLike,
      authenticate: async (info) => {
        const result = await authenticateStation(
          { store: runtime.store, log, mode: config.mode, operatorOrg: config.tls.operatorOrg },
          info,
          listenerProfile(info.request),
        );
        metrics.connectAttempts.inc({ result: result.ok ? 'accepted' : String(result.status) });
        if (!result.ok) log.info({ stationId: info.identity, status: result.status, reason: result.message, remote: info.remoteAddress }, 'connection refused');
        return result;
      },
      // Built once per connection and shared by the endpoint and the session (conn.log).
      logger: (identity, version) => stationLogger(log, identity, `ocpp${version}`) as unknown as LoggerLike,
      // One handler table for every connection (memory: no closures per action per connection).
      handlers: () => handlers,
      hooks: (identity) => new StationHooks(identity, createJournal(identity, runtime.store, log, onJournalEntry), hookEnv),
      onConnection: (conn) => {
        const ctx = conn.context as AuthContext;
        const slog = (conn.log as Logger | undefined) ?? stationLogger(log, conn.identity, `ocpp${conn.version}`);
        const session = createSession({ connection: conn, station: ctx.station, securityProfile: ctx.securityProfile, log: slog, triggerWindowMs: config.ocpp.callTimeoutMs });
        const previous = sessions.get(conn.identity);
        if (previous) slog.info({ previousSince: previous.connectedAt.toISOString() }, 'newer connection replaces the previous one');
        sessions.set(conn.identity, session);
        sessionByEndpoint.set(conn.endpoint, session);
        const labels = { version: conn.version, profile: String(ctx.securityProfile) };
        metrics.connections.inc(labels);
        const at = new Date();
        slog.info({ securityProfile: ctx.securityProfile, bootStatus: session.bootStatus, remote: conn.handshake.remoteAddress }, 'connected');
        runtime.store.recordConnection(conn.identity, { at, version: `ocpp${conn.version}`, connected: true }).catch((err: unknown) => slog.error({ err }, 'recordConnection failed'));
        bus.publish({ type: 'station.connected', stationId: conn.identity, version: conn.version, at: at.toISOString() });
        // (onClose + a microtask: as late as whenClosed().then, without a promise chain per connection)
        conn.endpoint.onClose(({ code, reason }) => queueMicrotask(() => {
          metrics.connections.dec(labels);
          const current = sessions.get(conn.identity) === session;
          if (current) sessions.delete(conn.identity);
          slog.info({ code, reason, replaced: !current }, 'disconnected');
          if (!current) return; // the newer connection owns the station's connection state
          // the last message's time, if the touch interval held it back
          if (lastTouch.get(conn.identity) !== session.lastSeen.getTime()) {
            store?.touchStation(conn.identity, session.lastSeen).catch((err: unknown) => slog.error({ err }, 'touchStation failed'));
          }
          lastTouch.delete(conn.identity); // no per-identity state outlives the connection
          const end = new Date();
          store?.recordConnection(conn.identity, { at: end, connected: false }).catch((err: unknown) => slog.error({ err }, 'recordConnection failed'));
          bus.publish({ type: 'station.disconnected', stationId: conn.identity, code, reason, at: end.toISOString() });
        }));
      },
    });
  }

  async function start(): Promise<CsmsAddresses> {
    // The signing CA files (certificates.*) are checked before anything opens: a CA that cannot sign stops the
    // start with CSMS_ERR_CA_FILES rather than showing up at the first SignCertificate (A02/A03).
    await loadConfiguredCertificateAuthorities(runtime);
    store ??= await openConfiguredStore(config, opts.storeBatching);
    await bus.ready?.(); // a networked bus (NATS) is connected before stations can publish to it
    await cluster?.start();
    registerStoreMetrics(metrics, store);
    ocpp = createServer();
    listeners = createListeners(config, ocpp, () => accepting);
    // [A00.FR.705] a CRL that cannot be re-read keeps the previous one; say so
    for (const l of listeners) l.server.on('tlsConfigError', (err: unknown) => log.error({ err }, 'tls.crlFile reload failed; the previous revocation list stays in force'));
    for (const l of listeners) {
      await listen(l.server, l.port(), config.ocpp.host, `OCPP security profile ${l.profile} listener`, config.ocpp.listenBacklog);
    }
    accepting = true;
    retention.start();
    for (const l of listeners) addresses[l.profile === 1 ? 'ocpp' : l.profile === 2 ? 'tls' : 'mtls'] = l.port();
    if (config.http.port >= 0) {
      app = await createHttpApp(runtime, { api: opts.api ?? true });
      await app.listen({ port: config.http.port, host: config.http.host });
      addresses.http = (app.server.address() as { port: number }).port;
    }
    log.info({ ...addresses, mode: config.mode, store: store.kind, versions: config.ocpp.versions }, 'CSMS started');
    return { ...addresses };
  }

  async function doStop(): Promise<void> {
    accepting = false;
    log.info({ sessions: sessions.size }, 'shutting down');
    // 1. stop accepting new connections
    const closing = listeners.map((l) => closeServer(l.server));
    // 2. answer in-flight calls (both directions), bounded by the grace period
    const inflight = [...inboundInflight, ...[...sessions.values()].flatMap((s) => [...(s.inflight ?? [])])];
    if (inflight.length) {
      await Promise.race([
        Promise.allSettled(inflight),
        new Promise((r) => setTimeout(r, config.shutdown.graceMs).unref()),
      ]);
    }
    // 3. close every station connection (1001 going away), then the listeners and the HTTP app
    await ocpp?.close();
    await Promise.all(closing);
    await app?.close();
    // 4. flush and close the store (after a running retention pass), then the bus
    await retention.stop();
    if (store) {
      await store.flush().catch((err: unknown) => log.error({ err }, 'store flush failed'));
      if (!opts.store) await store.close();
    }
    await cluster?.stop(); // "bye": the other nodes drop this node's stations at once
    if (!opts.bus) await bus.close();
    log.info('stopped');
  }

  return {
    runtime,
    start,
    stop() {
      stopping ??= doStop();
      return stopping;
    },
    addresses,
    get app() {
      return app;
    },
    metrics,
  };
}

interface HookEnv { metrics: CsmsMetrics; touch(stationId: string, at: number): void }

/** The library hooks of one connection: methods on a class, not closures (one per connected station). */
class StationHooks implements EndpointHooks {
  constructor(private readonly identity: string, private readonly journal: Journal, private readonly env: HookEnv) {}
  onFrame(ev: FrameEvent): void {
    this.journal.onFrame(ev);
    if (ev.direction === 'in') this.env.touch(this.identity, ev.at);
  }
  onCall(ev: CallEvent): void {
    recordCall(this.env.metrics, ev);
  }
  onBadMessage(): void {
    this.env.metrics.badMessages.inc();
  }
}
