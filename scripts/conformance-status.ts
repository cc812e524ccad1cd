// docs/conformance-status.json: the engineers' claims per FR, checked against the test files.
//   { "B01.FR.01": { "csms": "done", "station": "open", "tests": ["packages/csms/src/blocks/provisioning.test.ts"], "note": "…" } }
// A missing entry or side means "open" (n/a on the side the FR text does not constrain). A side may be "done" only if at least one listed test file
// exists and contains the FR ID; otherwise the claim is reported and counted as "partial".
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import type { FrRow } from './conformance-parse.ts';

export const STATUSES = ['done', 'partial', 'open', 'n/a'] as const;
export type Status = (typeof STATUSES)[number];

export interface StatusEntry {
  csms?: Status;
  station?: Status;
  tests?: string[];
  note?: string;
}
export type StatusFile = Record<string, StatusEntry>;

export interface EffectiveStatus {
  csms: Status;
  station: Status;
  tests: string[];
  note: string;
}

export interface StatusProblem {
  key: string;
  message: string;
}

const ENTRY_FIELDS = new Set(['csms', 'station', 'tests', 'note']);
const OPEN: EffectiveStatus = { csms: 'open', station: 'open', tests: [], note: '' };

function isStatus(v: unknown): v is Status {
  return typeof v === 'string' && (STATUSES as readonly string[]).includes(v);
}

/**
 * The status of a side nobody wrote down: `n/a` when the FR's text names the OTHER side as its subject
 * (side derived from the text, not guessed), otherwise `open`.
 */
function defaultStatus(row: { side: string; sideBasis: string }, name: 'csms' | 'station'): Status {
  if (row.sideBasis !== 'subject') return 'open';
  if (name === 'csms' && row.side === 'Station') return 'n/a';
  if (name === 'station' && row.side === 'CSMS') return 'n/a';
  return 'open';
}

/** Reads and shape-checks the JSON file; a missing file is an empty map (everything open). */
export function loadStatusFile(path: string): { file: StatusFile; problems: StatusProblem[] } {
  if (!existsSync(path)) return { file: {}, problems: [] };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return { file: {}, problems: [{ key: '(file)', message: `${path} is not valid JSON: ${(err as Error).message}` }] };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { file: {}, problems: [{ key: '(file)', message: `${path} must hold a JSON object keyed by FR id` }] };
  }
  return { file: data as StatusFile, problems: [] };
}

export interface ResolveOptions {
  /** Repository root: test paths in the status file are relative to it. */
  root: string;
}

/** Effective status of every row, and every problem found in the claims. */
export function resolveStatuses(
  rows: readonly FrRow[],
  file: StatusFile,
  opts: ResolveOptions,
): { byKey: Map<string, EffectiveStatus>; problems: StatusProblem[] } {
  const problems: StatusProblem[] = [];
  const byKey = new Map<string, EffectiveStatus>();
  const rowsByKey = new Map(rows.map((r) => [r.key, r] as const));
  const fileCache = new Map<string, string | null>();
  const readTest = (rel: string): string | null => {
    if (!fileCache.has(rel)) {
      const abs = normalize(join(opts.root, rel));
      const inside = !isAbsolute(rel) && abs.startsWith(normalize(opts.root));
      fileCache.set(rel, inside && existsSync(abs) ? readFileSync(abs, 'utf8') : null);
    }
    return fileCache.get(rel) ?? null;
  };

  for (const key of Object.keys(file).sort()) {
    const entry = file[key] as unknown;
    const row = rowsByKey.get(key);
    if (!row) {
      problems.push({ key, message: 'unknown FR id (not in OCPP 2.1 Part 2 or its errata)' });
      continue;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push({ key, message: 'entry must be an object { csms, station, tests, note }' });
      continue;
    }
    const e = entry as Record<string, unknown>;
    for (const field of Object.keys(e)) {
      if (!ENTRY_FIELDS.has(field)) problems.push({ key, message: `unknown field "${field}"` });
    }
    let tests: string[] = [];
    if (e.tests !== undefined) {
      if (Array.isArray(e.tests) && e.tests.every((t) => typeof t === 'string')) tests = [...(e.tests as string[])];
      else problems.push({ key, message: '"tests" must be an array of repository-relative paths' });
    }
    if (e.note !== undefined && typeof e.note !== 'string') problems.push({ key, message: '"note" must be a string' });
    const missing = tests.filter((t) => readTest(t) === null);
    for (const t of missing) problems.push({ key, message: `test file ${t} does not exist` });
    const proving = tests.filter((t) => readTest(t)?.includes(row.id));

    const side = (name: 'csms' | 'station'): Status => {
      const v = e[name];
      if (v === undefined) return defaultStatus(row, name);
      if (!isStatus(v)) {
        problems.push({ key, message: `"${name}" must be one of ${STATUSES.join(', ')} (got ${JSON.stringify(v)})` });
        return 'open';
      }
      if (v === 'done' && proving.length === 0) {
        problems.push({
          key,
          message: `${name} claims done but no listed test file exists and contains "${row.id}"; counted as partial`,
        });
        return 'partial';
      }
      return v;
    };
    byKey.set(key, { csms: side('csms'), station: side('station'), tests, note: typeof e.note === 'string' ? e.note : '' });
  }
  for (const row of rows) {
    if (!byKey.has(row.key)) byKey.set(row.key, { ...OPEN, csms: defaultStatus(row, 'csms'), station: defaultStatus(row, 'station') });
  }
  return { byKey, problems };
}
