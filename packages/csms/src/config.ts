// Configuration: defaults < JSON file (--config) < environment (CHARGEWIRE_*). Validated at start;
// every bad value is reported with its env name, its path in the file, and what was expected.
import { readFileSync } from 'node:fs';
import type { OcppVersion } from '@chargewire/ocpp';
import { CsmsError } from './errors.ts';

export type BootStatus = 'Accepted' | 'Pending' | 'Rejected';

export interface CsmsConfig {
  /** quickstart: unknown stations are registered on first connect (warning logged); production: 404. */
  mode: 'quickstart' | 'production';
  dataDir: string;
  store: { kind: 'sqlite' | 'postgres' | 'memory'; sqlitePath: string; postgresUrl: string; sqliteThread: 'worker' | 'main'; batchIntervalMs: number; postgresWriteLanes: number; sqliteCheckpointMs: number; sqliteWalRestartPages: number; sqliteWalFlushAhead: boolean; sqliteCacheMb: number; touchIntervalMs: number };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'; pretty: boolean };
  http: { host: string; port: number };
  ocpp: {
    host: string;
    /** Plain ws:// listener (security profile 1, or none for password-less quick-start stations); -1 = off. */
    port: number;
    versions: OcppVersion[];
    maxPayloadBytes: number;
    callTimeoutMs: number;
    pingIntervalMs: number;
    /** Pending-connection queue of each OCPP listener (the kernel caps it at net.core.somaxconn). */
    listenBacklog: number;
  };
  tls: {
    /** wss:// with Basic auth (security profile 2); -1 = off. */
    port: number;
    /** wss:// with client certificates (security profile 3); -1 = off. */
    mtlsPort: number;
    certFile: string;
    keyFile: string;
    /** Second certificate for the ECDSA cipher suites (A00.FR.318). */
    ecdsaCertFile: string;
    ecdsaKeyFile: string;
    /** CA bundle that signs station certificates (profile 3). */
    caFile: string;
    /** PEM CRL(s) of the station CA (A00.FR.705); empty = no revocation list. */
    crlFile: string;
    /** Seconds between re-reads of the certificate, key, CA and CRL files (A00.FR.701, A00.FR.705); 0 = never. */
    reloadS: number;
    /** Required O (organizationName) of station certificates (A00.FR.404); empty = not checked. */
    operatorOrg: string;
    /**
     * Stations (comma-separated identities) allowed to connect on profile 3 with an expired certificate:
     * A00.FR.429, they are answered Pending at boot and asked to renew their certificate (A02).
     */
    expiredCertStations: string;
  };
  /**
   * The CA that signs station certificates from SignCertificate CSRs (A02/A03); empty files = none, and
   * SignCertificate is answered Rejected (A02.FR.12). V2G certificates need their own (ISO 15118) CA.
   */
  certificates: { caCertFile: string; caKeyFile: string; v2gCaCertFile: string; v2gCaKeyFile: string; validityDays: number };
  boot: { defaultStatus: BootStatus; heartbeatIntervalS: number; retryIntervalS: number; fetchInventory: boolean };
  reports: { timeoutMs: number };
  /** External authorizer for tokens the CSMS does not know (roaming hubs); empty url = off. */
  authorizer: { url: string; timeoutMs: number; cacheTtlMs: number };
  shutdown: { graceMs: number };
  /** Event bus for live updates: in-process, or NATS shared by every CSMS node. */
  bus: { kind: 'memory' | 'nats'; natsUrl: string; subjectPrefix: string };
  /** Several CSMS nodes on one NATS server: commands are forwarded to the node holding the station (cluster/). */
  cluster: { enabled: boolean; nodeId: string; presenceTimeoutMs: number };
  /**
   * Flat operator tariff for central cost calculation (E16.FR.11, I02, I03: blocks/tariff-cost.ts). Off while
   * currency is empty; prices are decimals >= 0 with at most 6 decimal places, in the currency's major unit.
   */
  tariff: { currency: string; pricePerKWh: number; pricePerMinute: number; sessionFee: number };
  /**
   * What is deleted when (retention.ts): the message journal after journalDays, the charging history (ended
   * transactions with their events and readings, readings outside transactions) after historyDays; 0 = kept forever.
   */
  retention: { journalDays: number; historyDays: number; intervalS: number };
}

