// L01/L02 station side details: the simulated image format, signature checks, the firmware version kept in
// the data dir (a restart after the update still reports it), a canceled download, DownloadScheduled cancel.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, settle } from '../clock.ts';
import { MemoryLink } from '../memory-link.ts';
import { createStation } from '../station.ts';
import type { StationOptions } from '../station-types.ts';
import { ScriptedCsms } from '../testing/scripted-csms.ts';
import { FileServer } from '../testing/file-server.ts';
import { makeCaPki, signFirmware, type CaPki, type Issued } from '../testing/ca-pki.ts';
import { allowUnsignedFirmware, firmwareImageVersion, firmwareSignatureValid } from './firmware.ts';

let pki: CaPki;
let root: Issued, ec: Issued, rsa: Issued;
let fs: FileServer;
before(async () => {
  pki = makeCaPki();
  root = pki.root('mf');
  ec = pki.leaf('ec-signer', root);
  rsa = pki.leaf('rsa-signer', root, { rsa: true });
  fs = await new FileServer().start();
});
after(async () => { await fs.close(); pki.cleanup(); });

async function station(o: Partial<StationOptions> = {}) {
  const csms = new ScriptedCsms();
  const clock = new ManualClock(Date.now() + 60_000); // a minute ahead: certificates made later in a test (notBefore = that second) are valid
  const link = new MemoryLink(csms.attach, '2.1', 'CS001');
  const st = createStation({ identity: 'CS001', clock, link, rebootDelayMs: 1, firmwareVersion: '1.0.0', variables: { 'AlignedDataCtrlr.Interval': '0' }, ...o });
  await st.start();
  await settle();
  return { st, csms, clock };
}

