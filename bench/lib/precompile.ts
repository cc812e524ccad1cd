// Precompile a bench child (TypeScript, with the workspace packages) into one ESM file, the way
// `npm start` runs the CSMS (scripts/build.ts: the same esbuild bundling), so that the benchmarks measure
// what operators run and a restarted CSMS does not pay tsx's on-the-fly compilation.
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { bundle, sqliteWorkerEntry } from '../../scripts/build.ts';

const cache = new Map<string, Promise<string>>();

/** Path of a bundled .mjs of `script` (built once per process). */
export function precompiled(script: string): Promise<string> {
  let p = cache.get(script);
  if (!p) {
    p = (async () => {
      // inside the repository, so that bare imports resolve from its node_modules
      const dir = join(new URL('../../node_modules/.cache/chargewire-bench', import.meta.url).pathname);
      mkdirSync(dir, { recursive: true });
      const out = join(dir, `${script.split('/').pop()!.replace(/\.ts$/, '')}-${process.pid}.mjs`);
      await bundle(script, out, { sourcemap: false });
      // the CSMS's SQLite store runs in a worker thread whose entry it looks for beside its own module
      // (packages/csms/src/store/sqlite-threaded.ts): build it there too, renamed into place atomically
      const worker = join(dir, `sqlite-worker-${process.pid}.mjs`);
      await bundle(sqliteWorkerEntry, worker, { sourcemap: false });
      renameSync(worker, join(dir, 'sqlite-worker.mjs'));
      return out;
    })();
    cache.set(script, p);
  }
  return p;
}
