// Peak resident set size of a process (VmHWM of /proc/<pid>/status; Linux), in bytes; NaN elsewhere.
import { readFileSync } from 'node:fs';

export function peakRssOf(pid: number | 'self'): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}
