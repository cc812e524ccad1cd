// API bearer tokens, hashed at rest. Tokens are 32 random bytes (base64url, prefixed `cw_`), so a
// plain SHA-256 is enough (no password stretching needed for high-entropy secrets). The file store
// keeps `api-tokens.json` in the data directory, written atomically with mode 0600.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Role = 'admin' | 'readonly';
export const roles: readonly Role[] = ['admin', 'readonly'];

export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  /** hex SHA-256 of the token; the token itself is never stored. */
  hash: string;
  createdAt: string;
}

export interface TokenStore {
  /** The record of a presented token, or undefined. */
  verify(token: string): TokenRecord | undefined;
  /** Create a token; the clear token is returned once and never stored. */
  create(name: string, role: Role): { token: string; record: TokenRecord };
  list(): TokenRecord[];
  revoke(id: string): boolean;
}

export const TOKEN_FILE = 'api-tokens.json';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return `cw_${randomBytes(32).toString('base64url')}`;
}

function isRecord(x: unknown): x is TokenRecord {
  const r = x as TokenRecord;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && typeof r.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(r.hash) && (roles as string[]).includes(r.role) && typeof r.name === 'string';
}

/** A token store over an array, persisting after each change through `save`. */
function tokenStoreOver(records: TokenRecord[], save: (records: TokenRecord[]) => void): TokenStore {
  const byHash = new Map(records.map((r) => [r.hash, r]));
  return {
    verify(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 512) return undefined;
      return byHash.get(hashToken(token));
    },
    create(name, role) {
      const token = generateToken();
      const record: TokenRecord = { id: randomUUID(), name, role, hash: hashToken(token), createdAt: new Date().toISOString() };
      save([...byHash.values(), record]);
      byHash.set(record.hash, record);
      return { token, record };
    },
    list() {
      return [...byHash.values()];
    },
    revoke(id) {
      const hit = [...byHash.values()].find((r) => r.id === id);
      if (!hit) return false;
      save([...byHash.values()].filter((r) => r !== hit));
      byHash.delete(hit.hash);
      return true;
    },
  };
}

export function createMemoryTokenStore(): TokenStore {
  return tokenStoreOver([], () => {});
}

/**
 * File-backed store at `<dataDir>/api-tokens.json` (created on first write). The file is re-read when it
 * changes on disk, so a token created by another instance (main's ensureAdminToken, a CLI) is seen at once.
 */
export function createFileTokenStore(dataDir: string): TokenStore {
  const file = join(dataDir, TOKEN_FILE);
  const stamp = (): string => {
    try {
      const st = statSync(file);
      return `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw err;
    }
  };
  const read = (): TokenRecord[] => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const parsed = JSON.parse(text) as { tokens?: unknown };
    if (!Array.isArray(parsed.tokens) || !parsed.tokens.every(isRecord)) throw new Error(`${file}: not a token file`);
    return parsed.tokens;
  };
  let cache: { stamp: string; store: TokenStore } | undefined;
  const save = (next: TokenRecord[]) => {
    mkdirSync(dataDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, tokens: next }, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
    if (cache) cache.stamp = stamp();
  };
  const current = (): TokenStore => {
    const now = stamp();
    if (!cache || cache.stamp !== now) cache = { stamp: now, store: tokenStoreOver(read(), save) };
    return cache.store;
  };
  current(); // fail fast on a corrupt file
  return {
    verify: (token) => current().verify(token),
    create: (name, role) => current().create(name, role),
    list: () => current().list(),
    revoke: (id) => current().revoke(id),
  };
}

/**
 * First-run helper for main: when the data directory holds no admin token yet, create one and return
 * the clear token (print it once); otherwise return null.
 */
export function ensureAdminToken(dataDir: string, store: TokenStore = createFileTokenStore(dataDir)): string | null {
  if (store.list().some((r) => r.role === 'admin')) return null;
  return store.create('initial admin', 'admin').token;
}