export const defaultConfig: CsmsConfig = {
  mode: 'quickstart',
  dataDir: './data',
  store: { kind: 'sqlite', sqlitePath: '', postgresUrl: 'postgres://127.0.0.1:5432/chargewire', sqliteThread: 'main', batchIntervalMs: 4, postgresWriteLanes: 1, sqliteCheckpointMs: 20, sqliteWalRestartPages: 16_000, sqliteWalFlushAhead: true, sqliteCacheMb: 32, touchIntervalMs: 10_000 },
  log: { level: 'info', pretty: false },
  http: { host: '0.0.0.0', port: 8080 },
  ocpp: { host: '0.0.0.0', port: 9000, versions: ['2.1', '2.0.1'], maxPayloadBytes: 1024 * 1024, callTimeoutMs: 30_000, pingIntervalMs: 60_000, listenBacklog: 4096 },
  tls: { port: -1, mtlsPort: -1, certFile: '', keyFile: '', ecdsaCertFile: '', ecdsaKeyFile: '', caFile: '', crlFile: '', reloadS: 300, operatorOrg: '', expiredCertStations: '' },
  certificates: { caCertFile: '', caKeyFile: '', v2gCaCertFile: '', v2gCaKeyFile: '', validityDays: 365 },
  boot: { defaultStatus: 'Accepted', heartbeatIntervalS: 300, retryIntervalS: 30, fetchInventory: true },
  reports: { timeoutMs: 120_000 },
  authorizer: { url: '', timeoutMs: 2_000, cacheTtlMs: 60_000 },
  shutdown: { graceMs: 10_000 },
  bus: { kind: 'memory', natsUrl: 'nats://127.0.0.1:4222', subjectPrefix: 'chargewire' },
  cluster: { enabled: false, nodeId: '', presenceTimeoutMs: 15_000 },
  tariff: { currency: '', pricePerKWh: 0, pricePerMinute: 0, sessionFee: 0 },
  retention: { journalDays: 7, historyDays: 0, intervalS: 60 },
};

type Kind =
  | { t: 'string'; nonEmpty?: boolean }
  | { t: 'int'; min: number; max: number }
  | { t: 'bool' }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'versions' }
  /** A decimal number (JSON number or decimal string) from 0 to max with at most `places` decimal places. */
  | { t: 'decimal'; max: number; places: number };

interface Option { path: string; env: string; kind: Kind; help: string }

