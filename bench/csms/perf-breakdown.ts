// Where a CSMS process's CPU goes, by thread and by kind of work, from a `perf record -g` of it (issue 7:
// what bounds the steady state). V8's own profile (--profile) cannot see inside native code: SQLite, the
// kernel's side of each syscall and V8's C++ runtime all count as the calling JS function there. perf sees
// them, with perf's software clock where the hardware counters are not offered (as on these VMs).
//
//   npm run bench -- steady --runs 1 --rates 2000 --step-ms 30000 --csms-flags=--perf-basic-prof
//   perf record -e cpu-clock -g -p <csms pid> -o /tmp/cw.perf -- sleep 10      (during the step)
//   perf script -i /tmp/cw.perf -F tid,ip,sym,dso | node --import tsx bench/csms/perf-breakdown.ts <csms pid>
//
// Kernel samples are attributed to the syscall that entered the kernel (the first user-space frame), and
// pwrite/pread to the SQLite function that called them: WAL appends, checkpoint copies, page reads.
import { readFileSync } from 'node:fs';

type Sample = { tid: string; frames: string[] };

/** Samples of `perf script -F tid,ip,sym,dso`: a line with the tid, then one frame per line, leaf first. */
export function parseSamples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').map((l) => l.trim()).filter(Boolean);
    if (lines.length < 2) continue;
    out.push({ tid: lines[0]!.split(/\s+/)[0]!, frames: lines.slice(1) });
  }
  return out;
}

const symOf = (frame: string): string => frame.replace(/^[0-9a-f]+\s+/, '');
const nameOf = (frame: string): string => symOf(frame).replace(/\s*\(.*\)\s*$/, '');
const isKernel = (frame: string): boolean => frame.includes('[kernel.kallsyms]');

/** The kind of work of one sample. */
export function classify(frames: string[]): string {
  const leaf = symOf(frames[0]!);
  if (isKernel(frames[0]!)) {
    const i = frames.findIndex((f) => !isKernel(f));
    const entry = i >= 0 ? nameOf(frames[i]!) : '?';
    const caller = i >= 0 && frames[i + 1] ? nameOf(frames[i + 1]!) : '';
    if (entry.includes('pwrite')) return caller.startsWith('walWriteOneFrame') ? 'kernel: WAL append (pwrite)' : caller.startsWith('walCheckpoint') ? 'kernel: checkpoint copy into the database (pwrite)' : `kernel: pwrite (${caller})`;
    if (entry.includes('pread')) return `kernel: SQLite read (pread, ${caller.replace(/\..*$/, '')})`;
    if (entry.includes('writev')) return 'kernel: socket write (writev)';
    if (entry === 'read') return 'kernel: socket read';
    if (entry === 'fsync' || entry === 'fdatasync') return 'kernel: fsync / fdatasync';
    if (entry.startsWith('epoll')) return 'kernel: epoll';
    if (entry.includes('fcntl')) return 'kernel: file locks (fcntl)';
    return 'kernel: other';
  }
  if (leaf.includes('better_sqlite3.node')) return 'SQLite (C)';
  if (leaf.includes('libc.so')) return 'libc (malloc, memcpy, syscall entry)';
  if (leaf.includes('JS:') || leaf.includes('[JIT]')) {
    if (leaf.includes('node_modules/ws/')) return 'JS: ws';
    if (leaf.includes('packages/csms/src/store/')) return 'JS: the store';
    if (leaf.includes('packages/ocpp/')) return 'JS: the OCPP library';
    if (leaf.includes('packages/csms/')) return 'JS: the CSMS';
    if (leaf.includes('node:')) return 'JS: node core';
    return 'JS: other';
  }
  if (/Scaveng|Marking|Sweep|Evacuat|Compact|GarbageCollect|Heap::/.test(leaf)) return 'V8: GC';
  if (leaf.includes('Json')) return 'V8: JSON parse / stringify';
  if (leaf.includes('Builtins_')) return 'V8: builtins';
  if (leaf.includes('sha256')) return 'crypto (SHA-256)';
  return 'V8 / node C++ runtime';
}

/** Per thread: its share of the process's samples and the shares of each kind of work within it. */
export function breakdown(samples: Sample[], pid: string): { thread: string; share: number; kinds: [string, number][] }[] {
  const byTid = new Map<string, Sample[]>();
  for (const s of samples) {
    const list = byTid.get(s.tid);
    if (list) list.push(s);
    else byTid.set(s.tid, [s]);
  }
  const label = (tid: string, ss: Sample[]): string => {
    if (tid === pid) return `main thread (${tid})`;
    if (ss.some((s) => s.frames.some((f) => f.includes('walCheckpoint')))) return `checkpoint thread (${tid})`;
    return `other thread (${tid}: V8 GC helpers, libuv)`;
  };
  return [...byTid.entries()].sort((a, b) => b[1].length - a[1].length).map(([tid, ss]) => {
    const kinds = new Map<string, number>();
    for (const s of ss) {
      const k = classify(s.frames);
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    return { thread: label(tid, ss), share: ss.length / samples.length, kinds: [...kinds.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, n / ss.length] as [string, number]) };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pid = process.argv[2];
  if (!pid) {
    console.error('usage: perf script -i FILE -F tid,ip,sym,dso | node --import tsx bench/csms/perf-breakdown.ts <csms pid>');
    process.exit(2);
  }
  const samples = parseSamples(readFileSync(0, 'utf8'));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(`${samples.length} samples\n`);
  for (const t of breakdown(samples, pid)) {
    if (t.share < 0.05) continue;
    console.log(`### ${t.thread}: ${pct(t.share)} of the process's CPU\n\n| work | share of the thread |\n|---|---|`);
    for (const [k, x] of t.kinds) if (x >= 0.005) console.log(`| ${k} | ${pct(x)} |`);
    console.log('');
  }
}
