// Instruction counts from valgrind's callgrind (bench `instructions`): a process runs under
// `valgrind --tool=callgrind --separate-threads=yes`, its counters are zeroed and dumped around a window with
// callgrind_control, and the dump files (one per thread) are read here. Instructions, unlike seconds, do
// not depend on what else the machine does: the same binary and input count the same within a fraction of
// a percent, so small changes can be compared on a noisy host. Kernel work (syscalls) is not counted.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ChildWrapper } from './ipc.ts';

/** Self instructions (Ir) of one thread's dump: in all, by object file and by function. */
export interface ThreadCost {
  thread: number;
  total: number;
  byObject: Map<string, number>;
  byFunction: Map<string, number>;
}

/** valgrind as the wrapper of a forked child (bench/lib/ipc.ts), writing its dumps to `outFile`.<n>-<thread>. */
export function callgrindWrapper(outFile: string): ChildWrapper {
  return {
    execPath: 'valgrind',
    args: ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${outFile}`, '--dump-instr=no', '--compress-strings=yes', '-q'],
  };
}

/** Whether valgrind and callgrind_control can be run here. */
export function callgrindAvailable(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['-h'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Zero the counters of the process under callgrind (all its threads). */
export function callgrindZero(pid: number): void {
  execFileSync('callgrind_control', ['--zero', String(pid)], { stdio: 'ignore', timeout: 120_000 });
}

/** Dump the counters since the last zero; returns the dump files written (one per thread that ran). */
export function callgrindDump(pid: number, outFile: string): string[] {
  const dir = dirname(outFile);
  const before = new Set(readdirSync(dir));
  execFileSync('callgrind_control', [`--dump=window`, String(pid)], { stdio: 'ignore', timeout: 120_000 });
  const prefix = `${basename(outFile)}.`;
  return readdirSync(dir).filter((f) => f.startsWith(prefix) && !before.has(f)).sort().map((f) => join(dir, f));
}

/**
 * Parses a callgrind dump (format version 1, events `Ir`): self cost lines are attributed to the current
 * `ob`/`fn`; the cost line after `calls=` is the callee's inclusive cost and is skipped. Names may be
 * compressed (`(id) name` defines, `(id)` refers).
 */
export function parseCallgrind(text: string): ThreadCost {
  const names: Record<string, Map<string, string>> = { ob: new Map(), fl: new Map(), fn: new Map() };
  const kindOf: Record<string, 'ob' | 'fl' | 'fn'> = { ob: 'ob', cob: 'ob', fl: 'fl', fi: 'fl', fe: 'fl', cfi: 'fl', cfl: 'fl', fn: 'fn', cfn: 'fn' };
  const resolve = (kind: 'ob' | 'fl' | 'fn', v: string): string => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(v);
    if (!m) return v;
    if (m[2] !== undefined) {
      names[kind]!.set(m[1]!, m[2]);
      return m[2];
    }
    return names[kind]!.get(m[1]!) ?? `(${m[1]})`;
  };
  let ob = '???';
  let fn = '???';
  let thread = 1;
  let skipNext = false;
  let total = 0;
  let totals: number | undefined;
  const byObject = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const c = line.charCodeAt(0);
    // a cost line: position (number, +n, -n or *) then the Ir count
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42) {
      if (skipNext) { skipNext = false; continue; }
      const sp = line.indexOf(' ');
      const ir = sp < 0 ? 0 : Number(line.slice(sp + 1).split(' ')[0]);
      if (!ir) continue;
      total += ir;
      byObject.set(ob, (byObject.get(ob) ?? 0) + ir);
      const key = `${fn}\t${ob}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + ir);
      continue;
    }
    const eq = line.indexOf('=');
    const colon = line.indexOf(':');
    if (eq > 0 && (colon < 0 || eq < colon)) {
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      if (key === 'calls') { skipNext = true; continue; }
      const kind = kindOf[key];
      if (!kind) continue;
      const name = resolve(kind, value);
      if (key === 'ob') ob = name;
      else if (key === 'fn') fn = name;
      continue;
    }
    if (line.startsWith('thread:')) thread = Number(line.slice(7).trim());
    else if (line.startsWith('totals:')) totals = Number(line.slice(7).trim().split(' ')[0]);
  }
  return { thread, total: totals ?? total, byObject, byFunction };
}

/** Reads and parses dump files. */
export function readDumps(files: readonly string[]): ThreadCost[] {
  return files.map((f) => parseCallgrind(readFileSync(f, 'utf8'))).sort((a, b) => a.thread - b.thread);
}

/** A short label of an object file: the part of the process it stands for. */
export function objectLabel(path: string): string {
  const b = basename(path);
  if (path === '???' || b === '???') return 'JIT code (V8-compiled JavaScript, regexps, stubs)';
  if (b.startsWith('better_sqlite3')) return 'SQLite (better-sqlite3)';
  if (b === 'node' || b.startsWith('node')) return 'node binary (V8 runtime and builtins, libuv, OpenSSL, node C++)';
  if (/^libc[.-]/.test(b) || b.startsWith('libc.so')) return 'libc';
  if (b.startsWith('libstdc++')) return 'libstdc++';
  if (b.startsWith('ld-linux')) return 'dynamic loader';
  if (b.startsWith('vgpreload') || b.includes('valgrind')) return 'valgrind preload';
  if (b.startsWith('libm')) return 'libm';
  return b;
}

/** The kind of work of a function (by its name and object), to split a thread's instructions. */
export function kindOf(fn: string, ob: string): string {
  const label = objectLabel(ob);
  if (label.startsWith('SQLite')) return 'SQLite (C)';
  if (label.startsWith('JIT')) return 'JIT-compiled JavaScript';
  if (label === 'libc') return 'libc (malloc, memcpy, string functions, syscall entry)';
  if (/Scaveng|Marking|Marker|Sweep|Evacuat|Compact|GarbageCollect|Heap::|IterateObjectCache|RememberedSet|SlotSet|Mark[A-Z]|ObjectVisitor|Worklist/.test(fn)) return 'V8: garbage collection';
  if (fn.includes('Json')) return 'V8: JSON parse and stringify';
  if (/^Builtins_\w*IC(Baseline|_Megamorphic|Trampoline|_Noninlined)?('\d+)?$/.test(fn) || /^Builtins_(Load|Store|KeyedLoad|KeyedStore|DefineNamedOwn|DefineKeyedOwn)IC/.test(fn)) return 'V8: inline-cache handlers (property loads and stores)';
  if (fn.startsWith('Builtins_')) return 'V8: other builtins (objects, strings, arrays, promises, calls)';
  if (/sha256|SHA256|EVP_/.test(fn)) return 'OpenSSL (SHA-256)';
  if (fn.startsWith('uv_') || fn.startsWith('uv__')) return 'libuv';
  if (fn.startsWith('node::')) return 'node C++ (streams, buffers, bindings)';
  if (/String|Utf8|Unibrow|Intl|Internalize/.test(fn)) return 'V8: strings (UTF-8, internalizing, hashing)';
  if (fn.includes('Runtime_')) return 'V8: runtime functions';
  return 'V8 / node C++: other';
}