const port = { t: 'int', min: -1, max: 65535 } as const;
const price = { t: 'decimal', max: 1_000_000, places: 6 } as const;
/** Every option: its path in the JSON file, its environment variable, its type, and help text. */
export const options: readonly Option[] = [
  { path: 'mode', env: 'CHARGEWIRE_MODE', kind: { t: 'enum', values: ['quickstart', 'production'] }, help: 'quickstart registers unknown stations on first connect; production refuses them (HTTP 404)' },
  { path: 'dataDir', env: 'CHARGEWIRE_DATA_DIR', kind: { t: 'string', nonEmpty: true }, help: 'directory for the SQLite database and the admin token' },
  { path: 'store.kind', env: 'CHARGEWIRE_STORE', kind: { t: 'enum', values: ['sqlite', 'postgres', 'memory'] }, help: 'store adapter' },
  { path: 'store.sqlitePath', env: 'CHARGEWIRE_SQLITE_PATH', kind: { t: 'string' }, help: 'SQLite file (default <dataDir>/chargewire.db)' },
  { path: 'store.sqliteThread', env: 'CHARGEWIRE_SQLITE_THREAD', kind: { t: 'enum', values: ['worker', 'main'] }, help: 'main: SQLite runs on the event loop; worker: on its own thread (frees the event loop, costs ~15% more CPU per message: docs/performance.md)' },
  { path: 'store.batchIntervalMs', env: 'CHARGEWIRE_STORE_BATCH_INTERVAL_MS', kind: { t: 'int', min: 0, max: 50 }, help: 'under load, commit the group-commit batch at most every N ms so more writes share one commit: ≈ 10% less CPU per message for up to N ms more latency (0 = as soon as possible; docs/performance.md)' },
  { path: 'store.postgresUrl', env: 'CHARGEWIRE_POSTGRES_URL', kind: { t: 'string', nonEmpty: true }, help: 'PostgreSQL connection URL' },
  { path: 'store.touchIntervalMs', env: 'CHARGEWIRE_STORE_TOUCH_INTERVAL_MS', kind: { t: 'int', min: 0, max: 300000 }, help: 'persist a connected station\'s last-seen time at most this often (the live value is in its session; written at once on disconnect; shorter intervals rewrite a stations page in most commits under load)' },
  { path: 'store.sqliteCheckpointMs', env: 'CHARGEWIRE_SQLITE_CHECKPOINT_MS', kind: { t: 'int', min: 5, max: 10000 }, help: 'SQLite: WAL checkpoint interval of the checkpoint thread (short = small fsyncs, fewer write stalls)' },
  { path: 'store.sqliteCacheMb', env: 'CHARGEWIRE_SQLITE_CACHE_MB', kind: { t: 'int', min: 2, max: 65536 }, help: 'SQLite: page cache of the writer connection in MB (the hot index pages of every connected station should fit: docs/performance.md)' },
  { path: 'store.sqliteWalFlushAhead', env: 'CHARGEWIRE_SQLITE_WAL_FLUSH_AHEAD', kind: { t: 'bool' }, help: 'SQLite: in the second half of each WAL generation the checkpoint thread flushes the database file after its checkpoints, so the writer waits only briefly at restart points (false: the whole generation is flushed at the restart point)' },
  { path: 'store.sqliteWalRestartPages', env: 'CHARGEWIRE_SQLITE_WAL_RESTART_PAGES', kind: { t: 'int', min: 0, max: 1000000 }, help: 'SQLite: WAL pages after which the writer pauses between two batches until the checkpoint thread caught up, so the WAL starts again from its beginning (0: never; the writer then checkpoints itself at 10,000 pages)' },
  { path: 'store.postgresWriteLanes', env: 'CHARGEWIRE_POSTGRES_WRITE_LANES', kind: { t: 'int', min: 1, max: 16 }, help: 'PostgreSQL: group commits running side by side, one connection each; a station\'s writes always take the same lane' },
  { path: 'log.level', env: 'CHARGEWIRE_LOG_LEVEL', kind: { t: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }, help: 'pino log level' },
  { path: 'log.pretty', env: 'CHARGEWIRE_LOG_PRETTY', kind: { t: 'bool' }, help: 'one short human-readable line per log entry instead of JSON' },
  { path: 'http.host', env: 'CHARGEWIRE_HTTP_HOST', kind: { t: 'string', nonEmpty: true }, help: 'REST API / dashboard bind address' },
  { path: 'http.port', env: 'CHARGEWIRE_HTTP_PORT', kind: port, help: 'REST API / dashboard port (0 = ephemeral, -1 = off)' },
  { path: 'ocpp.host', env: 'CHARGEWIRE_OCPP_HOST', kind: { t: 'string', nonEmpty: true }, help: 'OCPP listeners bind address' },
  { path: 'ocpp.port', env: 'CHARGEWIRE_OCPP_PORT', kind: port, help: 'ws:// port, security profile 1 (-1 = off)' },
  { path: 'ocpp.versions', env: 'CHARGEWIRE_OCPP_VERSIONS', kind: { t: 'versions' }, help: 'comma-separated OCPP versions in order of preference (2.1,2.0.1)' },
  { path: 'ocpp.maxPayloadBytes', env: 'CHARGEWIRE_MAX_PAYLOAD_BYTES', kind: { t: 'int', min: 1024, max: 64 * 1024 * 1024 }, help: 'largest accepted message; larger ones close with 1009' },
  { path: 'ocpp.callTimeoutMs', env: 'CHARGEWIRE_CALL_TIMEOUT_MS', kind: { t: 'int', min: 100, max: 600_000 }, help: 'how long a CSMS-to-station CALL waits for its answer' },
  { path: 'ocpp.listenBacklog', env: 'CHARGEWIRE_LISTEN_BACKLOG', kind: { t: 'int', min: 1, max: 65_535 }, help: 'queue of not-yet-accepted connections per OCPP listener (a reconnect storm after a restart arrives at once; capped by net.core.somaxconn)' },
  { path: 'ocpp.pingIntervalMs', env: 'CHARGEWIRE_PING_INTERVAL_MS', kind: { t: 'int', min: 0, max: 3_600_000 }, help: 'WebSocket ping interval (0 = off)' },
  { path: 'tls.port', env: 'CHARGEWIRE_TLS_PORT', kind: port, help: 'wss:// port with Basic auth, security profile 2 (-1 = off)' },
  { path: 'tls.mtlsPort', env: 'CHARGEWIRE_MTLS_PORT', kind: port, help: 'wss:// port with client certificates, security profile 3 (-1 = off)' },
  { path: 'tls.certFile', env: 'CHARGEWIRE_TLS_CERT', kind: { t: 'string' }, help: 'PEM server certificate (RSA) for the TLS ports' },
  { path: 'tls.keyFile', env: 'CHARGEWIRE_TLS_KEY', kind: { t: 'string' }, help: 'PEM private key of tls.certFile' },
  { path: 'tls.ecdsaCertFile', env: 'CHARGEWIRE_TLS_ECDSA_CERT', kind: { t: 'string' }, help: 'PEM server certificate (ECDSA) for the ECDHE_ECDSA suites' },
  { path: 'tls.ecdsaKeyFile', env: 'CHARGEWIRE_TLS_ECDSA_KEY', kind: { t: 'string' }, help: 'PEM private key of tls.ecdsaCertFile' },
  { path: 'tls.caFile', env: 'CHARGEWIRE_TLS_CA', kind: { t: 'string' }, help: 'PEM CA bundle that signs station certificates (profile 3)' },
  { path: 'tls.crlFile', env: 'CHARGEWIRE_TLS_CRL', kind: { t: 'string' }, help: 'PEM certificate revocation list(s) of the station CA, as published by the CA server (A00.FR.705); revoked station certificates fail the handshake (profile 3)' },
  { path: 'tls.reloadS', env: 'CHARGEWIRE_TLS_RELOAD_S', kind: { t: 'int', min: 0, max: 86_400 }, help: 'seconds between re-reads of the TLS certificate/key/CA/CRL files: renewed short-lived certificates and new CRLs apply without a restart (0 = never)' },
  { path: 'tls.operatorOrg', env: 'CHARGEWIRE_OPERATOR_ORG', kind: { t: 'string' }, help: 'required O= of station certificates (A00.FR.404); empty = unchecked' },
  { path: 'tls.expiredCertStations', env: 'CHARGEWIRE_EXPIRED_CERT_STATIONS', kind: { t: 'string' }, help: 'comma-separated stations that may connect with an expired client certificate (A00.FR.429: Pending, then certificate renewal)' },
  { path: 'certificates.caCertFile', env: 'CHARGEWIRE_CERT_CA', kind: { t: 'string' }, help: 'PEM CA certificate (chain, signing CA first) that signs station certificates from SignCertificate CSRs (A02/A03); empty = SignCertificate Rejected' },
  { path: 'certificates.caKeyFile', env: 'CHARGEWIRE_CERT_CA_KEY', kind: { t: 'string' }, help: 'PEM private key (RSA or EC P-256/384/521) of certificates.caCertFile' },
  { path: 'certificates.v2gCaCertFile', env: 'CHARGEWIRE_V2G_CA', kind: { t: 'string' }, help: 'PEM CA certificate (chain) that signs V2GCertificate/V2G20Certificate CSRs (ISO 15118 SECC); empty = Rejected' },
  { path: 'certificates.v2gCaKeyFile', env: 'CHARGEWIRE_V2G_CA_KEY', kind: { t: 'string' }, help: 'PEM private key of certificates.v2gCaCertFile' },
  { path: 'certificates.validityDays', env: 'CHARGEWIRE_CERT_VALIDITY_DAYS', kind: { t: 'int', min: 1, max: 3650 }, help: 'validity of issued station certificates in days (capped at the CA certificate\'s end)' },
  { path: 'boot.defaultStatus', env: 'CHARGEWIRE_BOOT_STATUS', kind: { t: 'enum', values: ['Accepted', 'Pending', 'Rejected'] }, help: 'BootNotification answer for stations without their own policy' },
  { path: 'boot.heartbeatIntervalS', env: 'CHARGEWIRE_HEARTBEAT_INTERVAL_S', kind: { t: 'int', min: 1, max: 86_400 }, help: 'heartbeat interval sent with Accepted' },
  { path: 'boot.retryIntervalS', env: 'CHARGEWIRE_BOOT_RETRY_INTERVAL_S', kind: { t: 'int', min: 0, max: 86_400 }, help: 'retry interval sent with Pending/Rejected' },
  { path: 'boot.fetchInventory', env: 'CHARGEWIRE_FETCH_INVENTORY', kind: { t: 'bool' }, help: 'request a FullInventory report at a station\'s first boot (B07.FR.14)' },
  { path: 'reports.timeoutMs', env: 'CHARGEWIRE_REPORT_TIMEOUT_MS', kind: { t: 'int', min: 100, max: 3_600_000 }, help: 'how long to wait for all NotifyReport parts' },
  { path: 'authorizer.url', env: 'CHARGEWIRE_AUTHORIZER_URL', kind: { t: 'string' }, help: 'URL the CSMS POSTs unknown id tokens to (empty = off)' },
  { path: 'authorizer.timeoutMs', env: 'CHARGEWIRE_AUTHORIZER_TIMEOUT_MS', kind: { t: 'int', min: 50, max: 60_000 }, help: 'timeout of one external authorization request' },
  { path: 'authorizer.cacheTtlMs', env: 'CHARGEWIRE_AUTHORIZER_CACHE_TTL_MS', kind: { t: 'int', min: 0, max: 86_400_000 }, help: 'how long an external answer is reused (0 = no cache)' },
  { path: 'bus.kind', env: 'CHARGEWIRE_BUS', kind: { t: 'enum', values: ['memory', 'nats'] }, help: 'event bus: memory (one process) or nats (events shared by every CSMS node)' },
  { path: 'bus.natsUrl', env: 'CHARGEWIRE_NATS_URL', kind: { t: 'string', nonEmpty: true }, help: 'NATS server URL(s), comma-separated (bus.kind nats)' },
  { path: 'bus.subjectPrefix', env: 'CHARGEWIRE_NATS_PREFIX', kind: { t: 'string', nonEmpty: true }, help: 'NATS subject prefix, so deployments can share one NATS server' },
  { path: 'cluster.enabled', env: 'CHARGEWIRE_CLUSTER', kind: { t: 'bool' }, help: 'cluster node: forward commands to the node holding the station over NATS (needs bus.kind nats)' },
  { path: 'cluster.nodeId', env: 'CHARGEWIRE_NODE_ID', kind: { t: 'string' }, help: 'this node\'s id in the cluster (empty = host-pid-random)' },
  { path: 'cluster.presenceTimeoutMs', env: 'CHARGEWIRE_CLUSTER_PRESENCE_TIMEOUT_MS', kind: { t: 'int', min: 300, max: 600_000 }, help: 'a node silent this long is gone and its stations offline (heartbeat every third of it)' },
  { path: 'tariff.currency', env: 'CHARGEWIRE_TARIFF_CURRENCY', kind: { t: 'string' }, help: 'ISO 4217 code (EUR) of the flat tariff: with it the CSMS calculates transaction cost centrally and sends totalCost (E16.FR.11, I02, I03); empty = off' },
  { path: 'tariff.pricePerKWh', env: 'CHARGEWIRE_TARIFF_PRICE_PER_KWH', kind: price, help: 'flat tariff: price per kWh imported, including taxes (decimal, at most 6 places)' },
  { path: 'tariff.pricePerMinute', env: 'CHARGEWIRE_TARIFF_PRICE_PER_MINUTE', kind: price, help: 'flat tariff: price per minute from the transaction start, prorated per second, including taxes' },
  { path: 'tariff.sessionFee', env: 'CHARGEWIRE_TARIFF_SESSION_FEE', kind: price, help: 'flat tariff: fixed fee per transaction, including taxes' },
  { path: 'retention.journalDays', env: 'CHARGEWIRE_JOURNAL_RETENTION_DAYS', kind: { t: 'int', min: 0, max: 36_500 }, help: 'delete message-journal entries (every OCPP frame, verbatim) older than this many days (0 = keep forever: ≈ 1 KB per frame, the database grows without bound); transactions and meter values: retention.historyDays' },
  { path: 'retention.historyDays', env: 'CHARGEWIRE_HISTORY_RETENTION_DAYS', kind: { t: 'int', min: 0, max: 36_500 }, help: 'delete transactions that ended more than this many days ago, with their events, meter values, limit and remote start, and meter values taken outside transactions before then (0 = keep forever, the default: billing records)' },
  { path: 'retention.intervalS', env: 'CHARGEWIRE_RETENTION_INTERVAL_S', kind: { t: 'int', min: 1, max: 86_400 }, help: 'seconds between retention passes (each deletes what is due in paced batches of 500)' },
  { path: 'shutdown.graceMs', env: 'CHARGEWIRE_SHUTDOWN_GRACE_MS', kind: { t: 'int', min: 0, max: 600_000 }, help: 'time given to in-flight calls on shutdown' },
];

