// L01/L02 — Firmware update, station side: UpdateFirmware with the signing certificate checked against the
// installed ManufacturerRootCertificates (L01.FR.21), download over HTTP(S) at retrieveDateTime with
// retries, the signature over the file checked (L01.FR.04: RSA-PSS or ECDSA with SHA-256; ECSchnorr is not
// available in Node's crypto), installation at installDateTime once no transaction runs (L01.FR.06, EVSEs
// made Unavailable meanwhile per AllowNewSessionsPendingFirmwareUpdate, L01.FR.07), then InstallRebooting,
// a reboot (BootNotification reason FirmwareUpdate with the new firmwareVersion) and Installed +
// SecurityEventNotification FirmwareUpdated from the new firmware (L01.FR.32 option a, L01.FR.31).
// Every step is a FirmwareStatusNotification with the requestId (L01.FR.01, L01.FR.10).
//
// The simulated firmware image is a file whose first line is `CHARGEWIRE-FIRMWARE <version>`; anything
// else fails the installation check (InstallVerificationFailed, L01.FR.29), and a first line ending in
// ` InstallationFailed` makes the installation fail (InstallationFailed).
import { constants, verify, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { Station } from '../station.ts';
import type { TimerHandle } from '../clock.ts';
import { readJsonIfExists, writeFileAtomic } from '../device-model/persistence.ts';
import { download, withRetries } from '../file-transfer.ts';
import { firstCertificate, issuedBy, validAt } from '../x509.ts';
import { reportStatuses } from './availability.ts';
import { csmsTrustChain, installedCertificates } from './certificates.ts';
import { raiseSecurityEvent } from './security.ts';

type FwStatus = OcppTypes.FirmwareStatusEnumType;
type Phase = 'scheduled' | 'downloading' | 'verifying' | 'installScheduled' | 'waitingIdle' | 'installing' | 'done';
interface Job {
  req: OcppTypes.UpdateFirmwareRequest;
  secure: boolean;
  phase: Phase;
  controller: AbortController;
  timer?: TimerHandle;
  image?: Buffer;
  installScheduledSent?: boolean;
}
interface FwState {
  job?: Job;
  last?: { status: FwStatus; requestId?: number };
  /** EVSEs this update made Unavailable (L01.FR.07), given back when it ends. */
  blocked: Set<number>;
  /** Installed, waiting for the reboot to report it (L01.FR.32 a). */
  pending?: { requestId: number; version: string };
  allowUnsigned: boolean;
}
interface Saved { version?: string; pending?: FwState['pending']; blocked?: number[] }

const MAGIC = 'CHARGEWIRE-FIRMWARE';
const FILE = 'firmware.json';
const states = new WeakMap<Station, FwState>();
function state(st: Station): FwState {
  let s = states.get(st);
  if (!s) states.set(st, (s = { blocked: new Set(), allowUnsigned: false }));
  return s;
}

function persist(st: Station): void {
  if (!st.opts.dataDir) return;
  const s = state(st);
  const saved: Saved = { ...(st.firmwareVersion ? { version: st.firmwareVersion } : {}), ...(s.pending ? { pending: s.pending } : {}), blocked: [...s.blocked] };
  writeFileAtomic(join(st.opts.dataDir, FILE), JSON.stringify(saved));
}

/** Whether UpdateFirmware without signingCertificate and signature (L02, non-secure) is accepted; default no (TC_L_18_CS). */
export function allowUnsignedFirmware(st: Station, allowed = true): void {
  state(st).allowUnsigned = allowed;
}

/** The firmware version of a simulated image, or undefined when it is not one (InstallVerificationFailed). */
export function firmwareImageVersion(image: Buffer): { version: string; failInstall: boolean } | undefined {
  const first = image.subarray(0, 256).toString('utf8').split('\n')[0]!.trim().split(/\s+/);
  if (first[0] !== MAGIC || !first[1]) return undefined;
  return { version: first[1], failInstall: first[2] === 'InstallationFailed' };
}

async function notify(st: Station, status: FwStatus, requestId: number | undefined, triggered = true): Promise<unknown> {
  const s = state(st);
  s.last = { status, ...(requestId !== undefined ? { requestId } : {}) };
  // [L01.FR.01] every new state; [L01.FR.10] [L01.FR.20] [L02.FR.06] [L02.FR.14] with the requestId of the UpdateFirmwareRequest (not for Idle).
  return st.call('FirmwareStatusNotification', { status, ...(requestId !== undefined && status !== 'Idle' ? { requestId } : {}) }, { triggered });
}

/** [L01.FR.21] [L01.FR.12] the signing certificate: valid now, issued by an installed ManufacturerRootCertificate. */
function signingCertificateProblem(st: Station, pem: string): string | undefined {
  let cert: X509Certificate;
  try { cert = firstCertificate(pem); } catch (err) { return `not a PEM certificate: ${(err as Error).message}`; }
  const now = st.clock.now();
  if (!validAt(cert, now)) return `signing certificate not valid at ${new Date(now).toISOString()}`;
  const roots = installedCertificates(st, 'ManufacturerRootCertificate').map((p) => firstCertificate(p));
  if (!roots.length) return 'no ManufacturerRootCertificate installed';
  // No intermediate certificates for firmware signing (L01 remark): issued by the root itself.
  if (!roots.some((r) => issuedBy(cert, r))) return 'signing certificate not issued by an installed ManufacturerRootCertificate';
  return undefined;
}

/** [L01.FR.04] the signature over the whole file, SHA-256; RSA keys: RSA-PSS, EC keys: ECDSA. */
export function firmwareSignatureValid(image: Buffer, signatureB64: string, certPem: string): boolean {
  try {
    const key = firstCertificate(certPem).publicKey;
    const sig = Buffer.from(signatureB64, 'base64');
    if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
      return verify('sha256', image, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sig);
    }
    return verify('sha256', image, key, sig);
  } catch {
    return false;
  }
}

