// withRetries: the attempts of a log upload (N01) or firmware download (L01/L02) with the request's retries and
// retryInterval; which failures end the transfer at once; a canceled transfer stops, also between attempts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, settle } from './clock.ts';
import { DEFAULT_RETRY_INTERVAL_S, TransferError, withRetries } from './file-transfer.ts';

/** An attempt that fails `failures` times with `err`, then returns 'done'; counts its calls with the clock time. */
function flaky(clock: ManualClock, failures: number, err: unknown = new TransferError('Failure', 'HTTP 500')) {
  const at: number[] = [];
  return { at, attempt: async () => { at.push(clock.now()); if (at.length <= failures) throw err; return 'done'; } };
}

describe('withRetries (file transfers)', () => {
  test('N01.FR.10 L01.FR.30 L02.FR.19 1 + retries attempts, retryInterval apart; the failure only after the last', async () => {
    const clock = new ManualClock(0);
    const f = flaky(clock, 10);
    const r = withRetries(f.attempt, { retries: 2, retryInterval: 60, clock, signal: new AbortController().signal });
    let settled = false;
    void r.then(() => { settled = true; });
    for (let i = 0; i < 2; i++) { await settle(); assert.equal(settled, false); await clock.advance(60_000); }
    const res = await r;
    assert.deepEqual(f.at, [0, 60_000, 120_000]);
    assert.equal(res.ok, false);
    assert.ok(!res.ok && 'error' in res && res.error instanceof TransferError && res.error.kind === 'Failure');
  });

  test('a retry that succeeds ends the attempts with its value; without retryInterval the station waits its default', async () => {
    const clock = new ManualClock(0);
    const f = flaky(clock, 1);
    const r = withRetries(f.attempt, { retries: 5, clock, signal: new AbortController().signal });
    await settle();
    await clock.advance(DEFAULT_RETRY_INTERVAL_S * 1000);
    assert.deepEqual(await r, { ok: true, value: 'done' });
    assert.deepEqual(f.at, [0, DEFAULT_RETRY_INTERVAL_S * 1000]);
  });

  test('retries absent or 0: one attempt (no retries)', async () => {
    const clock = new ManualClock(0);
    const f = flaky(clock, 1);
    assert.equal((await withRetries(f.attempt, { clock, signal: new AbortController().signal })).ok, false);
    assert.equal(f.at.length, 1);
  });

  for (const kind of ['BadMessage', 'NotSupportedOperation', 'Redirect'] as const) {
    test(`N01.FR.10 N01.FR.30 L01.FR.30 ${kind}: final at once, no retries`, async () => {
      const clock = new ManualClock(0);
      const f = flaky(clock, 10, new TransferError(kind, kind));
      const res = await withRetries(f.attempt, { retries: 3, retryInterval: 10, clock, signal: new AbortController().signal });
      assert.ok(!res.ok && 'error' in res && (res.error as TransferError).kind === kind);
      assert.equal(f.at.length, 1);
    });
  }

  test('N01.FR.12 L01.FR.24 canceled while waiting for the next attempt: canceled at once, no further attempt, no timer left', async () => {
    const clock = new ManualClock(0);
    const f = flaky(clock, 10);
    const ctl = new AbortController();
    const r = withRetries(f.attempt, { retries: 3, retryInterval: 60, clock, signal: ctl.signal });
    await settle();
    assert.equal(clock.pending(), 1, 'waiting for the retry');
    ctl.abort();
    assert.deepEqual(await r, { ok: false, canceled: true });
    assert.equal(clock.pending(), 0);
    assert.equal(f.at.length, 1);
  });
});
