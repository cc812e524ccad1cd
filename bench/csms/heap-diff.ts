// `node --import tsx bench/csms/heap-diff.ts [N]`: where the CSMS heap of N booted idle stations goes.
// Heap snapshot of the CSMS child before and after N stations boot; prints the growth per connection
// by constructor (count and self bytes), largest first. A diagnostic, not part of `npm run bench`.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FleetCounts } from './fleet-types.ts';
import { fleetArgs, startCsms, startFleet, tempDataDir } from './common.ts';

type Row = { name: string; count: number; bytes: number };
const n = Number(process.argv[2] ?? 2000);
const data = tempDataDir('heapdiff');
const csms = await startCsms({ dataDir: data.dir, port: 0, store: 'sqlite' });
const fleet = startFleet();
try {
  await sleep(300);
  const before = await csms.child.request<Row[]>('heapTop', { top: 5000 }, 120_000);
  const c = await fleet.request<FleetCounts>('connect', fleetArgs(csms.port, n, 'H-'), 300_000);
  if (c.booted !== n) throw new Error(`${c.booted}/${n} booted: ${c.firstError}`);
  await csms.child.request('flush', undefined, 60_000);
  await sleep(500);
  const after = await csms.child.request<Row[]>('heapTop', { top: 5000 }, 120_000);
  const b = new Map(before.map((r) => [r.name, r]));
  const rows = after.map((r) => ({ name: r.name, count: (r.count - (b.get(r.name)?.count ?? 0)) / n, bytes: (r.bytes - (b.get(r.name)?.bytes ?? 0)) / n }))
    .filter((r) => Math.abs(r.bytes) >= 16).sort((x, y) => y.bytes - x.bytes);
  let total = 0;
  for (const r of rows) total += r.bytes;
  console.log(`per connection, ${n} stations: ${Math.round(total)} B of heap`);
  for (const r of rows.slice(0, 45)) console.log(`${String(Math.round(r.bytes)).padStart(6)} B ${r.count.toFixed(2).padStart(6)}x  ${r.name}`);
} finally {
  await fleet.request('disconnect', undefined, 60_000).catch(() => {});
  await fleet.stop();
  await csms.child.stop();
  data.remove();
}
