// Crash test (E04 durability): kill the simulator mid-transaction with queued offline
// events, restart it on the same data dir, and check that every event reaches the CSMS exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWsCsms } from './testing/ws-csms.ts';

const child = fileURLToPath(new URL('./testing/crash-child.ts', import.meta.url));

function runChild(args: string[], until: RegExp): Promise<{ kill: () => Promise<void>; line: string; done: Promise<number | null> }> {
  const p = spawn(process.execPath, ['--import', 'tsx', child, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`child timed out; output: ${out}`)); }, 20_000);
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.split('\n').find((l) => until.test(l));
      if (m) { clearTimeout(t); resolve({ line: m, done, kill: async () => { p.kill('SIGKILL'); await done; } }); }
    });
    p.on('exit', () => { clearTimeout(t); if (!until.test(out)) reject(new Error(`child exited early: ${out}`)); });
  });
}

test('E04.FR.01 E04.FR.03 offline queue survives a crash (kill -9) and is delivered exactly once, in order, with offline=true', async () => {
  const csms = await startWsCsms();
  const dir = mkdtempSync(join(tmpdir(), 'cw-crash-'));
  try {
    const first = await runChild(['run', csms.url, dir], /^READY/);
    assert.equal(first.line, 'READY 4'); // Authorized, the energy transfer start (E03.FR.12), SuspendedEV, Charging
    await first.kill();
    const c = csms.csmsFor('CRASH01');
    assert.equal(c.txEvents.length, 1, 'only Started went out before the crash');
    const second = await runChild(['restart', csms.url, dir], /^DONE/);
    assert.equal(await second.done, 0);
    const ev = c.txEvents;
    const seqs = ev.map((e) => e.seqNo);
    assert.deepEqual(seqs, [0, 1, 2, 3, 4, 5], 'each seqNo exactly once, in order');
    assert.equal(new Set(ev.map((e) => e.transactionInfo.transactionId)).size, 1);
    assert.deepEqual(ev.map((e) => e.offline ?? false), [false, true, true, true, true, true]);
    assert.deepEqual(ev.slice(1, 5).map((e) => [e.triggerReason, e.transactionInfo.chargingState]),
      [['Authorized', 'EVConnected'], ['ChargingStateChanged', 'Charging'], ['ChargingStateChanged', 'SuspendedEV'], ['ChargingStateChanged', 'Charging']]);
    // After the power loss, the open transaction is ended with PowerLoss.
    assert.equal(ev[5]!.eventType, 'Ended');
    assert.equal(ev[5]!.transactionInfo.stoppedReason, 'PowerLoss');
    const boots = c.of('BootNotification');
    assert.equal(boots.length, 2);
    assert.ok(ev.slice(1).every((e) => c.received.indexOf(c.received.find((r) => r.payload === e)!) > c.received.indexOf(c.received.find((r) => r.payload === boots[1])!)), 'B01.FR.08 queued events only after the second boot was accepted');
  } finally {
    await csms.close();
  }
});
