// Part 6 test cases for the Charging Station, blocks N (GetLog, N01) and L (firmware update, L01/L02), plus
// TC_F_16_CS / TC_F_19_CS (TriggerMessage during an upload / a download): the simulator under test, a scripted
// CSMS in the OCTT's role, a real HTTP file server on 127.0.0.1 for the uploads and downloads (2.1 and 2.0.1).
// Certificates (block M) and the TLS cases are in tc-lmn-cs-tls.test.ts.
// Not applicable to the simulated station: TC_L_11_CS (it is able to cancel a running update), TC_L_12/13_CS
// (it can download during a transaction, so TC_L_14/15_CS apply), TC_L_16_CS (it reboots to activate the
// firmware, so it waits for transactions to end, L01.FR.33).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes, OcppVersion } from '@chargewire/ocpp';
import { ManualClock, settle } from '../clock.ts';
import { MemoryLink } from '../memory-link.ts';
import { createStation, type Station } from '../station.ts';
import type { StationOptions } from '../station-types.ts';
import { ScriptedCsms } from '../testing/scripted-csms.ts';
import { FileServer, until } from '../testing/file-server.ts';
import { makeCaPki, signFirmware, type CaPki, type Issued } from '../testing/ca-pki.ts';
import { VERSIONS } from '../testing/harness.ts';
import { setLogUploadMethod } from '../blocks/diagnostics.ts';
import { allowUnsignedFirmware } from '../blocks/firmware.ts';
import { QUIET, sequence } from './sequence.ts';

let pki: CaPki;
let mfRoot: Issued, signer: Issued, rsaSigner: Issued, otherSigner: Issued;
let fs: FileServer;
before(async () => {
  pki = makeCaPki();
  mfRoot = pki.root('manufacturer-root');
  signer = pki.leaf('firmware-signer', mfRoot);
  rsaSigner = pki.leaf('firmware-signer-rsa', mfRoot, { rsa: true });
  otherSigner = pki.leaf('rogue-signer', pki.root('rogue-root'));
  fs = await new FileServer().start();
});
after(async () => { await fs.close(); pki.cleanup(); });

const TWO = { evses: [{ connectors: [{}] }, { connectors: [{}] }] };
const HOUR = 3_600_000;

/** A station on a ManualClock at the real time (the test certificates are valid now), a scripted CSMS. */
async function station(version: OcppVersion, o: Partial<StationOptions> = {}) {
  const csms = new ScriptedCsms();
  const clock = new ManualClock(Date.now() + 60_000); // a minute ahead: certificates made later in a test (notBefore = that second) are valid
  const link = new MemoryLink(csms.attach, version, 'CS001');
  const st = createStation({ identity: 'CS001', clock, link, rebootDelayMs: 1, firmwareVersion: '1.0.0', ...o, variables: { ...QUIET, ...o.variables } });
  await st.start();
  await settle();
  fs.failWith = undefined;
  fs.hold = false;
  return { st, csms, clock, link };
}

const logStatuses = (csms: ScriptedCsms) => csms.of('LogStatusNotification').map((n) => [n.status, n.requestId]);
const fwStatuses = (csms: ScriptedCsms) => csms.of('FirmwareStatusNotification').map((n) => n.status);
const getLog = (csms: ScriptedCsms, requestId: number, { at, ...o }: Partial<OcppTypes.GetLogRequest> & { at?: string } = {}) =>
  csms.call('GetLog', { requestId, logType: 'DiagnosticsLog', log: { remoteLocation: at ?? fs.url('/logs/') }, ...o });

/** Wait (real time) until the station armed one more timer than `base` (a retry interval), then let it run. */
async function nextRetry(clock: ManualClock, base: number, ms: number): Promise<void> {
  await until(() => clock.pending() > base);
  await clock.advance(ms);
}

