// N01 station side details: what the log holds (idTokens masked), time windows, the failure statuses of
// N01.FR.10 (PermissionDenied, NotSupportedOperation, BadMessage), the bounded log.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness } from '../testing/harness.ts';
import { FileServer } from '../testing/file-server.ts';
import { appendLog, logFile, MAX_LOG_LINES } from './diagnostics.ts';

let fs: FileServer;
before(async () => { fs = await new FileServer().start(); });
after(() => fs.close());

const QUIET = { 'AlignedDataCtrlr.Interval': '0' };

describe('N01 log upload, station side', () => {
  test('N01.FR.04 C04.FR.04 the diagnostics log holds the messages both ways, with idTokens masked', async () => {
    const { st } = await harness({ variables: QUIET });
    await st.presentToken('SECRETTAG1234');
    await settle();
    const text = logFile(st, 'DiagnosticsLog')!.toString();
    assert.match(text, /-> Authorize/);
    assert.doesNotMatch(text, /SECRETTAG1234/);
  });

  test('N01.FR.03 N01.FR.05 A04.FR.04 the security log holds security events only; a window without lines: nothing to upload', async () => {
    const { st, clock } = await harness({ variables: QUIET });
    appendLog(st, 'tamper switch opened', true);
    appendLog(st, 'ordinary line');
    const sec = logFile(st, 'SecurityLog')!.toString();
    assert.match(sec, /tamper switch opened/);
    assert.doesNotMatch(sec, /ordinary line/);
    const future = new Date(clock.now() + 60_000).toISOString();
    assert.equal(logFile(st, 'DiagnosticsLog', future), undefined);
    assert.equal(logFile(st, 'DataCollectorLog'), undefined, 'no DataCollector component');
  });

  for (const [what, setup, status] of [
    ['HTTP 403', (s: FileServer) => { s.failWith = 403; return s.url('/logs/'); }, 'PermissionDenied'],
    ['an ftp:// location', (_s: FileServer) => 'ftp://127.0.0.1/logs/', 'NotSupportedOperation'],
  ] as const) {
    test(`N01.FR.10 ${what}: ${status}`, async () => {
      const { csms } = await harness({ variables: QUIET });
      const remoteLocation = setup(fs);
      await csms.call('GetLog', { requestId: 4, logType: 'DiagnosticsLog', log: { remoteLocation } });
      await csms.until(() => csms.of('LogStatusNotification').length === 2);
      fs.failWith = undefined;
      assert.deepEqual(csms.of('LogStatusNotification').map((n) => [n.status, n.requestId]), [['Uploading', 4], [status, 4]]);
    });
  }

  test('N01.FR.10 a location that is not a URL: BadMessage at once, not after the retries (nothing to retry)', async () => {
    const { csms } = await harness({ variables: QUIET });
    await csms.call('GetLog', { requestId: 5, logType: 'DiagnosticsLog', retries: 3, retryInterval: 600, log: { remoteLocation: 'not a url' } });
    // The clock does not move: a failure that waited for the retries would never come.
    await csms.until(() => csms.of('LogStatusNotification').length === 2, 2000);
    assert.deepEqual(csms.of('LogStatusNotification').map((n) => [n.status, n.requestId]), [['Uploading', 5], ['BadMessage', 5]]);
  });

  test('A04.FR.04 N01.FR.04 the log keeps the last MAX_LOG_LINES lines, oldest first', async () => {
    const { st, clock } = await harness({ variables: QUIET });
    const from = new Date(clock.now() + 1000).toISOString();
    await clock.advance(1000);
    const total = MAX_LOG_LINES * 2 + 123;
    for (let i = 0; i < total; i++) appendLog(st, `line ${i}`, i % 2 === 0);
    const lines = logFile(st, 'DiagnosticsLog', from)!.toString().trimEnd().split('\n').slice(1).map((l) => l.replace(/^\S+ /, ''));
    assert.deepEqual(lines, Array.from({ length: MAX_LOG_LINES }, (_, i) => `line ${total - MAX_LOG_LINES + i}`));
    const security = logFile(st, 'SecurityLog', from)!.toString().trimEnd().split('\n').slice(1).map((l) => l.replace(/^\S+ /, ''));
    assert.deepEqual(security, lines.filter((l) => Number(l.split(' ')[1]) % 2 === 0));
  });
});
