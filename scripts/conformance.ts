// npm run conformance            regenerate docs/conformance.md from the spec + docs/conformance-status.json
// npm run conformance -- --check exit 1 if docs/conformance.md is out of date or a status claim is invalid
// Options: --status <file> (default docs/conformance-status.json), --out <file> (default docs/conformance.md),
//          --spec-dir <dir> (default ../shared/spec/ocpp2.1 beside the repository, or $OCPP21_SPEC_DIR).
// Exit codes: 0 ok, 1 out of date (--check) or status problems (a "done" without a test, unknown id, …), 2 usage.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actions } from '../packages/ocpp/src/generated/actions.ts';
import { parseRequirements, type FrRow } from './conformance-parse.ts';
import { renderMarkdown, summarise, type BlockSummary } from './conformance-render.ts';
import { loadStatusFile, resolveStatuses, type StatusProblem } from './conformance-status.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const DEFAULT_SPEC_DIR = process.env.OCPP21_SPEC_DIR ?? fileURLToPath(new URL('../../shared/spec/ocpp2.1', import.meta.url));
export const SPEC_FILES = {
  part2: 'OCPP-2.1_edition1_part2_specification.md',
  part0: 'OCPP-2.1_edition1_part0_introduction.md',
  errata: 'OCPP-2.1_edition1_errata_2025-09.md',
} as const;

export interface GenerateOptions {
  specDir?: string;
  statusPath?: string;
  root?: string;
}

export interface Generated {
  markdown: string;
  rows: FrRow[];
  problems: StatusProblem[];
  summary: BlockSummary[];
}

const directionOf = (action: string) => (actions as Record<string, { direction: 'toCsms' | 'toStation' | 'both' }>)[action]?.direction;

export function loadRequirements(specDir = DEFAULT_SPEC_DIR) {
  const read = (name: string) => readFileSync(join(specDir, name), 'utf8');
  const optional = (name: string) => (existsSync(join(specDir, name)) ? read(name) : undefined);
  return parseRequirements({
    part2: read(SPEC_FILES.part2),
    part0: optional(SPEC_FILES.part0),
    errata: optional(SPEC_FILES.errata),
    directionOf,
  });
}

export function generate(opts: GenerateOptions = {}): Generated {
  const root = opts.root ?? REPO_ROOT;
  const { rows, blockNames } = loadRequirements(opts.specDir);
  const statusPath = opts.statusPath ?? join(root, 'docs/conformance-status.json');
  const loaded = loadStatusFile(statusPath);
  const resolved = resolveStatuses(rows, loaded.file, { root });
  const problems = [...loaded.problems, ...resolved.problems];
  const input = { rows, blockNames, statuses: resolved.byKey, problems };
  return { markdown: renderMarkdown(input), rows, problems, summary: summarise(input) };
}

function parseArgs(argv: string[]): { check: boolean; status?: string; out?: string; specDir?: string } | string {
  const out: { check: boolean; status?: string; out?: string; specDir?: string } = { check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--check') out.check = true;
      else if (a === '--status') out.status = value();
      else if (a === '--out') out.out = value();
      else if (a === '--spec-dir') out.specDir = value();
      else return `unknown argument ${a}`;
    } catch (err) {
      return (err as Error).message;
    }
  }
  return out;
}

export function main(argv: string[]): number {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`conformance: ${args}\nusage: conformance [--check] [--status file] [--out file] [--spec-dir dir]`);
    return 2;
  }
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(process.cwd(), p));
  const outPath = args.out ? abs(args.out) : join(REPO_ROOT, 'docs/conformance.md');
  const g = generate({ specDir: args.specDir, statusPath: args.status ? abs(args.status) : undefined });
  for (const p of g.problems) console.error(`conformance: ${p.key}: ${p.message}`);
  const total = g.summary.reduce((n, b) => n + b.total, 0);
  if (args.check) {
    const current = existsSync(outPath) ? readFileSync(outPath, 'utf8') : null;
    const stale = current !== g.markdown;
    if (stale) console.error(`conformance: ${outPath} is out of date; run \`npm run conformance\``);
    if (!stale && g.problems.length === 0) console.log(`conformance: ${total} FRs, ${outPath} is up to date`);
    return stale || g.problems.length > 0 ? 1 : 0;
  }
  writeFileSync(outPath, g.markdown);
  console.log(`conformance: wrote ${outPath} (${total} FRs, ${g.problems.length} status problem(s))`);
  for (const b of g.summary) {
    if (b.total === 0) continue;
    console.log(`  ${b.block.padEnd(3)} ${String(b.total).padStart(4)} FRs  CSMS ${b.sides.CSMS} / Station ${b.sides.Station} / Both ${b.sides.Both}   csms done ${b.csms.done}  station done ${b.station.done}`);
  }
  return g.problems.length > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