/** [L01.FR.07] [L02.FR.04] EVSEs not in use become Unavailable until the firmware is installed. */
function blockIdleEvses(st: Station): void {
  if (st.bool('ChargingStation', 'AllowNewSessionsPendingFirmwareUpdate', false)) return;
  const s = state(st);
  for (const e of st.evses) {
    if (e.tx || e.plugged !== undefined || e.auth || !e.operative || s.blocked.has(e.id)) continue;
    s.blocked.add(e.id);
    e.operative = false;
    reportStatuses(st, e, false);
  }
  persist(st);
}

function unblock(st: Station, report: boolean): void {
  const s = state(st);
  for (const id of s.blocked) {
    const e = st.evses.find((x) => x.id === id);
    if (!e) continue;
    e.operative = true;
    if (report) reportStatuses(st, e, false);
  }
  s.blocked.clear();
  st.saveState();
  persist(st);
}

function cancel(st: Station, job: Job): void {
  job.phase = 'done';
  job.controller.abort();
  st.clock.clearTimeout(job.timer);
  unblock(st, true);
}

const live = (st: Station, job: Job): boolean => state(st).job === job && job.phase !== 'done';
const wait = (st: Station, job: Job, ms: number): Promise<void> => new Promise((r) => { job.timer = st.clock.setTimeout(r, Math.max(0, ms)); });

