#!/usr/bin/env node
// Runs every *.test.ts under packages/*/src, packages/*/scripts, test/ and bench/ with node's
// test runner (Node 20 has no glob support in --test, so we list the files here).
// Usage: node scripts/run-tests.mjs [filter-substring ...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages', 'test', 'bench', 'scripts'];
const skipDirs = new Set(['node_modules', 'dist', 'generated', 'results', '.tmp']);
// The dashboard's component tests (src/**/*.test.tsx) run under Vitest (npm run test:dashboard);
// its e2e tests (packages/dashboard/e2e) are node:test files and run here.
const skipPaths = [join('packages', 'dashboard', 'src')];

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) { if (!skipDirs.has(name) && !skipPaths.includes(relative(root, p))) walk(p, out); }
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const filters = process.argv.slice(2);
let files = roots.flatMap((r) => { try { return walk(join(root, r), []); } catch { return []; } }).sort();
if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));
if (!files.length) { console.error('no test files found'); process.exit(1); }
const args = ['--import', 'tsx', '--test', '--test-reporter=spec', ...files];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
process.exit(r.status ?? 1);
