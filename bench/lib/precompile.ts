// Precompile a bench child (TypeScript, with the workspace packages) into one ESM file with esbuild
// (tsx's own dependency), so that a restarted CSMS does not pay tsx's on-the-fly compilation.
// Third-party packages stay external (loaded from node_modules as usual).
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

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
      await bundle(script, out);
      // the CSMS's SQLite store runs in a worker thread whose entry it looks for beside its own module
      // (packages/csms/src/store/sqlite-threaded.ts): build it there too, renamed into place atomically
      const worker = join(dir, `sqlite-worker-${process.pid}.mjs`);
      await bundle(new URL('../../packages/csms/src/store/sqlite-worker.ts', import.meta.url).pathname, worker);
      renameSync(worker, join(dir, 'sqlite-worker.mjs'));
      return out;
    })();
    cache.set(script, p);
  }
  return p;
}

async function bundle(script: string, out: string): Promise<void> {
  await build({
    entryPoints: [script], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out,
    // workspace packages are bundled (they are TypeScript); everything else comes from node_modules
    plugins: [{
      name: 'externals',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@chargewire/') ? undefined : { path: a.path, external: true }));
      },
    }],
    banner: { js: "import { createRequire as __cwCreateRequire } from 'node:module'; const require = __cwCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
}