function get(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function set(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  cur[keys[keys.length - 1]!] = value;
}

/** Parse one value (a string from the env, or any JSON value from the file); returns [value] or an error text. */
function coerce(kind: Kind, raw: unknown): { ok: true; value: unknown } | { ok: false; expected: string } {
  switch (kind.t) {
    case 'string':
      if (typeof raw !== 'string') return { ok: false, expected: 'a string' };
      if (kind.nonEmpty && raw.trim() === '') return { ok: false, expected: 'a non-empty string' };
      return { ok: true, value: raw };
    case 'int': {
      const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
      const expected = `an integer from ${kind.min} to ${kind.max}`;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < kind.min || n > kind.max) return { ok: false, expected };
      return { ok: true, value: n };
    }
    case 'bool':
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (raw === 'true' || raw === '1') return { ok: true, value: true };
      if (raw === 'false' || raw === '0') return { ok: true, value: false };
      return { ok: false, expected: 'true or false' };
    case 'enum':
      if (typeof raw === 'string' && kind.values.includes(raw)) return { ok: true, value: raw };
      return { ok: false, expected: `one of ${kind.values.join(', ')}` };
    case 'versions': {
      const list = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : raw;
      const expected = 'a non-empty list of 2.1 and/or 2.0.1 without repeats';
      if (!Array.isArray(list) || list.length === 0 || new Set(list).size !== list.length) return { ok: false, expected };
      if (!list.every((v) => v === '2.1' || v === '2.0.1')) return { ok: false, expected };
      return { ok: true, value: list };
    }
    case 'decimal': {
      const expected = `a decimal number from 0 to ${kind.max} with at most ${kind.places} decimal places`;
      // String(number) is the shortest form that reads back as the same number: the places the user wrote
      const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
      const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
      if (!m || (m[2]?.length ?? 0) > kind.places || Number(text) > kind.max) return { ok: false, expected };
      return { ok: true, value: Number(text) };
    }
  }
}

