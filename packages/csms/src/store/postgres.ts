// PostgreSQL adapter (node-postgres Pool) for production and clusters. Reads use the pool; the group
// commit runs each batch on one client in BEGIN … COMMIT and, if the batch fails, re-runs its ops one by
// one so only the faulty ones are rejected. Several write lanes (writeLanes) run batches side by side.
// `schema` (created if missing) isolates test runs. node-postgres is loaded when a PostgreSQL store is
// created, not when this module is: a CSMS on SQLite (the default) never loads it (≈ 6 MB RSS and 60 ms of
// start-up on these hosts, issue 7).
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { GroupCommit, withFallback, type GroupCommitOptions } from './group-commit.ts';
import { migrations, render, SCHEMA_VERSION_DDL } from './migrations.ts';
import { createSqlStore, type SqlConn } from './sql-store.ts';
import { StoreError, type Store } from './store.ts';

export interface PostgresStoreOptions extends GroupCommitOptions {
  /** postgres://user@host:port/db; absent = PG* environment variables. */
  url?: string;
  /** Schema for all tables (default 'public'). */
  schema?: string;
  poolSize?: number;
  /**
   * Write lanes (default 1): group commits running side by side, each on its own pooled connection; a
   * station's writes always take the same lane. One lane = one batch at a time, bound by round trips.
   */
  writeLanes?: number;
}

export function mapPgError(err: unknown): unknown {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: string })?.code ?? '';
  if (code === '23505') return new StoreError('STORE_ERR_CONFLICT', (err as Error).message, { dbCode: code }, { cause: err });
  return new StoreError('STORE_ERR_BACKEND', `postgres: ${(err as Error)?.message ?? String(err)}`, { dbCode: code }, { cause: err });
}

const toPg = (sql: string) => {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
};

type PgTypes = { getTypeParser(oid: number, format: 'text'): unknown };

// int8 (count(*), BIGSERIAL ids) as JS numbers: ids stay far below 2^53.
const typesOf = (pgTypes: PgTypes) => ({ getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? (v: string) => Number(v) : pgTypes.getTypeParser(oid, format as 'text')) });

// Named (server-side prepared) statements: each connection parses and plans a statement text once, later
// runs only bind and execute. The name is derived from the text, so equal texts share it.
const named = new Map<string, { name: string; text: string }>();
function statement(sql: string): { name: string; text: string } {
  let st = named.get(sql);
  if (!st) {
    st = { name: `cw_${createHash('sha1').update(sql).digest('base64url')}`, text: toPg(sql) };
    if (named.size > 2000) named.clear();
    named.set(sql, st);
  }
  return st;
}

function connOf(c: Pool | PoolClient): SqlConn {
  return {
    all: async (sql, params) => (await c.query({ ...statement(sql), values: params ?? [] })).rows,
    run: async (sql, params) => (await c.query({ ...statement(sql), values: params ?? [] })).rowCount ?? 0,
  };
}

const ident = (s: string) => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(s)) throw new StoreError('STORE_ERR_INVALID', `schema: ${s} is not a plain lower-case identifier`);
  return `"${s}"`;
};

export async function migratePostgres(pool: Pool, schema: string): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
    await c.query('SELECT pg_advisory_lock(684301)'); // one migrator at a time across processes
    try {
      await c.query(SCHEMA_VERSION_DDL);
      const current = Number((await c.query('SELECT max(version) AS v FROM schema_version')).rows[0]?.v ?? 0);
      for (const m of migrations) {
        if (m.version <= current) continue;
        await c.query('BEGIN');
        try {
          await c.query(render(m.sql, 'postgres'));
          await c.query('INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)', [m.version, new Date().toISOString()]);
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock(684301)');
    }
  } finally {
    c.release();
  }
}

export async function createPostgresStore(opts: PostgresStoreOptions = {}): Promise<Store> {
  const schema = opts.schema ?? 'public';
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    ...(opts.url ? { connectionString: opts.url } : {}),
    max: Math.max(opts.poolSize ?? 10, (opts.writeLanes ?? 1) + 2), // every lane may hold a client, reads need some
    types: typesOf(pg.types),
    options: `-c search_path=${ident(schema)}`,
  });
  pool.on('error', () => undefined); // idle client errors surface on the next query instead of crashing
  try {
    await migratePostgres(pool, schema);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw mapPgError(err);
  }
  const execute = withFallback<SqlConn>(async (ops) => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const out: unknown[] = [];
      const conn = connOf(c);
      try {
        for (const op of ops) out.push(await op(conn));
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      return out;
    } finally {
      c.release();
    }
  });
  const laneCount = Math.max(1, Math.min(16, Math.floor(opts.writeLanes ?? 1)));
  const lanes = Array.from({ length: laneCount }, () => new GroupCommit<SqlConn>(execute, { ...opts, mapError: mapPgError }));
  const read = connOf(pool);
  const guarded: SqlConn = {
    all: (sql, params) => read.all(sql, params).catch((e) => { throw mapPgError(e); }),
    run: (sql, params) => read.run(sql, params).catch((e) => { throw mapPgError(e); }),
  };
  return createSqlStore({ kind: 'postgres', read: guarded, lanes, release: () => pool.end() });
}