for (const version of VERSIONS) {
  describe(`Part 6 block N (GetLog) and TC_F_16_CS, station side (${version})`, () => {
    test('TC_N_25_CS N01.FR.01 N01.FR.02 N01.FR.04 N01.FR.07 N01.FR.08 N01.FR.09 N01.FR.14 N01.FR.21 DiagnosticsLog: Accepted with a file name, Uploading, HTTP PUT of the log to remoteLocation + file name, Uploaded', async () => {
      const { st, csms } = await station(version);
      await csms.call('GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] });
      csms.clear();
      const res = await getLog(csms, 11);
      assert.equal(res.status, 'Accepted');
      assert.ok(res.filename && res.filename.length > 0);
      await csms.until(() => csms.of('LogStatusNotification').length === 2);
      assert.deepEqual(logStatuses(csms), [['Uploading', 11], ['Uploaded', 11]]);
      const put = fs.received.at(-1)!;
      assert.deepEqual([put.method, put.url], ['PUT', `/logs/${encodeURIComponent(res.filename!)}`]);
      const text = put.body.toString();
      assert.match(text, /-> BootNotification/, 'the station log: its messages to the CSMS');
      assert.match(text, /<- GetVariables/, 'and the requests of the CSMS');
      await st.stop();
    });

    test('N01.FR.29 N01.FR.19 N01.FR.25 a location without trailing slash is used as is; POST as multipart/form-data with the file name; userinfo -> Basic auth', async () => {
      const { st, csms } = await station(version);
      setLogUploadMethod(st, 'POST');
      const at = fs.url('/upload?token=abc').replace('http://', 'http://up%40user:s3cret@');
      const res = await getLog(csms, 12, { at });
      await csms.until(() => logStatuses(csms).some(([s]) => s === 'Uploaded'));
      const post = fs.received.at(-1)!;
      assert.deepEqual([post.method, post.url], ['POST', '/upload?token=abc']);
      assert.match(String(post.headers['content-type']), /^multipart\/form-data; boundary=/);
      assert.ok(post.body.toString().includes(`Content-Disposition: form-data; name="uploadfile"; filename="${res.filename}"`));
      assert.equal(post.headers.authorization, `Basic ${Buffer.from('up@user:s3cret').toString('base64')}`);
      await st.stop();
    });

    test('TC_N_26_CS N01.FR.10 the upload fails: 1 + retries attempts retryInterval apart, then UploadFailure with the requestId', async () => {
      const { st, csms, clock } = await station(version);
      const at = new Map<string, number>();
      csms.replies.LogStatusNotification = (r) => { at.set(r.status, clock.now()); return {}; };
      csms.clear();
      const before = fs.received.length;
      const base = clock.pending();
      fs.failWith = 500;
      assert.equal((await getLog(csms, 13, { retries: 3, retryInterval: 60 })).status, 'Accepted');
      for (let i = 0; i < 3; i++) await nextRetry(clock, base, 60_000);
      await csms.until(() => logStatuses(csms).length === 2);
      assert.deepEqual(logStatuses(csms), [['Uploading', 13], ['UploadFailure', 13]]);
      assert.equal(fs.received.length - before, 4, 'the first attempt and three retries');
      assert.equal(at.get('UploadFailure')! - at.get('Uploading')!, 3 * 60_000, '3 x retryInterval between Uploading and UploadFailure');
      await st.stop();
    });

    test('N01.FR.30 a redirect is not followed: UploadFailure (reasonCode RedirectAllowed in 2.1)', async () => {
      const { st, csms } = await station(version);
      fs.failWith = 302;
      const before = fs.received.length;
      await getLog(csms, 14, { retries: 2 });
      await csms.until(() => csms.of('LogStatusNotification').length === 2);
      const last = csms.of('LogStatusNotification')[1]!;
      assert.equal(last.status, 'UploadFailure');
      assert.equal(last.statusInfo?.reasonCode, version === '2.1' ? 'RedirectAllowed' : undefined);
      assert.equal(fs.received.length - before, 1, 'not retried, not followed');
      await st.stop();
    });

    test('TC_N_34_CS N01.FR.05 no log information of the request: Rejected, nothing uploaded', async () => {
      const { st, csms, clock } = await station(version);
      csms.clear();
      const later = new Date(clock.now() + HOUR).toISOString();
      assert.equal((await getLog(csms, 15, { log: { remoteLocation: fs.url('/logs/'), oldestTimestamp: later } })).status, 'Rejected');
      if (version === '2.1') assert.equal((await getLog(csms, 16, { logType: 'DataCollectorLog' })).status, 'Rejected');
      await settle();
      assert.deepEqual(sequence(csms), [], 'no LogStatusNotification');
      await st.stop();
    });

    test('TC_N_35_CS N01.FR.03 SecurityLog: the security events only, Uploading, Uploaded', async () => {
      const { st, csms } = await station(version);
      await csms.until(() => csms.of('SecurityEventNotification').length === 1); // StartupOfTheDevice
      csms.clear();
      assert.equal((await getLog(csms, 17, { logType: 'SecurityLog' })).status, 'Accepted');
      await csms.until(() => csms.of('LogStatusNotification').length === 2);
      assert.deepEqual(logStatuses(csms), [['Uploading', 17], ['Uploaded', 17]]);
      const text = fs.received.at(-1)!.body.toString();
      assert.match(text, /StartupOfTheDevice/);
      assert.doesNotMatch(text, /BootNotification/);
      await st.stop();
    });

    test('TC_N_36_CS N01.FR.12 N01.FR.20 a second GetLog during an upload: AcceptedCanceled, LogStatusNotification AcceptedCanceled, the new upload runs', async () => {
      const { st, csms } = await station(version);
      csms.clear();
      fs.hold = true;
      const held = fs.heldCount;
      assert.equal((await getLog(csms, 18)).status, 'Accepted');
      await until(() => fs.heldCount === held + 1); // uploading
      fs.hold = false;
      assert.equal((await getLog(csms, 19)).status, 'AcceptedCanceled');
      await csms.until(() => logStatuses(csms).some(([s]) => s === 'Uploaded'));
      assert.deepEqual(logStatuses(csms), [['Uploading', 18], ['AcceptedCanceled', 18], ['Uploading', 19], ['Uploaded', 19]]);
      fs.release();
      await settle();
      assert.equal(csms.of('LogStatusNotification').length, 4, 'nothing more for the canceled upload');
      await st.stop();
    });

    test('TC_F_16_CS F06.FR.04 F06.FR.05 F06.FR.10 F06.FR.14 F06.FR.15 N01.FR.13 TriggerMessage LogStatusNotification while uploading: Uploading with the requestId; afterwards Idle without requestId', async () => {
      const { st, csms } = await station(version);
      csms.clear();
      fs.hold = true;
      const held = fs.heldCount;
      assert.equal((await getLog(csms, 20)).status, 'Accepted');
      await until(() => fs.heldCount === held + 1);
      assert.deepEqual(logStatuses(csms), [['Uploading', 20]]);
      assert.deepEqual(await csms.call('TriggerMessage', { requestedMessage: 'LogStatusNotification' }), { status: 'Accepted' });
      await csms.until(() => logStatuses(csms).length === 2);
      assert.deepEqual(logStatuses(csms)[1], ['Uploading', 20]);
      fs.release();
      await csms.until(() => logStatuses(csms).length === 3);
      assert.deepEqual(logStatuses(csms)[2], ['Uploaded', 20]);
      await csms.call('TriggerMessage', { requestedMessage: 'LogStatusNotification' });
      await csms.until(() => logStatuses(csms).length === 4);
      assert.deepEqual(csms.of('LogStatusNotification')[3], { status: 'Idle' });
      await st.stop();
    });
  });

  describe(`Part 6 block L (firmware update) and TC_F_19_CS, station side (${version})`, () => {
    const image = (v: string, extra = '') => Buffer.from(`CHARGEWIRE-FIRMWARE ${v}${extra}\n${'x'.repeat(4096)}\n`);
    /** Put an image on the file server; a secure UpdateFirmwareRequest for it. */
    const offer = (path: string, img: Buffer, o: { requestId?: number; retrieve?: number; install?: number; signer?: Issued; signature?: string } = {}, now = Date.now()) => {
      fs.files.set(path, img);
      const s = o.signer ?? signer;
      return {
        requestId: o.requestId ?? 1,
        firmware: {
          location: fs.url(path), retrieveDateTime: new Date(now + (o.retrieve ?? -2 * HOUR)).toISOString(),
          ...(o.install !== undefined ? { installDateTime: new Date(now + o.install).toISOString() } : {}),
          signingCertificate: s.cert, signature: o.signature ?? signFirmware(img, s.key),
        },
      } satisfies OcppTypes.UpdateFirmwareRequest;
    };
    /** The Manufacturer root installed (TC_M_02_CS), the CSMS log cleared. */
    async function ready(o: Partial<StationOptions> = {}) {
      const h = await station(version, o);
      assert.equal((await h.csms.call('InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: mfRoot.cert })).status, 'Accepted');
      await h.csms.until(() => h.csms.of('SecurityEventNotification').length === 1);
      h.csms.clear();
      return h;
    }
    const installed = (csms: ScriptedCsms) => () => fwStatuses(csms).includes('Installed') && csms.of('SecurityEventNotification').some((e) => e.type === 'FirmwareUpdated');

    test('TC_L_01_CS L01.FR.01 L01.FR.04 L01.FR.05 L01.FR.09 L01.FR.10 L01.FR.12 L01.FR.15 L01.FR.20 L01.FR.21 L01.FR.25 L01.FR.28 L01.FR.31 L01.FR.32 secure update: Downloading, Downloaded, SignatureVerified, Installing, InstallRebooting, reboot with the new version, Installed, FirmwareUpdated', async () => {
      const { st, csms, clock } = await ready();
      const req = offer('/fw/2.0.0.bin', image('2.0.0'), { requestId: 123, install: -2 * HOUR }, clock.now());
      assert.deepEqual(await csms.call('UpdateFirmware', req), { status: 'Accepted' });
      await csms.until(installed(csms));
      assert.deepEqual(fwStatuses(csms), ['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'InstallRebooting', 'Installed']);
      assert.ok(csms.of('FirmwareStatusNotification').every((n) => n.requestId === 123));
      const boot = csms.of('BootNotification')[0]!;
      assert.deepEqual([boot.reason, boot.chargingStation.firmwareVersion], ['FirmwareUpdate', '2.0.0']);
      const seq = sequence(csms);
      assert.ok(seq.indexOf('StatusNotification(1/1:Unavailable)') < seq.indexOf('BootNotification(FirmwareUpdate)'), 'connectors Unavailable while installing');
      assert.ok(seq.lastIndexOf('StatusNotification(1/1:Available)') > seq.indexOf('BootNotification(FirmwareUpdate)'), 'Available again after the reboot');
      assert.ok(seq.indexOf('BootNotification(FirmwareUpdate)') < seq.lastIndexOf('FirmwareStatusNotification'), 'Installed sent by the new firmware');
      // [L01.FR.25] TriggerMessage after Installed: Idle
      csms.clear();
      await csms.call('TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
      await csms.until(() => fwStatuses(csms).length === 1);
      assert.deepEqual(csms.of('FirmwareStatusNotification')[0], { status: 'Idle' });
      await st.stop();
    });

    test('TC_L_02_CS TC_L_03_CS L01.FR.13 L01.FR.16 retrieveDateTime and installDateTime in the future: DownloadScheduled, download then; InstallScheduled, install then', async () => {
      const { st, csms, clock } = await ready();
      const req = offer('/fw/2.1.0.bin', image('2.1.0'), { requestId: 5, retrieve: HOUR, install: 2 * HOUR }, clock.now());
      assert.equal((await csms.call('UpdateFirmware', req)).status, 'Accepted');
      await csms.until(() => fwStatuses(csms).length === 1);
      assert.deepEqual(fwStatuses(csms), ['DownloadScheduled']);
      await clock.advance(HOUR - 1000);
      assert.deepEqual(fwStatuses(csms), ['DownloadScheduled'], 'nothing before retrieveDateTime');
      await clock.advance(1000);
      await csms.until(() => fwStatuses(csms).includes('InstallScheduled'));
      assert.deepEqual(fwStatuses(csms), ['DownloadScheduled', 'Downloading', 'Downloaded', 'SignatureVerified', 'InstallScheduled']);
      await clock.advance(HOUR);
      await csms.until(installed(csms));
      assert.deepEqual(fwStatuses(csms).slice(5), ['Installing', 'InstallRebooting', 'Installed']);
      await st.stop();
    });

    test('TC_L_05_CS L01.FR.02 L01.FR.21 L01.FR.22 a signing certificate not from an installed Manufacturer root: InvalidCertificate, InvalidFirmwareSigningCertificate, nothing downloaded', async () => {
      const { st, csms, clock } = await ready();
      const before = fs.received.length;
      const res = await csms.call('UpdateFirmware', offer('/fw/rogue.bin', image('6.6.6'), { signer: otherSigner }, clock.now()));
      assert.equal(res.status, 'InvalidCertificate');
      await csms.until(() => csms.of('SecurityEventNotification').length === 1);
      assert.equal(csms.of('SecurityEventNotification')[0]!.type, 'InvalidFirmwareSigningCertificate');
      assert.deepEqual(fwStatuses(csms), []);
      assert.equal(fs.received.length, before);
      await st.stop();
    });

    test('TC_L_06_CS L01.FR.03 L01.FR.04 a wrong signature (of another file): Downloading, Downloaded, InvalidSignature, InvalidFirmwareSignature', async () => {
      const { st, csms, clock } = await ready();
      const req = offer('/fw/bad-sig.bin', image('3.0.0'), { signature: signFirmware(image('3.0.1'), signer.key) }, clock.now());
      assert.equal((await csms.call('UpdateFirmware', req)).status, 'Accepted');
      await csms.until(() => csms.of('SecurityEventNotification').length === 1);
      assert.deepEqual(fwStatuses(csms), ['Downloading', 'Downloaded', 'InvalidSignature']);
      assert.equal(csms.of('SecurityEventNotification')[0]!.type, 'InvalidFirmwareSignature');
      await st.stop();
    });

    test('L01.FR.04 an RSA-PSS (SHA-256) signature verifies as well', async () => {
      const { st, csms, clock } = await ready();
      const req = offer('/fw/rsa.bin', image('3.1.0'), { signer: rsaSigner }, clock.now());
      await csms.call('UpdateFirmware', req);
      await csms.until(installed(csms));
      assert.deepEqual(fwStatuses(csms).slice(0, 3), ['Downloading', 'Downloaded', 'SignatureVerified']);
      await st.stop();
    });

    test('TC_L_07_CS L01.FR.30 the file does not exist: Downloading, retries retryInterval apart, DownloadFailed', async () => {
      const { st, csms, clock } = await ready();
      const req = { ...offer('/fw/exists.bin', image('4.0.0'), {}, clock.now()), retries: 2, retryInterval: 30 };
      req.firmware = { ...req.firmware, location: `${req.firmware.location}_does.not.Exist` };
      const before = fs.received.length;
      const base = clock.pending();
      assert.equal((await csms.call('UpdateFirmware', req)).status, 'Accepted');
      for (let i = 0; i < 2; i++) await nextRetry(clock, base, 30_000);
      await csms.until(() => fwStatuses(csms).includes('DownloadFailed'));
      assert.deepEqual(fwStatuses(csms), ['Downloading', 'DownloadFailed']);
      assert.equal(fs.received.length - before, 3);
      await st.stop();
    });

    for (const [what, img, failure] of [['not a firmware image', Buffer.from('random bytes'), 'InstallVerificationFailed'], ['an image that fails to install', image('5.0.0', ' InstallationFailed'), 'InstallationFailed']] as const) {
      test(`TC_L_08_CS L01.FR.29 ${what}: SignatureVerified, then ${failure}; the connectors are Available again, no reboot`, async () => {
        const { st, csms, clock } = await ready();
        await csms.call('UpdateFirmware', offer(`/fw/${failure}.bin`, img, {}, clock.now()));
        await csms.until(() => fwStatuses(csms).includes(failure));
        await settle();
        assert.deepEqual(fwStatuses(csms), ['Downloading', 'Downloaded', 'SignatureVerified', ...(failure === 'InstallationFailed' ? ['Installing'] : []), failure]);
        assert.equal(csms.of('BootNotification').length, 0);
        assert.equal(st.state().evses[0]!.connectors[0]!.status, 'Available');
        await st.stop();
      });
    }

    test('TC_L_10_CS TC_F_19_CS L01.FR.24 L01.FR.26 F06.FR.04 F06.FR.10 a trigger while downloading: Downloading; a second UpdateFirmware: AcceptedCanceled, then the new update with its requestId', async () => {
      const { st, csms, clock } = await ready();
      fs.hold = true;
      const held = fs.heldCount;
      assert.equal((await csms.call('UpdateFirmware', offer('/fw/slow.bin', image('7.0.0'), { requestId: 70 }, clock.now()))).status, 'Accepted');
      await until(() => fs.heldCount === held + 1);
      fs.hold = false;
      assert.deepEqual(await csms.call('TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' }), { status: 'Accepted' });
      await csms.until(() => fwStatuses(csms).length === 2);
      assert.deepEqual(csms.of('FirmwareStatusNotification').map((n) => [n.status, n.requestId]), [['Downloading', 70], ['Downloading', 70]]);
      assert.equal((await csms.call('UpdateFirmware', offer('/fw/7.1.0.bin', image('7.1.0'), { requestId: 71 }, clock.now()))).status, 'AcceptedCanceled');
      await csms.until(installed(csms));
      const after = csms.of('FirmwareStatusNotification').slice(2);
      assert.deepEqual(after.map((n) => n.status), ['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'InstallRebooting', 'Installed']);
      assert.ok(after.every((n) => n.requestId === 71));
      assert.equal(csms.of('BootNotification')[0]!.chargingStation.firmwareVersion, '7.1.0');
      await st.stop();
    });

    test('TC_L_15_CS L01.FR.06 L01.FR.07 L01.FR.33 L01.FR.34 a transaction is running, AllowNewSessionsPendingFirmwareUpdate false: InstallScheduled, the free EVSE Unavailable; install after the transaction', async () => {
      const { st, csms, clock } = await ready(TWO);
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      assert.equal(st.state().evses[0]!.chargingState, 'Charging');
      csms.clear();
      await csms.call('UpdateFirmware', offer('/fw/8.0.0.bin', image('8.0.0'), {}, clock.now()));
      await csms.until(() => fwStatuses(csms).includes('InstallScheduled'));
      await settle();
      assert.deepEqual(fwStatuses(csms), ['Downloading', 'Downloaded', 'SignatureVerified', 'InstallScheduled']);
      assert.ok(sequence(csms).includes('StatusNotification(2/1:Unavailable)'));
      assert.equal(st.state().evses[1]!.connectors[0]!.status, 'Unavailable', 'no new session on EVSE 2');
      await clock.advance(HOUR);
      assert.equal(csms.of('BootNotification').length, 0, 'waits for the transaction');
      await st.presentToken('TAG1'); // the driver stops
      st.unplug(1);
      await csms.until(installed(csms));
      assert.deepEqual(fwStatuses(csms).slice(4), ['Installing', 'InstallRebooting', 'Installed']);
      const seq = sequence(csms);
      assert.ok(seq.findIndex((s) => s.startsWith('TransactionEvent(Ended')) < seq.indexOf('BootNotification(FirmwareUpdate)'));
      assert.deepEqual(st.state().evses.map((e) => e.connectors[0]!.status), ['Available', 'Available']);
      await st.stop();
    });

    test('TC_L_14_CS L01.FR.06 AllowNewSessionsPendingFirmwareUpdate true: EVSEs stay usable, a second transaction starts; install after both ended', async () => {
      const { st, csms, clock } = await ready({ ...TWO, variables: { 'ChargingStation.AllowNewSessionsPendingFirmwareUpdate': 'true' } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      await csms.call('UpdateFirmware', offer('/fw/9.0.0.bin', image('9.0.0'), {}, clock.now()));
      await csms.until(() => fwStatuses(csms).includes('InstallScheduled'));
      assert.ok(!sequence(csms).some((s) => s.endsWith('Unavailable)')));
      st.plugIn(2, 1);
      await st.presentToken('TAG2', 'ISO14443', 2);
      await settle();
      assert.equal(st.state().evses[1]!.chargingState, 'Charging', 'a new session while the update waits');
      for (const [id, tag] of [[1, 'TAG1'], [2, 'TAG2']] as const) { await st.presentToken(tag, 'ISO14443', id); st.unplug(id); await settle(); }
      await csms.until(installed(csms));
      assert.deepEqual(fwStatuses(csms).slice(4), ['Installing', 'InstallRebooting', 'Installed']);
      await st.stop();
    });

    test('TC_L_18_CS L02 an UpdateFirmware without signing certificate and signature: Rejected by a station with secure firmware update; accepted (L02.FR.01 L02.FR.20) when unsigned updates are allowed', async () => {
      const { st, csms, clock } = await ready();
      const req = offer('/fw/unsigned.bin', image('10.0.0'), {}, clock.now());
      const unsigned = { ...req, firmware: { location: req.firmware.location, retrieveDateTime: req.firmware.retrieveDateTime } };
      assert.equal((await csms.call('UpdateFirmware', unsigned)).status, 'Rejected');
      allowUnsignedFirmware(st);
      assert.equal((await csms.call('UpdateFirmware', unsigned)).status, 'Accepted');
      await csms.until(installed(csms));
      assert.deepEqual(fwStatuses(csms), ['Downloading', 'Downloaded', 'Installing', 'InstallRebooting', 'Installed'], 'no SignatureVerified for an unsigned update');
      await st.stop();
    });
  });
}