async function run(st: Station, job: Job): Promise<void> {
  const { req } = job;
  const id = req.requestId;
  const retrieveAt = Date.parse(req.firmware.retrieveDateTime);
  if (retrieveAt > st.clock.now()) {
    // [L01.FR.13] [L02.FR.07] retrieveDateTime in the future: DownloadScheduled, download then.
    await notify(st, 'DownloadScheduled', id);
    await wait(st, job, retrieveAt - st.clock.now());
    if (!live(st, job)) return;
  }
  job.phase = 'downloading';
  await notify(st, 'Downloading', id);
  const r = await withRetries((signal) => download(req.firmware.location, { ca: csmsTrustChain(st), signal }),
    { retries: req.retries, retryInterval: req.retryInterval, clock: st.clock, signal: job.controller.signal });
  if (!live(st, job) || 'canceled' in r) return;
  if (!r.ok) {
    job.phase = 'done';
    await notify(st, 'DownloadFailed', id); // [L01.FR.30] [L02.FR.19] after all retries failed, or a final error at once
    return;
  }
  job.image = r.value;
  job.phase = 'verifying';
  await notify(st, 'Downloaded', id);
  if (job.secure) {
    // [L01.FR.04] [L01.FR.09] [L01.FR.12] the signature over the entire file with the signing certificate.
    if (!firmwareSignatureValid(job.image, req.firmware.signature!, req.firmware.signingCertificate!)) {
      job.phase = 'done';
      await notify(st, 'InvalidSignature', id);
      raiseSecurityEvent(st, 'InvalidFirmwareSignature', `firmware ${req.firmware.location}`); // [L01.FR.03]
      return;
    }
    await notify(st, 'SignatureVerified', id);
  }
  if (!live(st, job)) return;
  const installAt = req.firmware.installDateTime ? Date.parse(req.firmware.installDateTime) : Number.NaN;
  if (installAt > st.clock.now()) {
    // [L01.FR.16] [L02.FR.10] installDateTime in the future: InstallScheduled, install then.
    job.phase = 'installScheduled';
    job.installScheduledSent = true;
    await notify(st, 'InstallScheduled', id);
    await wait(st, job, installAt - st.clock.now());
    if (!live(st, job)) return;
  }
  job.phase = 'waitingIdle';
  await installWhenIdle(st, job);
}

/**
 * [L01.FR.05] [L02.FR.02] install as soon as possible; [L01.FR.06] [L01.FR.33] [L02.FR.03] the station reboots to activate
 * the firmware, so it waits for all transactions to end ([L01.FR.34] InstallScheduled meanwhile).
 */
async function installWhenIdle(st: Station, job: Job): Promise<void> {
  if (!live(st, job) || job.phase !== 'waitingIdle') return;
  if (st.evses.some((e) => e.tx)) {
    blockIdleEvses(st);
    if (!job.installScheduledSent) {
      job.installScheduledSent = true;
      await notify(st, 'InstallScheduled', job.req.requestId);
    }
    return; // recheck() continues when a transaction ended
  }
  job.phase = 'installing';
  const id = job.req.requestId;
  const image = firmwareImageVersion(job.image!);
  if (!image) {
    job.phase = 'done';
    await notify(st, 'InstallVerificationFailed', id); // [L01.FR.29]
    unblock(st, true);
    return;
  }
  // [L01.FR.07] nothing may start while installing.
  blockIdleEvses(st);
  await notify(st, 'Installing', id);
  if (image.failInstall) {
    job.phase = 'done';
    await notify(st, 'InstallationFailed', id);
    unblock(st, true);
    return;
  }
  // [L01.FR.15] [L01.FR.32 a] [L02.FR.09] [L02.FR.21] InstallRebooting, reboot, then Installed from the new firmware.
  await notify(st, 'InstallRebooting', id);
  const s = state(st);
  s.pending = { requestId: id, version: image.version };
  job.phase = 'done';
  unblock(st, false); // reported after the reboot (B01.FR.05)
  st.firmwareVersion = image.version; // the BootNotification of the new firmware reports it (station state, not the caller's options)
  persist(st);
  await st.rebootWhenDelivered('FirmwareUpdate');
}

/** A transaction ended or a connector changed: go on with an installation waiting for idle EVSEs. */
function recheck(st: Station): void {
  const job = state(st).job;
  if (!job || job.phase !== 'waitingIdle') return;
  // Deferred: the transaction that sent its Ended event is cleared from the EVSE right after.
  st.afterResponse(() => {
    if (job.phase !== 'waitingIdle') return;
    blockIdleEvses(st); // [L01.FR.07] an EVSE that became available is made Unavailable as well
    if (!st.evses.some((e) => e.tx)) return installWhenIdle(st, job);
  });
}

