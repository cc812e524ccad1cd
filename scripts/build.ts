// `npm start`'s build step (the `prestart` script): what the CSMS runs is built here, and only when its
// sources changed since the last build, so a start after an unchanged checkout costs a few stat() calls.
//   - The CSMS as one ESM bundle (esbuild, which tsx already brings): packages/csms/dist/main.mjs and the
//     SQLite store's worker entry beside it (packages/csms/src/store/sqlite-threaded.ts looks for it
//     there). Third-party packages stay external and load from node_modules. Against running the
//     TypeScript through tsx, measured idle (docs/performance-history.md, session 13): 1.1 s instead of 1.8 s from
//     start to listening, 127 MB RSS instead of 171 MB, and +1–10% CALLs per CPU-second (four pairs); since session 15
//     pg and nats load only when configured and the API's validators compile on first use (1.0 s, 112–119 MB). A source map
//     is written beside it; `NODE_OPTIONS=--enable-source-maps npm start` maps stack traces to the
//     TypeScript (≈ 40 MB more RSS, so not the default; without it a trace names main.mjs lines, whose
//     `// packages/…` comments say which source file they come from).
//   - The dashboard (`vite build` in packages/dashboard) when dist/ is missing or older than its sources.
//     Where vite is not installed it is skipped with a warning: the CSMS then answers `/` with how to
//     build it. Building needs the dev dependencies (tsx, esbuild, vite); the built bundle runs with the
//     runtime dependencies alone (`node packages/csms/dist/main.mjs`).
//
//   node --import tsx scripts/build.ts [--force] [--csms-only]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const csmsDistDir = join(root, 'packages/csms/dist');
const dashboardRoot = join(root, 'packages/dashboard');

/** The SQLite store's worker entry, bundled beside whatever bundle runs the CSMS (sqlite-threaded.ts looks for it there). */
export const sqliteWorkerEntry = join(root, 'packages/csms/src/store/sqlite-worker.ts');

/** The bundles of the CSMS: entry source → output file name (in the same directory). */
export const csmsEntries: ReadonlyArray<readonly [string, string]> = [
  [join(root, 'packages/csms/src/main.ts'), 'main.mjs'],
  [sqliteWorkerEntry, 'sqlite-worker.mjs'],
];

const META = 'build-meta.json';

interface BuildMeta { inputs: string[] }

/**
 * Bundle one TypeScript entry (with the workspace packages, which are TypeScript) into one ESM file;
 * every other bare import stays external. Also used for the benchmarks' child processes
 * (bench/lib/precompile.ts). Returns the absolute paths of the source files it read.
 */
export async function bundle(entry: string, outfile: string, o: { sourcemap?: boolean } = {}): Promise<string[]> {
  const { build } = await import('esbuild');
  const r = await build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile,
    sourcemap: o.sourcemap === false ? false : 'linked', metafile: true, absWorkingDir: root,
    plugins: [{
      name: 'externals',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@chargewire/') ? undefined : { path: a.path, external: true }));
      },
    }],
    // CommonJS packages inside the bundle (none today) and `require` in eval'd worker code need it
    banner: { js: "import { createRequire as __cwCreateRequire } from 'node:module'; const require = __cwCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return Object.keys(r.metafile!.inputs).map((p) => join(root, p));
}

function mtime(path: string): number | undefined {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs;
}

/** Why the CSMS bundle in `dir` must be rebuilt, or undefined when it is up to date. */
export function csmsStaleReason(dir = csmsDistDir): string | undefined {
  const built = Math.min(...csmsEntries.map(([, out]) => mtime(join(dir, out)) ?? -1));
  if (built < 0) return 'not built yet';
  let meta: BuildMeta;
  try { meta = JSON.parse(readFileSync(join(dir, META), 'utf8')) as BuildMeta; } catch { return `no readable ${META}`; }
  // this script decides how the bundle is made: a change to it counts as a change of the sources
  for (const input of [fileURLToPath(import.meta.url), ...meta.inputs]) {
    const m = mtime(input);
    if (m === undefined) return `${relative(root, input)} is gone`;
    if (m > built) return `${relative(root, input)} changed`;
  }
  return undefined;
}

/** Builds the CSMS bundle into `dir` when stale (or `force`). Each output is written beside and renamed into place. */
export async function buildCsms(o: { dir?: string; force?: boolean } = {}): Promise<{ built: boolean; reason?: string; ms: number }> {
  const dir = o.dir ?? csmsDistDir;
  const t0 = performance.now();
  const reason = o.force ? 'forced' : csmsStaleReason(dir);
  if (!reason) return { built: false, ms: performance.now() - t0 };
  // built in a directory of its own, then renamed into place: a CSMS starting meanwhile never reads half a file
  const tmp = join(dir, `.build-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  const inputs = new Set<string>();
  try {
    for (const [entry, out] of csmsEntries) {
      for (const i of await bundle(entry, join(tmp, out))) inputs.add(i);
    }
    for (const [, out] of csmsEntries) for (const f of [`${out}.map`, out]) renameSync(join(tmp, f), join(dir, f));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  writeFileSync(join(dir, META), `${JSON.stringify({ inputs: [...inputs].sort() } satisfies BuildMeta, null, 1)}\n`);
  return { built: true, reason, ms: performance.now() - t0 };
}

function newest(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newest(join(path, n))));
}

/** What the dashboard's build reads (its tests, e2e/ and serve.ts are not part of it). */
const dashboardSources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'];

/** Why the dashboard must be built, or undefined when dist/ is newer than everything it is built from. */
export function dashboardStaleReason(dir = dashboardRoot): string | undefined {
  const built = mtime(join(dir, 'dist', 'index.html'));
  if (built === undefined) return 'not built yet';
  return Math.max(...dashboardSources.map((s) => newest(join(dir, s)))) > built ? 'sources changed' : undefined;
}

/** Builds the dashboard when stale (or `force`); undefined when vite is not installed. */
export function buildDashboard(o: { force?: boolean } = {}): { built: boolean; reason?: string; ms: number } | undefined {
  const t0 = performance.now();
  const reason = o.force ? 'forced' : dashboardStaleReason();
  if (!reason) return { built: false, ms: performance.now() - t0 };
  if (!existsSync(join(root, 'node_modules/vite/package.json'))) return undefined;
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: dashboardRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`dashboard build failed (vite exited with ${r.status ?? r.signal})`);
  return { built: true, reason, ms: performance.now() - t0 };
}

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  const say = (s: string): void => { process.stderr.write(`chargewire build: ${s}\n`); };
  if (!process.argv.includes('--csms-only')) {
    const d = buildDashboard({ force });
    if (!d) say('vite is not installed (npm install --omit=dev?): the dashboard is not built; the API works without it');
    else if (d.built) say(`dashboard built (${d.reason}) in ${(d.ms / 1000).toFixed(1)} s`);
  }
  const c = await buildCsms({ force });
  if (c.built) say(`CSMS bundle built (${c.reason}) in ${(c.ms / 1000).toFixed(1)} s: ${relative(root, join(csmsDistDir, 'main.mjs'))}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`chargewire build: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
