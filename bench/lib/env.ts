// What every stored figure carries: the exact command, the Node version, the CPU, the time.
import { cpus, totalmem, platform, release } from 'node:os';

export interface RunMeta {
  /** The exact command line that produced the figures. */
  command: string;
  node: string;
  cpuModel: string;
  cpuCount: number;
  memoryMB: number;
  os: string;
  startedAt: string;
}

/** Reconstruct the command as the user typed it: `npm run bench -- …` under npm, else the node command. */
export function commandLine(args: readonly string[]): string {
  const quoted = args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  if (process.env['npm_lifecycle_event'] === 'bench') return `npm run bench -- ${quoted}`.trimEnd();
  return `node --import tsx bench/run.ts ${quoted}`.trimEnd();
}

export function runMeta(args: readonly string[]): RunMeta {
  const c = cpus();
  return {
    command: commandLine(args),
    node: process.version,
    cpuModel: c[0]?.model.trim() ?? 'unknown',
    cpuCount: c.length,
    memoryMB: Math.round(totalmem() / 1048576),
    os: `${platform()} ${release()}`,
    startedAt: new Date().toISOString(),
  };
}

/** Busy CPU time of the whole machine (all cores, ms) from os.cpus(), to tell how loaded a shared machine was. */
export function machineBusyMs(): { busy: number; at: number } {
  let busy = 0;
  for (const c of cpus()) busy += c.times.user + c.times.nice + c.times.sys + c.times.irq;
  return { busy, at: performance.now() };
}

/** CPU used by everything except `ownPct` (% of one core) between two machineBusyMs() samples. */
export function otherLoadPct(a: { busy: number; at: number }, b: { busy: number; at: number }, ownPct: number): number {
  return Math.max(0, (100 * (b.busy - a.busy)) / (b.at - a.at) - ownPct);
}