export interface LoadOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Programmatic overrides (tests), applied last, same shape as the file. */
  overrides?: DeepPartial<CsmsConfig>;
}
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/** Build and validate the configuration. Throws CsmsError('CSMS_ERR_CONFIG_INVALID') listing every bad value. */
export function loadConfig(opts: LoadOptions = {}): CsmsConfig {
  let fileObj: unknown = {};
  if (opts.file) {
    try {
      fileObj = JSON.parse(readFileSync(opts.file, 'utf8'));
    } catch (err) {
      throw new CsmsError('CSMS_ERR_CONFIG_FILE', `cannot read config file ${opts.file}: ${(err as Error).message}`);
    }
    if (fileObj === null || typeof fileObj !== 'object' || Array.isArray(fileObj)) {
      throw new CsmsError('CSMS_ERR_CONFIG_FILE', `config file ${opts.file} must contain a JSON object`);
    }
  }
  const env = opts.env ?? {};
  const cfg = structuredClone(defaultConfig) as unknown as Record<string, unknown>;
  const problems: string[] = [];
  const known = new Set(options.map((o) => o.path));
  for (const path of leafPaths(fileObj)) if (!known.has(path)) problems.push(`${path} (config file): unknown option`);
  for (const o of options) {
    const sources: Array<[string, unknown]> = [];
    const fromFile = get(fileObj, o.path);
    if (fromFile !== undefined) sources.push([`${o.path} (config file)`, fromFile]);
    if (env[o.env] !== undefined) sources.push([`${o.env}`, env[o.env]]);
    const fromOverride = get(opts.overrides, o.path);
    if (fromOverride !== undefined) sources.push([`${o.path}`, fromOverride]);
    for (const [where, raw] of sources) {
      const r = coerce(o.kind, raw);
      if (r.ok) set(cfg, o.path, r.value);
      else problems.push(`${where}: expected ${r.expected}, got ${JSON.stringify(raw)}`);
    }
  }
  const c = cfg as unknown as CsmsConfig;
  problems.push(...crossCheck(c));
  if (problems.length) {
    throw new CsmsError('CSMS_ERR_CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`, { problems });
  }
  return c;
}

function leafPaths(obj: unknown, prefix = ''): string[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return prefix ? [prefix] : [];
  return Object.entries(obj).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? leafPaths(v, p) : [p];
  });
}

