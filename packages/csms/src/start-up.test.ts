// What a CSMS on the default configuration (SQLite, the in-process bus, no cluster) loads: not the
// PostgreSQL driver nor the NATS client, which only their adapters import when they are configured
// (≈ 10 MB of RSS and 0.1 s of start-up on the benchmark hosts; issue 7, docs/performance-history.md "Session 15").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Starts a CSMS on the default configuration in a child process and lists the packages it loaded. */
function loadedPackages(): string[] {
  const script = `
    import { mkdtempSync, rmSync } from 'node:fs';
    import { tmpdir } from 'node:os';
    import { join } from 'node:path';
    import Module from 'node:module';
    import { loadConfig } from './packages/csms/src/config.ts';
    import { createCsms } from './packages/csms/src/csms.ts';
    const dir = mkdtempSync(join(tmpdir(), 'cw-startup-'));
    const config = loadConfig({ env: { CHARGEWIRE_DATA_DIR: dir, CHARGEWIRE_OCPP_PORT: '0', CHARGEWIRE_HTTP_PORT: '0', CHARGEWIRE_LOG_LEVEL: 'silent' } });
    const csms = createCsms(config);
    await csms.start();
    const pkgs = new Set(Object.keys(Module._cache).map((p) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(p)?.[1]).filter(Boolean));
    await csms.stop();
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write(JSON.stringify([...pkgs].sort()));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[];
}

test('the default CSMS (SQLite, in-process bus) starts without loading pg or nats', { timeout: 90_000 }, () => {
  const pkgs = loadedPackages();
  assert.ok(pkgs.includes('better-sqlite3'), `the SQLite driver is loaded: ${pkgs.join(', ')}`);
  assert.ok(!pkgs.includes('pg'), `pg is not loaded: ${pkgs.join(', ')}`);
  assert.ok(!pkgs.includes('nats'), `nats is not loaded: ${pkgs.join(', ')}`);
});

test('the PostgreSQL store loads pg when it is created, not when its module is imported', { timeout: 90_000 }, () => {
  const env = process.env;
  const url = env['CW_TEST_PG_URL'] ?? `postgres://${env['PGUSER'] ?? 'postgres'}@${env['PGHOST'] ?? '127.0.0.1'}:${env['PGPORT'] ?? '5432'}/${env['PGDATABASE'] ?? 'test'}`;
  const script = `
    import Module from 'node:module';
    import { randomBytes } from 'node:crypto';
    import { createStore } from './packages/csms/src/store/index.ts';
    const loaded = () => Object.keys(Module._cache).some((p) => p.includes('/node_modules/pg/'));
    const before = loaded();
    const schema = 'cw_test_' + randomBytes(6).toString('hex');
    const store = await createStore({ kind: 'postgres', url: ${JSON.stringify(url)}, schema });
    const after = loaded();
    await store.close();
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: ${JSON.stringify(url)} });
    await c.connect();
    await c.query('DROP SCHEMA IF EXISTS "' + schema + '" CASCADE');
    await c.end();
    process.stdout.write(JSON.stringify({ before, after }));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { before: false, after: true });
});
