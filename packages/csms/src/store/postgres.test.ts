// Runs the conformance suite on the real PostgreSQL server (127.0.0.1:5432, database `test`, user
// `postgres`, or the PG* environment variables), each store in a fresh schema `cw_test_<random>` that is
// dropped afterwards. An unreachable server FAILS the run: it is not a skip.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresStore } from './postgres.ts';
import { runStoreSuite } from './store-suite.ts';
import type { Store } from './store.ts';

const env = process.env;
const url = env.CW_TEST_PG_URL ?? `postgres://${env.PGUSER ?? 'postgres'}@${env.PGHOST ?? '127.0.0.1'}:${env.PGPORT ?? '5432'}/${env.PGDATABASE ?? 'test'}`;
const schemas = new Map<Store, string>();

async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

runStoreSuite(
  'postgres',
  async () => {
    const schema = `cw_test_${randomBytes(6).toString('hex')}`;
    let s: Store;
    try {
      s = await createPostgresStore({ url, schema });
    } catch (err) {
      throw new Error(`PostgreSQL is required for this suite but ${url} is not usable: ${(err as Error).message}`, { cause: err });
    }
    schemas.set(s, schema);
    return s;
  },
  async (s) => {
    await s.close().catch(() => undefined);
    const schema = schemas.get(s);
    if (schema) await dropSchema(schema);
  },
  {
    reopen: async (old) => {
      const schema = schemas.get(old)!;
      await old.close();
      const s = await createPostgresStore({ url, schema });
      schemas.set(s, schema);
      return s;
    },
  },
);
