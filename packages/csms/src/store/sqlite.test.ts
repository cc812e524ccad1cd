import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from './sqlite.ts';
import { runStoreSuite } from './store-suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'cw-store-'));
let n = 0;
const paths = new Map<object, string>();

runStoreSuite(
  'sqlite',
  async () => {
    const path = join(dir, `store-${++n}.db`);
    const s = await createSqliteStore({ path });
    paths.set(s, path);
    return s;
  },
  async (s) => {
    await s.close();
    const path = paths.get(s)!;
    for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  },
  {
    reopen: async (old) => {
      const path = paths.get(old)!;
      await old.close();
      const s = await createSqliteStore({ path });
      paths.set(s, path);
      return s;
    },
  },
);
