// Per-process counters from /proc (Linux; NaN elsewhere): peak resident set size (VmHWM) and write I/O.
import { readFileSync } from 'node:fs';

export function peakRssOf(pid: number | 'self'): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * The process's cumulative I/O counters (/proc/<pid>/io; Linux): bytes passed to write-type syscalls (wchar,
 * sockets included) and their count (syscw); NaN elsewhere.
 */
export function ioOf(pid: number | 'self'): { writeBytes: number; writeCalls: number } {
  try {
    const text = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (k: string) => Number(new RegExp(`^${k}: (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    return { writeBytes: field('wchar'), writeCalls: field('syscw') };
  } catch {
    return { writeBytes: NaN, writeCalls: NaN };
  }
}

/**
 * CPU time the process has used, user + system, in ms (/proc/<pid>/stat, all threads; Linux's USER_HZ of
 * 100, so 10 ms steps); NaN elsewhere.
 */
export function cpuMsOf(pid: number | 'self'): number {
  try {
    // the command name (field 2) may hold spaces: count the fields after its closing parenthesis
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime, stime (fields 14 and 15)
  } catch {
    return NaN;
  }
}