/** Accepted after the reboot: the new firmware reports Installed and FirmwareUpdated. */
function onRegistration(st: Station, status: string): void {
  const s = state(st);
  const p = s.pending;
  if (status !== 'Accepted' || !p) return;
  s.pending = undefined;
  persist(st);
  st.afterResponse(async () => {
    await notify(st, 'Installed', p.requestId, false); // [L01.FR.28] [L02.FR.20]
    raiseSecurityEvent(st, 'FirmwareUpdated', `firmware ${p.version} installed`); // [L01.FR.31]
  });
}

function updateFirmware(st: Station, req: OcppTypes.UpdateFirmwareRequest): OcppTypes.UpdateFirmwareResponse {
  const s = state(st);
  const running = s.job && s.job.phase !== 'done' ? s.job : undefined;
  // [L01.FR.27] [L02.FR.18] the installation has begun (the station is about to reboot): cannot be canceled.
  if (running?.phase === 'installing') return { status: 'Rejected', ...(st.version === '2.1' ? { statusInfo: { reasonCode: 'InstallInProgress' } } : {}) };
  const { signingCertificate, signature } = req.firmware;
  const secure = signingCertificate !== undefined || signature !== undefined;
  if (!secure && !s.allowUnsigned) {
    // A station supporting secure firmware update does not take an unsigned one (TC_L_18_CS).
    return { status: 'Rejected', ...(st.version === '2.1' ? { statusInfo: { reasonCode: 'MissingParam', additionalInfo: 'signingCertificate and signature required' } } : {}) };
  }
  if (secure) {
    // [L01.FR.21] validate the certificate before accepting; [L01.FR.22] InvalidCertificate, [L01.FR.02] security event.
    const problem = !signingCertificate || !signature ? 'signingCertificate and signature are both required' : signingCertificateProblem(st, signingCertificate);
    if (problem) {
      raiseSecurityEvent(st, 'InvalidFirmwareSigningCertificate', problem);
      return { status: 'InvalidCertificate', ...(st.version === '2.1' ? { statusInfo: { reasonCode: 'InvalidCertificate', additionalInfo: problem.slice(0, 1024) } } : {}) };
    }
  }
  // [L01.FR.24] [L02.FR.15] a new request cancels the update that is waiting or downloading: AcceptedCanceled.
  if (running) cancel(st, running);
  const job: Job = { req, secure, phase: 'scheduled', controller: new AbortController() };
  s.job = job;
  st.afterResponse(() => run(st, job));
  return { status: running ? 'AcceptedCanceled' : 'Accepted' };
}

/**
 * TriggerMessage FirmwareStatusNotification: [L01.FR.26] [L02.FR.17] during an update the last status sent;
 * [F06.FR.16] [L01.FR.25] [L02.FR.16] otherwise (also after Installed) Idle.
 */
export function triggerFirmwareStatus(st: Station): () => Promise<unknown> {
  const s = state(st);
  const busy = (s.job && s.job.phase !== 'done') || s.pending;
  const last = s.last;
  return () => (busy && last && last.status !== 'Installed' ? notify(st, last.status, last.requestId) : st.call('FirmwareStatusNotification', { status: 'Idle' }, { triggered: true }));
}

export const block: Block = {
  id: 'L',
  name: 'Firmware Management',
  init: (st) => {
    const saved = st.opts.dataDir ? readJsonIfExists(join(st.opts.dataDir, FILE)) as Saved | undefined : undefined;
    const s = state(st);
    if (saved?.version) st.firmwareVersion = saved.version; // the firmware installed earlier
    if (saved?.pending) s.pending = saved.pending;
    for (const id of saved?.blocked ?? []) { const e = st.evses.find((x) => x.id === id); if (e) e.operative = true; } // update interrupted
    st.on('registration', (e) => onRegistration(st, e.status));
    st.on('transactionEvent', (e) => { if (e.eventType === 'Ended') recheck(st); });
    st.on('status', () => recheck(st));
  },
  handlers: { UpdateFirmware: updateFirmware },
};
