import { createMemoryStore } from './memory.ts';
import { runStoreSuite } from './store-suite.ts';

runStoreSuite('memory', async () => createMemoryStore(), async (s) => s.close());
