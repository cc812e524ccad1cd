import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileTokenStore, createMemoryTokenStore, ensureAdminToken, hashToken, TOKEN_FILE } from './tokens.ts';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'cw-tokens-'));
}

test('tokens are stored hashed and verified by their hash', () => {
  const s = createMemoryTokenStore();
  const { token, record } = s.create('ops', 'readonly');
  assert.match(token, /^cw_[A-Za-z0-9_-]{43}$/);
  assert.equal(record.hash, hashToken(token));
  assert.equal(s.verify(token)?.role, 'readonly');
  assert.equal(s.verify(`${token}x`), undefined);
  assert.equal(s.verify(''), undefined);
  assert.equal(s.revoke(record.id), true);
  assert.equal(s.verify(token), undefined);
  assert.equal(s.revoke(record.id), false);
});

test('ensureAdminToken creates an admin token once, persisted hashed with mode 0600', () => {
  const dir = tmp();
  try {
    const token = ensureAdminToken(dir);
    assert.ok(token);
    const text = readFileSync(join(dir, TOKEN_FILE), 'utf8');
    assert.ok(!text.includes(token), 'clear token never written');
    assert.ok(text.includes(hashToken(token)));
    assert.equal(statSync(join(dir, TOKEN_FILE)).mode & 0o777, 0o600);
    assert.equal(ensureAdminToken(dir), null, 'second run creates nothing');
    const reloaded = createFileTokenStore(dir);
    assert.equal(reloaded.verify(token)?.role, 'admin');
    assert.equal(reloaded.list().length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt token file is refused, not silently replaced', () => {
  const dir = tmp();
  try {
    const s = createFileTokenStore(dir);
    s.create('a', 'admin');
    const file = join(dir, TOKEN_FILE);
    writeFileSync(file, '{"tokens":[{"id":1}]}');
    assert.throws(() => createFileTokenStore(dir), /not a token file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a token created by another instance is accepted without restart (main prints it after the API started)', () => {
  const dir = tmp();
  try {
    const api = createFileTokenStore(dir);
    assert.equal(api.list().length, 0);
    const token = ensureAdminToken(dir);
    assert.ok(token);
    assert.equal(api.verify(token)?.role, 'admin');
    const { token: ro } = api.create('reader', 'readonly');
    assert.equal(createFileTokenStore(dir).verify(ro)?.role, 'readonly');
    assert.equal(api.list().length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
