// Code generator for packages/ocpp/src/generated/ from the OCA JSON schemas.
//   npm run gen                                   write the generated files
//   node --import tsx packages/ocpp/scripts/gen.ts --check   exit 1 if checked-in files drift
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadAllSchemas } from './schema-io.ts';
import { renderTypes } from './gen-types.ts';
import { actionInventory, renderActions } from './gen-actions.ts';
import { renderValidators } from './gen-validators.ts';

const OUT_DIR = fileURLToPath(new URL('../src/generated/', import.meta.url));

/** Generates every file in memory: relative file name -> content. */
export function generate(): Map<string, string> {
  const schemas = loadAllSchemas();
  const infos = actionInventory(schemas);
  const { js, dts } = renderValidators(schemas, infos);
  return new Map([
    ['types.ts', renderTypes(schemas)],
    ['actions.ts', renderActions(infos)],
    ['validators.js', js],
    ['validators.d.ts', dts],
  ]);
}

function main(): void {
  const check = process.argv.includes('--check');
  const started = performance.now();
  const files = generate();
  if (check) {
    const drift = [...files].filter(([name, content]) => {
      const path = OUT_DIR + name;
      return !existsSync(path) || readFileSync(path, 'utf8') !== content;
    });
    if (drift.length) {
      console.error(`generated files differ from the schemas (run npm run gen):\n${drift.map(([n]) => `  packages/ocpp/src/generated/${n}`).join('\n')}`);
      process.exit(1);
    }
    console.log(`packages/ocpp/src/generated is up to date (${files.size} files)`);
    return;
  }
  mkdirSync(OUT_DIR, { recursive: true });
  for (const [name, content] of files) writeFileSync(OUT_DIR + name, content);
  const ms = Math.round(performance.now() - started);
  console.log(`wrote ${[...files].map(([n, c]) => `${n} (${(Buffer.byteLength(c) / 1024).toFixed(0)} KiB)`).join(', ')} in ${ms} ms`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
