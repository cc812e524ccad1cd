// The store conformance suite on a SQLite adapter (file per store in a temp dir, reopen on the same
// file): shared by the in-thread (sqlite.test.ts) and worker-thread (sqlite-threaded.test.ts) adapters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreSuite } from './store-suite.ts';
import type { Store } from './store.ts';

/** Runs the suite; returns the temp dir the databases live in (for adapter-specific tests). */
export function runSqliteStoreSuite(name: string, open: (opts: { path: string }) => Promise<Store>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cw-store-'));
  let n = 0;
  const paths = new Map<object, string>();
  const make = async (path: string): Promise<Store> => {
    const s = await open({ path });
    paths.set(s, path);
    return s;
  };
  runStoreSuite(
    name,
    () => make(join(dir, `store-${++n}.db`)),
    async (s) => {
      await s.close();
      const path = paths.get(s)!;
      for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    },
    {
      reopen: async (old) => {
        const path = paths.get(old)!;
        await old.close();
        return make(path);
      },
    },
  );
  return dir;
}
