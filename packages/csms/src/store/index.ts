// Store factory: the adapter is chosen by configuration (design habit 4).
import { createMemoryStore } from './memory.ts';
import { createPostgresStore } from './postgres.ts';
import { createSqliteStore } from './sqlite.ts';
import { createThreadedSqliteStore } from './sqlite-threaded.ts';
import type { GroupCommitOptions } from './group-commit.ts';
import type { Store } from './store.ts';

export type StoreConfig =
  /** `thread: 'worker'` runs SQLite on its own thread (sqlite-threaded.ts); default: the caller's thread. */
  | ({ kind: 'sqlite'; path: string; synchronous?: 'NORMAL' | 'FULL'; thread?: 'worker' | 'main'; checkpointIntervalMs?: number; walRestartPages?: number; walFlushAhead?: boolean; cacheMb?: number } & GroupCommitOptions)
  | ({ kind: 'postgres'; url: string; schema?: string; poolSize?: number; writeLanes?: number } & GroupCommitOptions)
  | ({ kind: 'memory' } & GroupCommitOptions);

export async function createStore(config: StoreConfig): Promise<Store> {
  switch (config.kind) {
    case 'sqlite': {
      const { thread, ...opts } = config;
      return thread === 'worker' ? createThreadedSqliteStore(opts) : createSqliteStore(opts);
    }
    case 'postgres': return createPostgresStore(config);
    case 'memory': return createMemoryStore(config);
  }
}

export { StoreError, storeErrorCodes, type Store, type StoreErrorCode } from './store.ts';
export type * from './records.ts';
