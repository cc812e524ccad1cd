// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per source area, so the
// docs can name what bounds throughput without opening DevTools.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface ProfileEntry { name: string; where: string; selfMs: number; selfPct: number }
export interface ProfileSummary { file: string; totalMs: number; topFunctions: ProfileEntry[]; areas: ProfileEntry[] }

/** Where a function lives, shortened: node_modules/ws/lib/receiver.js, packages/ocpp/src/rpc/endpoint.ts, node:internal/… */
function shortUrl(url: string): string {
  if (!url) return '(native/VM)';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) return u.slice(nm);
  const pk = u.indexOf('/packages/');
  if (pk >= 0) return u.slice(pk + 1);
  const b = u.indexOf('/bench/');
  if (b >= 0) return u.slice(b + 1);
  return u;
}

/** The area a file belongs to: a package, `ws`, node internals, GC/VM. */
function areaOf(where: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)' || name === '(program)') return name;
  if (where.startsWith('node_modules/ws/')) return 'ws (framing, permessage-deflate)';
  if (where.startsWith('node_modules/')) return where.split('/').slice(0, 2).join('/');
  if (where.includes('packages/ocpp/src/generated/')) return 'ocpp: generated validators';
  if (where.startsWith('packages/ocpp/')) return 'ocpp: ' + where.split('/').slice(3).join('/');
  if (where.startsWith('node:')) return 'node core: ' + where.replace(/^node:(internal\/)?/, '').split('/')[0];
  if (where === '(native/VM)') return 'native/VM (JSON, Buffer, syscalls)';
  return where;
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const area = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') continue; // waiting for I/O is not work
    const where = shortUrl(n.callFrame.url);
    const key = `${name}@${where}:${n.callFrame.lineNumber + 1}`;
    const e = fn.get(key) ?? { name, where: n.callFrame.url ? `${where}:${n.callFrame.lineNumber + 1}` : where, us: 0 };
    e.us += us;
    fn.set(key, e);
    const a = areaOf(where, name);
    area.set(a, (area.get(a) ?? 0) + us);
    total += us;
  }
  const pct = (us: number): number => (total ? (100 * us) / total : 0);
  return {
    file,
    totalMs: total / 1000,
    topFunctions: [...fn.values()].sort((a, b) => b.us - a.us).slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, selfPct: pct(e.us) })),
    areas: [...area.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
      .map(([name, us]) => ({ name, where: '', selfMs: us / 1000, selfPct: pct(us) })),
  };
}