function crossCheck(c: CsmsConfig): string[] {
  const out: string[] = [];
  const tlsOn = c.tls.port >= 0 || c.tls.mtlsPort >= 0;
  if (tlsOn && !(c.tls.certFile && c.tls.keyFile) && !(c.tls.ecdsaCertFile && c.tls.ecdsaKeyFile)) {
    out.push('CHARGEWIRE_TLS_CERT/CHARGEWIRE_TLS_KEY (tls.certFile/tls.keyFile): a TLS port is on, so a server certificate and key are required');
  }
  if (Boolean(c.tls.certFile) !== Boolean(c.tls.keyFile)) out.push('tls.certFile and tls.keyFile must be given together');
  if (Boolean(c.tls.ecdsaCertFile) !== Boolean(c.tls.ecdsaKeyFile)) out.push('tls.ecdsaCertFile and tls.ecdsaKeyFile must be given together');
  if (Boolean(c.certificates.caCertFile) !== Boolean(c.certificates.caKeyFile)) out.push('certificates.caCertFile and certificates.caKeyFile (CHARGEWIRE_CERT_CA, CHARGEWIRE_CERT_CA_KEY) must be given together');
  if (Boolean(c.certificates.v2gCaCertFile) !== Boolean(c.certificates.v2gCaKeyFile)) out.push('certificates.v2gCaCertFile and certificates.v2gCaKeyFile (CHARGEWIRE_V2G_CA, CHARGEWIRE_V2G_CA_KEY) must be given together');
  if (c.tls.crlFile && c.tls.mtlsPort < 0) out.push('tls.crlFile (CHARGEWIRE_TLS_CRL) applies to station certificates: it needs the profile 3 port (tls.mtlsPort)');
  if (c.tls.mtlsPort >= 0 && !c.tls.caFile) out.push('CHARGEWIRE_TLS_CA (tls.caFile): security profile 3 (tls.mtlsPort) needs the CA that signs station certificates');
  if (c.bus.kind === 'nats' && !/^(nats|tls|ws|wss):\/\/[^,\s]+(,\s*(nats|tls|ws|wss):\/\/[^,\s]+)*$/.test(c.bus.natsUrl)) {
    out.push(`CHARGEWIRE_NATS_URL (bus.natsUrl): expected nats://host:port (comma-separated list allowed), got ${JSON.stringify(c.bus.natsUrl)}`);
  }
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(c.bus.subjectPrefix)) {
    out.push(`CHARGEWIRE_NATS_PREFIX (bus.subjectPrefix): expected NATS subject tokens (letters, digits, _ and -, separated by dots), got ${JSON.stringify(c.bus.subjectPrefix)}`);
  }
  if (c.cluster.enabled && c.bus.kind !== 'nats') out.push('CHARGEWIRE_CLUSTER (cluster.enabled): a cluster needs the NATS bus (CHARGEWIRE_BUS=nats)');
  if (c.cluster.nodeId && !/^[A-Za-z0-9_-]{1,64}$/.test(c.cluster.nodeId)) out.push(`CHARGEWIRE_NODE_ID (cluster.nodeId): expected 1-64 letters, digits, _ or -, got ${JSON.stringify(c.cluster.nodeId)}`);
  const t = c.tariff;
  if (t.currency && !(/^[A-Z]{3}$/.test(t.currency) && Intl.supportedValuesOf('currency').includes(t.currency))) {
    out.push(`CHARGEWIRE_TARIFF_CURRENCY (tariff.currency): expected an ISO 4217 currency code such as EUR, got ${JSON.stringify(t.currency)}`);
  }
  if (!t.currency && (t.pricePerKWh > 0 || t.pricePerMinute > 0 || t.sessionFee > 0)) {
    out.push('CHARGEWIRE_TARIFF_CURRENCY (tariff.currency): a tariff price is set, so its currency is required');
  }
  const ports = [c.ocpp.port, c.tls.port, c.tls.mtlsPort, c.http.port].filter((p) => p > 0);
  if (new Set(ports).size !== ports.length) out.push('ocpp.port, tls.port, tls.mtlsPort and http.port must differ');
  return out;
}

/** tls.expiredCertStations as a list. */
export function expiredCertStations(tls: CsmsConfig['tls']): string[] {
  return tls.expiredCertStations.split(',').map((x) => x.trim()).filter(Boolean);
}

/** `--help` text: every option with its env variable and default. */
export function helpText(): string {
  const lines = [
    'Usage: npm start -- [--config file.json] [--help]',
    '',
    'Chargewire CSMS. Options come from defaults, then the JSON file (--config, nested keys as shown),',
    'then environment variables. Every value is validated at start.',
    '',
  ];
  for (const o of options) {
    const def = JSON.stringify(get(defaultConfig, o.path));
    lines.push(`  ${o.env.padEnd(34)} ${o.path.padEnd(24)} ${o.help} (default ${def})`);
  }
  return lines.join('\n');
}