describe('L01/L02 firmware, station side', () => {
  test('L01.FR.29 the simulated image: "CHARGEWIRE-FIRMWARE <version>" first line, else no image', () => {
    assert.deepEqual(firmwareImageVersion(Buffer.from('CHARGEWIRE-FIRMWARE 2.3.4\nbody')), { version: '2.3.4', failInstall: false });
    assert.deepEqual(firmwareImageVersion(Buffer.from('CHARGEWIRE-FIRMWARE 2.3.4 InstallationFailed\n')), { version: '2.3.4', failInstall: true });
    assert.equal(firmwareImageVersion(Buffer.from('MZ\x90\x00 not ours')), undefined);
  });

  test('L01.FR.04 signatures over the whole file with SHA-256: ECDSA and RSA-PSS verify; another file, another key or garbage do not', () => {
    const img = Buffer.from('CHARGEWIRE-FIRMWARE 1.2.3\n' + 'y'.repeat(10_000));
    assert.equal(firmwareSignatureValid(img, signFirmware(img, ec.key), ec.cert), true);
    assert.equal(firmwareSignatureValid(img, signFirmware(img, rsa.key), rsa.cert), true);
    assert.equal(firmwareSignatureValid(Buffer.concat([img, Buffer.from('!')]), signFirmware(img, ec.key), ec.cert), false);
    assert.equal(firmwareSignatureValid(img, signFirmware(img, rsa.key), ec.cert), false);
    assert.equal(firmwareSignatureValid(img, 'bm90IGEgc2lnbmF0dXJl', ec.cert), false);
  });

  test('L02.FR.01 L02.FR.02 L02.FR.06 L02.FR.09 L02.FR.14 L02.FR.20 L02.FR.21 the installed version survives a restart (data dir) and is reported in BootNotification', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cw-fw-'));
    const a = await station({ dataDir });
    allowUnsignedFirmware(a.st);
    fs.files.set('/fw/3.0.0', Buffer.from('CHARGEWIRE-FIRMWARE 3.0.0\n'));
    await a.csms.call('UpdateFirmware', { requestId: 9, firmware: { location: fs.url('/fw/3.0.0'), retrieveDateTime: new Date(a.clock.now()).toISOString() } });
    await a.csms.until(() => a.csms.of('FirmwareStatusNotification').some((n) => n.status === 'Installed'));
    assert.ok(a.csms.of('FirmwareStatusNotification').every((n) => n.requestId === 9));
    await a.st.stop();
    const b = await station({ dataDir }); // configured 1.0.0, installed 3.0.0
    assert.equal(b.csms.of('BootNotification')[0]!.chargingStation.firmwareVersion, '3.0.0');
    assert.equal(b.csms.of('FirmwareStatusNotification').length, 0, 'Installed was reported before the restart');
    await b.st.stop();
  });

  test('L01.FR.32 L02.FR.21 the new version is station state: reported in the BootNotification after the update, the caller\'s options untouched', async () => {
    const csms = new ScriptedCsms();
    const clock = new ManualClock(Date.now() + 60_000); // a minute ahead: certificates made later in a test (notBefore = that second) are valid
    const opts: StationOptions = Object.freeze({
      identity: 'CS001', clock, link: new MemoryLink(csms.attach, '2.1', 'CS001'), rebootDelayMs: 1, firmwareVersion: '1.0.0',
      variables: { 'AlignedDataCtrlr.Interval': '0' },
    });
    const st = createStation(opts); // a frozen options object: writing to it would throw
    await st.start();
    await settle();
    st.allowUnsignedFirmware();
    fs.files.set('/fw/3.1.0', Buffer.from('CHARGEWIRE-FIRMWARE 3.1.0\n'));
    await csms.call('UpdateFirmware', { requestId: 11, firmware: { location: fs.url('/fw/3.1.0'), retrieveDateTime: new Date(clock.now()).toISOString() } });
    await csms.until(() => csms.of('FirmwareStatusNotification').some((n) => n.status === 'Installed'));
    const boots = csms.of('BootNotification');
    assert.deepEqual(boots.map((b) => [b.reason, b.chargingStation.firmwareVersion]), [['PowerUp', '1.0.0'], ['FirmwareUpdate', '3.1.0']]);
    assert.equal(st.firmwareVersion, '3.1.0');
    assert.equal(opts.firmwareVersion, '1.0.0');
    await st.stop();
  });

  test('L01.FR.24 L02.FR.07 L02.FR.15 a new (unsigned) UpdateFirmware while the download is scheduled: AcceptedCanceled; nothing more for the first one', async () => {
    const { st, csms, clock } = await station();
    allowUnsignedFirmware(st);
    const later = (h: number) => new Date(clock.now() + h * 3_600_000).toISOString();
    assert.equal((await csms.call('UpdateFirmware', { requestId: 1, firmware: { location: fs.url('/fw/none'), retrieveDateTime: later(1) } })).status, 'Accepted');
    await csms.until(() => csms.of('FirmwareStatusNotification').length === 1);
    assert.equal((await csms.call('UpdateFirmware', { requestId: 2, firmware: { location: fs.url('/fw/none'), retrieveDateTime: later(2) } })).status, 'AcceptedCanceled');
    await clock.advance(90 * 60_000);
    await settle();
    assert.deepEqual(csms.of('FirmwareStatusNotification').map((n) => [n.status, n.requestId]), [['DownloadScheduled', 1], ['DownloadScheduled', 2]]);
    await st.stop();
  });

  test('L01.FR.30 L02.FR.19 an unsupported protocol (ftp://) fails at once: DownloadFailed without retries', async () => {
    const { st, csms } = await station();
    allowUnsignedFirmware(st);
    await csms.call('UpdateFirmware', { requestId: 3, retries: 5, firmware: { location: 'ftp://127.0.0.1/fw.bin', retrieveDateTime: new Date(Date.now() - 1000).toISOString() } });
    await csms.until(() => csms.of('FirmwareStatusNotification').length === 2);
    assert.deepEqual(csms.of('FirmwareStatusNotification').map((n) => n.status), ['Downloading', 'DownloadFailed']);
    await st.stop();
  });
});
