// N01 station side details: what the log holds (idTokens masked), time windows, the failure statuses of
// N01.FR.10 (PermissionDenied, NotSupportedOperation).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness } from '../testing/harness.ts';
import { FileServer } from '../testing/file-server.ts';
import { appendLog, logFile } from './diagnostics.ts';

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
});
