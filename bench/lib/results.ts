// Stores a benchmark's figures: bench/results/<name>-<timestamp>.json (everything) and
// bench/results/<name>-latest.md (the table people read).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunMeta } from './env.ts';

export const defaultResultsDir = new URL('../results/', import.meta.url).pathname;

export interface StoredResult {
  benchmark: string;
  meta: RunMeta;
  [k: string]: unknown;
}

export interface Written { jsonPath: string; markdownPath: string }

export function writeResults(dir: string, result: StoredResult, markdown: string): Written {
  mkdirSync(dir, { recursive: true });
  const stamp = result.meta.startedAt.replace(/[:.]/g, '-');
  const jsonPath = join(dir, `${result.benchmark}-${stamp}.json`);
  const markdownPath = join(dir, `${result.benchmark}-latest.md`);
  writeFileSync(jsonPath, JSON.stringify(result, null, 2) + '\n');
  writeFileSync(markdownPath, markdown.endsWith('\n') ? markdown : markdown + '\n');
  return { jsonPath, markdownPath };
}

/** A markdown table from a header row and body rows. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** The heading every results file starts with: how to reproduce and on what it ran. */
export function mdMeta(meta: RunMeta, extra: Record<string, string | number> = {}): string {
  const lines = [
    `- Command: \`${meta.command}\``,
    `- Node ${meta.node}, ${meta.cpuModel} × ${meta.cpuCount}, ${meta.memoryMB} MB RAM, ${meta.os}`,
    `- Started ${meta.startedAt}`,
    ...(meta.hostProbe ? [`- Host probe at the start (lower = faster; compare runs only at similar values): ${meta.hostProbe.jsMicros} µs per JSON parse + stringify + sha256 of a TransactionEvent frame, ${meta.hostProbe.syscallMicros} µs per write syscall${meta.hostProbe.pauses ? `; host pauses with both cores busy: ${meta.hostProbe.pauses.over2PerS} gaps ≥ 2 ms per s and thread, largest ${meta.hostProbe.pauses.largestMs} ms (two threads spinning ${meta.hostProbe.pauses.ms} ms)` : ''}`] : []),
    ...Object.entries(extra).map(([k, v]) => `- ${k}: ${v}`),
  ];
  return lines.join('\n');
}
