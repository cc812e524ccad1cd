import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, helpText, defaultConfig } from './config.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { frameHeader } from './journal.ts';

test('config: defaults are the quick start (ws 9000, http 8080, sqlite in ./data)', () => {
  const c = loadConfig();
  assert.deepEqual([c.mode, c.ocpp.port, c.http.port, c.store.kind, c.dataDir], ['quickstart', 9000, 8080, 'sqlite', './data']);
});

test('config: env overrides the file, the file overrides defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-cfg-'));
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ ocpp: { port: 9100 }, boot: { defaultStatus: 'Pending' } }));
  const c = loadConfig({ file, env: { CHARGEWIRE_OCPP_PORT: '9200', CHARGEWIRE_OCPP_VERSIONS: '2.0.1' } });
  assert.equal(c.ocpp.port, 9200);
  assert.equal(c.boot.defaultStatus, 'Pending');
  assert.deepEqual(c.ocpp.versions, ['2.0.1']);
});

test('config: every bad value is reported with its name and what was expected', () => {
  assert.throws(
    () => loadConfig({ env: { CHARGEWIRE_OCPP_PORT: 'abc', CHARGEWIRE_MODE: 'prod', CHARGEWIRE_TLS_PORT: '9443' } }),
    (err: Error & { code?: string; details?: { problems: string[] } }) => {
      assert.equal(err.code, 'CSMS_ERR_CONFIG_INVALID');
      const p = err.details!.problems.join('\n');
      assert.match(p, /CHARGEWIRE_OCPP_PORT: expected an integer from -1 to 65535, got "abc"/);
      assert.match(p, /CHARGEWIRE_MODE: expected one of quickstart, production/);
      assert.match(p, /a TLS port is on, so a server certificate and key are required/);
      return true;
    },
  );
  const dir = mkdtempSync(join(tmpdir(), 'cw-cfg-'));
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ocpp: { prot: 1 } }));
  assert.throws(() => loadConfig({ file: join(dir, 'bad.json') }), /ocpp\.prot \(config file\): unknown option/);
  writeFileSync(join(dir, 'broken.json'), '{');
  assert.throws(() => loadConfig({ file: join(dir, 'broken.json') }), { code: 'CSMS_ERR_CONFIG_FILE' });
});

test('config: journal retention is 7 days by default, history kept forever; 0 (forever) or more days from the env, never negative', () => {
  assert.deepEqual(loadConfig().retention, { journalDays: 7, historyDays: 0, intervalS: 60 });
  assert.deepEqual(loadConfig({ env: { CHARGEWIRE_JOURNAL_RETENTION_DAYS: '0', CHARGEWIRE_HISTORY_RETENTION_DAYS: '400', CHARGEWIRE_RETENTION_INTERVAL_S: '600' } }).retention, { journalDays: 0, historyDays: 400, intervalS: 600 });
  assert.throws(() => loadConfig({ env: { CHARGEWIRE_HISTORY_RETENTION_DAYS: '-5' } }), (err: Error & { details?: { problems: string[] } }) =>
    /CHARGEWIRE_HISTORY_RETENTION_DAYS: expected an integer from 0 to 36500/.test(err.details!.problems.join('\n')));
  assert.throws(() => loadConfig({ env: { CHARGEWIRE_JOURNAL_RETENTION_DAYS: '-1' } }), (err: Error & { details?: { problems: string[] } }) =>
    /CHARGEWIRE_JOURNAL_RETENTION_DAYS: expected an integer from 0 to 36500/.test(err.details!.problems.join('\n')));
});

test('config: --help lists every env variable', () => {
  const h = helpText();
  for (const name of ['CHARGEWIRE_MODE', 'CHARGEWIRE_OCPP_PORT', 'CHARGEWIRE_MTLS_PORT', 'CHARGEWIRE_BOOT_STATUS']) assert.ok(h.includes(name));
  assert.equal(defaultConfig.mode, 'quickstart');
});

test('[A01.FR.08] passwords are stored as salted scrypt hashes and verified', async () => {
  const a = await hashPassword('s3cret-password-1');
  const b = await hashPassword('s3cret-password-1');
  assert.match(a, /^scrypt\$16384\$8\$1\$/);
  assert.notEqual(a, b, 'salted');
  assert.ok(!a.includes('s3cret'));
  assert.equal(await verifyPassword('s3cret-password-1', a), true);
  assert.equal(await verifyPassword('wrong', a), false);
  assert.equal(await verifyPassword('x', 'garbage'), false);
});

test('journal: frame headers are parsed, garbage is kept as type 0', () => {
  assert.deepEqual(frameHeader('[2,"m1","Heartbeat",{}]'), { messageType: 2, messageId: 'm1', action: 'Heartbeat' });
  assert.deepEqual(frameHeader('[3,"m1",{}]'), { messageType: 3, messageId: 'm1' });
  assert.deepEqual(frameHeader('{not json'), { messageType: 0, messageId: '' });
});

test('config: store.sqliteWalRestartPages defaults to 16,000 pages, 0 turns restart points off, negatives are refused', () => {
  assert.equal(loadConfig({ env: {} }).store.sqliteWalRestartPages, 16_000);
  assert.equal(loadConfig({ env: { CHARGEWIRE_SQLITE_WAL_RESTART_PAGES: '0' } }).store.sqliteWalRestartPages, 0);
  assert.throws(() => loadConfig({ env: { CHARGEWIRE_SQLITE_WAL_RESTART_PAGES: '-5' } }), /CHARGEWIRE_SQLITE_WAL_RESTART_PAGES|sqliteWalRestartPages/);
});

test('config: store.sqliteCacheMb defaults to 32 MB, CHARGEWIRE_SQLITE_CACHE_MB sets it, values under 2 MB are refused', () => {
  assert.equal(loadConfig({ env: {} }).store.sqliteCacheMb, 32);
  assert.equal(loadConfig({ env: { CHARGEWIRE_SQLITE_CACHE_MB: '256' } }).store.sqliteCacheMb, 256);
  assert.throws(() => loadConfig({ env: { CHARGEWIRE_SQLITE_CACHE_MB: '1' } }), /CHARGEWIRE_SQLITE_CACHE_MB|sqliteCacheMb/);
});
