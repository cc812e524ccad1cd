// Test fixtures for clustering: several real CSMS nodes in one process, on the NATS server at
// 127.0.0.1:4222 (CHARGEWIRE_TEST_NATS_URL) and one shared PostgreSQL store in a schema of their own
// (127.0.0.1:5432 db `test`, CW_TEST_PG_URL), dropped afterwards. Unreachable servers FAIL the tests.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { startTestCsms, type TestCsms } from '../../../../test/fixtures/csms.ts';
import { createMemoryStore } from '../store/memory.ts';
import { createPostgresStore } from '../store/postgres.ts';
import type { Store } from '../store/store.ts';
import { registerApi } from '../api/index.ts';
import { createMemoryTokenStore } from '../api/tokens.ts';

const env = process.env;
export const NATS_URL = env['CHARGEWIRE_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
export const PG_URL = env['CW_TEST_PG_URL'] ?? `postgres://${env['PGUSER'] ?? 'postgres'}@${env['PGHOST'] ?? '127.0.0.1'}:${env['PGPORT'] ?? '5432'}/${env['PGDATABASE'] ?? 'test'}`;

/** A NATS subject prefix of our own, so parallel runs on one server do not see each other. */
export const testPrefix = (): string => `cwcluster_${process.pid}_${randomBytes(4).toString('hex')}`;

export interface ClusterOptions {
  prefix?: string;
  presenceTimeoutMs?: number;
  callTimeoutMs?: number;
  store?: 'postgres' | 'memory';
}

export interface TestCluster {
  prefix: string;
  store: Store;
  /** Start one more node (id = node id) on the cluster's prefix and store. */
  node(id: string, o?: { prefix?: string }): Promise<TestCsms>;
  /** The REST API of a node, driven through Fastify inject() with an admin token. */
  api(node: TestCsms): Promise<{ req(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse> }>;
  stop(): Promise<void>;
}

export async function startCluster(o: ClusterOptions = {}): Promise<TestCluster> {
  const prefix = o.prefix ?? testPrefix();
  const schema = `cw_cluster_${randomBytes(6).toString('hex')}`;
  const usePg = (o.store ?? 'postgres') === 'postgres';
  let store: Store;
  if (usePg) {
    try {
      store = await createPostgresStore({ url: PG_URL, schema, maxDelayMs: 0 });
    } catch (err) {
      throw new Error(`PostgreSQL is required for the cluster tests but ${PG_URL} is not usable: ${(err as Error).message}`, { cause: err });
    }
  } else {
    store = createMemoryStore({ maxDelayMs: 0 });
  }
  const nodes: TestCsms[] = [];
  const apps: FastifyInstance[] = [];
  return {
    prefix,
    store,
    async node(id, n = {}) {
      const t = await startTestCsms({
        bus: { kind: 'nats', natsUrl: NATS_URL, subjectPrefix: n.prefix ?? prefix },
        cluster: { enabled: true, nodeId: id, presenceTimeoutMs: o.presenceTimeoutMs ?? 900 },
        ocpp: { callTimeoutMs: o.callTimeoutMs ?? 2000 },
      }, store);
      nodes.push(t);
      return t;
    },
    async api(node) {
      const app = Fastify({ logger: false });
      const tokens = createMemoryTokenStore();
      const admin = tokens.create('cluster test admin', 'admin').token;
      await registerApi(app, node.csms.runtime, { tokens });
      await app.ready();
      apps.push(app);
      return {
        req: (method, url, body) => app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${admin}` }, ...(body !== undefined ? { payload: body as object } : {}) }),
      };
    },
    async stop() {
      await Promise.all(apps.map((a) => a.close()));
      await Promise.all(nodes.map((n) => n.stop().catch(() => {})));
      await store.close().catch(() => {});
      if (usePg) {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        try {
          await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await c.end();
        }
      }
    },
  };
}
