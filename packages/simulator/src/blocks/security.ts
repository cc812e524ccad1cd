// A — Security, station side: the connection settings of security profiles 1–3 (A00), the security
// events raised while connecting (A04: queued, sent once connected and Accepted), and the renewal of
// the station's client certificate (A02 triggered by the CSMS, A03 on its own a month before expiry):
// new key pair + CSR -> SignCertificate (with back-off resends) -> CertificateSigned checked, installed,
// reconnect with it; falls back to the old certificate when the new one does not connect.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { Station } from '../station.ts';
import type { StationOptions } from '../station-types.ts';
import type { TimerHandle } from '../clock.ts';
import { writeFileAtomic } from '../device-model/persistence.ts';
import { certificateChainProblem, createCsr, pemBlocks, subjectOf } from '../x509.ts';
// (a cycle with certificates.ts, which lists our certificates: both only call each other at run time)
import { installedCertificates } from './certificates.ts';

export class StationConfigError extends Error {
  constructor(readonly code: 'OCPP_ERR_SIM_SECURITY_PROFILE', message: string) { super(message); this.name = 'StationConfigError'; }
}

/** TLS errors that mean the CSMS certificate could not be verified (A00.FR.308 / A00.FR.411). */
const CERT_ERRORS = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** [A00.FR.316] [A00.FR.419] the CSMS only offers a TLS version below 1.2 (or SSL). */
const TLS_VERSION_ERRORS = new Set([
  'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_VERSION_TOO_LOW', 'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
]);
/**
 * [A00.FR.323] [A00.FR.426] no cipher suite in common: the CSMS only offers suites unsuitable for legacy use
 * (we offer none of those, A00.FR.320). In TLS 1.2 a server without a shared suite answers handshake_failure
 * (never a refusal of a missing client certificate here: a profile-3 station always presents one).
 */
const TLS_CIPHER_ERRORS = new Set([
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'ERR_SSL_NO_SHARED_CIPHER', 'ERR_SSL_NO_CIPHERS_AVAILABLE',
  'ERR_SSL_WRONG_CIPHER_RETURNED', 'ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY',
]);

/**
 * Cipher suites offered in profiles 2 and 3 (OpenSSL names; TLS 1.3 suites first, all AEAD).
 * [A00.FR.319] [A00.FR.422] both required pairs: TLS_ECDHE_ECDSA_WITH_AES_128/256_GCM_SHA256/384 and
 * TLS_RSA_WITH_AES_128/256_GCM_SHA256/384 (plus ECDHE-RSA with the same AEADs, forward secrecy first).
 * [A00.FR.320] [A00.FR.423] nothing unsuitable for legacy use: no CBC, RC4, 3DES, NULL, SHA-1 MACs.
 * @SECLEVEL=2: the CSMS certificate chain needs 112-bit security (RSA >= 2048, EC >= 224 bits, no SHA-1
 * signatures), A00.FR.501..503.
 */
export const STATION_TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384',
  'AES128-GCM-SHA256', 'AES256-GCM-SHA384',
  '@SECLEVEL=2',
].join(':');

/** Which security event a failed connection attempt raises (Part 2 appendices, security events), if any. */
export function securityEventFor(err: Error & { code?: string }): 'InvalidCsmsCertificate' | 'InvalidTLSVersion' | 'InvalidTLSCipherSuite' | undefined {
  const code = err.code ?? '';
  if (CERT_ERRORS.has(code)) return 'InvalidCsmsCertificate';
  // OpenSSL verify errors Node has no name for (e.g. "EE certificate key too weak" under @SECLEVEL=2).
  if (code === 'UNSPECIFIED' && /certificate/i.test(err.message)) return 'InvalidCsmsCertificate';
  // Through https/ws the OpenSSL reason comes as code EPROTO with OpenSSL's text in the message.
  const reason = code === 'EPROTO' ? err.message : '';
  if (TLS_VERSION_ERRORS.has(code) || /alert protocol version|unsupported protocol|version too low|no protocols available/i.test(reason)) return 'InvalidTLSVersion';
  if (TLS_CIPHER_ERRORS.has(code) || /alert handshake failure|no shared cipher|no ciphers available|wrong cipher returned|insufficient security/i.test(reason)) return 'InvalidTLSCipherSuite';
  return undefined;
}

/** What a security profile needs: a wss:// URL, a Basic auth password, a client certificate, the CSMS certificate check. */
export type SecurityProfileNeed = 'wss' | 'password' | 'clientCertificate' | 'verifyCsms';

/** The first thing url, password and TLS material lack for the configured security profile (A00), or undefined. */
export function securityProfileProblem(o: StationOptions): { need: SecurityProfileNeed; message: string } | undefined {
  if (o.link || o.securityProfile === undefined) return undefined; // in-memory link, or no profile asked for
  const profile = o.securityProfile;
  const url = o.url ?? 'ws://127.0.0.1:9000/ocpp';
  // [A00.FR.2xx] profile 1 is unsecured transport + Basic auth; profiles 2 and 3 require TLS.
  if (profile >= 2 && !url.startsWith('wss://')) return { need: 'wss', message: 'needs a wss:// URL' };
  // [A00.FR.202] [A00.FR.301] profiles 1 and 2 authenticate with HTTP Basic auth.
  if (profile <= 2 && o.password === undefined) return { need: 'password', message: 'needs a Basic auth password' };
  // [A00.FR.401] profile 3 authenticates with the Charging Station certificate.
  if (profile === 3 && (!o.tls?.cert || !o.tls.key)) return { need: 'clientCertificate', message: 'needs a client certificate and key (tls.cert, tls.key)' };
  if (profile >= 2 && o.tls?.rejectUnauthorized === false) return { need: 'verifyCsms', message: 'may not skip the CSMS certificate check (A00.FR.308)' };
  return undefined;
}

/** Check that url, password and TLS material fit the configured security profile (A00): a StationConfigError if not. */
export function checkSecurityProfile(o: StationOptions): void {
  const problem = securityProfileProblem(o);
  if (problem) throw new StationConfigError('OCPP_ERR_SIM_SECURITY_PROFILE', `security profile ${o.securityProfile}: ${problem.message}`);
}

/** TLS settings for profiles 2 and 3: TLS 1.2 or above (A00.FR.314 / A00.FR.417), CA check on. */
export function tlsFor(o: StationOptions): StationOptions['tls'] {
  // A client certificate renewed earlier (A02/A03) and kept in the data dir replaces the configured one.
  const renewed = savedClientCertificate(o);
  const tls = renewed ? { ...o.tls, ...renewed } : o.tls;
  if ((o.securityProfile ?? 1) < 2) return tls;
  // [A00.FR.308] [A00.FR.411] verify the CSMS certificate path against the installed CA (never rejectUnauthorized: false).
  // [A00.FR.309] [A00.FR.412] Node checks the host name of the URL against the certificate (its CN when it has no DNS SAN).
  // [A00.FR.313] [A00.FR.416] TLS 1.2 or above even when the options ask for less; [A00.FR.320] only our cipher list.
  // [A00.FR.321] [A00.FR.424] no TLS compression: Node's OpenSSL is built without it (SSL_OP_NO_COMPRESSION).
  return { ...tls, minVersion: tls?.minVersion === 'TLSv1.3' ? 'TLSv1.3' : 'TLSv1.2', ciphers: STATION_TLS_CIPHERS, rejectUnauthorized: true };
}

/**
 * A failed connection attempt (the TLS handshake failed, so no OCPP connection exists: A00.FR.311/414,
 * A00.FR.316/419, A00.FR.323/426 terminate): queue the matching security event, once for repeated failures
 * (A00.FR.316 note): InvalidCsmsCertificate (A00.FR.310 / A00.FR.413), InvalidTLSVersion (A00.FR.316 /
 * A00.FR.419) or InvalidTLSCipherSuite (A00.FR.323 / A00.FR.426). Sent once connected and Accepted (A04).
 */
export function onConnectError(st: Station, err: Error & { code?: string }): void {
  const type = securityEventFor(err);
  if (!type) return;
  if (st.securityEvents.some((e) => e.type === type)) return; // sent once for repeated failures
  st.securityEvents.push({ type, timestamp: new Date(st.clock.now()).toISOString(), techInfo: `${err.code}: ${err.message}`.slice(0, 255) });
}

/** [A04] send the queued security events once connected and Accepted. */
export async function flushSecurityEvents(st: Station): Promise<void> {
  // Connected and Accepted: also the moment to look at the client certificate's expiry (A03).
  checkCertificateExpiry(st);
  while (st.securityEvents.length) {
    const ev = st.securityEvents[0]!;
    const r = await st.call('SecurityEventNotification', ev);
    if (!r) return; // stays queued
    st.securityEvents.shift();
  }
}

export type SecurityEvent = OcppTypes.SecurityEventNotificationRequest;

export function raiseSecurityEvent(st: Station, type: string, techInfo: string): void {
  st.securityEvents.push({ type, timestamp: new Date(st.clock.now()).toISOString(), techInfo: techInfo.slice(0, 255) });
  st.afterResponse(() => flushSecurityEvents(st));
}

// ---- A02 / A03: renewal of the station certificate ------------------------------------------------

type CertType = OcppTypes.CertificateSigningUseEnumType;
interface KeyAndCert { cert: string; key: string }
interface PendingCsr { type: CertType; csrPem: string; keyPem: string; requestId?: number; resends: number; timer?: TimerHandle }
interface CertState {
  pending: PendingCsr[];
  nextRequestId: number;
  /** The client certificate in use once renewed; before that, the configured one (opts.tls). */
  current?: KeyAndCert;
  /** The certificate replaced by `current`, kept until a connection with the new one succeeded (A02.FR.10/28). */
  previous?: KeyAndCert;
  /** Installed V2G certificates, newest last (A02.FR.15). */
  v2g: Array<KeyAndCert & { type: CertType }>;
  /** [A02.FR.19] [A02.FR.20] no (re)sending of our own accord until the CSMS triggers again. */
  halted: boolean;
  expiryTimer?: TimerHandle;
  /** When the last renewal started (station clock): A03 waits a day before another one. */
  startedAt?: number;
}
const certStates = new WeakMap<Station, CertState>();
function certState(st: Station): CertState {
  let s = certStates.get(st);
  if (!s) certStates.set(st, (s = { pending: [], nextRequestId: 1, v2g: [], halted: false }));
  return s;
}

const CERT_FILE = 'client-cert.pem';
const KEY_FILE = 'client-key.pem';
function savedClientCertificate(o: StationOptions): KeyAndCert | undefined {
  if (!o.dataDir || !existsSync(join(o.dataDir, CERT_FILE)) || !existsSync(join(o.dataDir, KEY_FILE))) return undefined;
  return { cert: readFileSync(join(o.dataDir, CERT_FILE), 'utf8'), key: readFileSync(join(o.dataDir, KEY_FILE), 'utf8') };
}

/** The station's client certificate (chain) and key: renewed, saved in the data dir, or configured. */
export function clientCertificate(st: Station): KeyAndCert | undefined {
  const s = certState(st);
  if (s.current) return s.current;
  const saved = savedClientCertificate(st.opts);
  if (saved) return saved;
  const t = st.opts.tls;
  return t?.cert && t.key ? { cert: String(t.cert), key: String(t.key) } : undefined;
}

/** Installed V2G certificates (newest last); the private keys stay on the station (A02.FR.05). */
export function v2gCertificates(st: Station): ReadonlyArray<{ type: CertType; cert: string }> {
  return certState(st).v2g.map(({ type, cert }) => ({ type, cert }));
}

function setClientCertificate(st: Station, c: KeyAndCert | undefined): void {
  certState(st).current = c;
  // Kept on the station, never sent anywhere (A02.FR.05).
  if (c && st.opts.dataDir) {
    writeFileAtomic(join(st.opts.dataDir, KEY_FILE), c.key);
    writeFileAtomic(join(st.opts.dataDir, CERT_FILE), c.cert);
  }
}

/** Subject of a CSR of this type: the station certificate names the station, a V2G one the SECC. */
function csrSubject(st: Station, type: CertType): { commonName: string; organization: string } {
  const org = st.str('SecurityCtrlr', 'OrganizationName', '');
  // [A00.FR.511] CN = the station's serial number (its identity at the CSMS, B01.FR.11); O = OrganizationName (A00.FR.509)
  if (type === 'ChargingStationCertificate') return { commonName: st.opts.serialNumber ?? st.opts.identity, organization: org };
  return { commonName: st.str('ISO15118Ctrlr', 'SeccId', st.opts.identity), organization: st.str('ISO15118Ctrlr', 'OrganizationName', org) };
}

function dropPending(st: Station, p: PendingCsr): void {
  const s = certState(st);
  st.clock.clearTimeout(p.timer);
  s.pending = s.pending.filter((x) => x !== p);
}

/** Generate a key pair and CSR and send SignCertificate (A02 after a trigger, A03 of our own accord). */
export async function startCertificateSigning(st: Station, type: CertType, triggered: boolean): Promise<OcppTypes.SignCertificateResponse | undefined> {
  const s = certState(st);
  for (const p of s.pending.filter((x) => x.type === type)) dropPending(st, p); // superseded
  if (triggered) s.halted = false; // [A02.FR.19] [A02.FR.20] a TriggerMessage starts over
  s.startedAt = st.clock.now();
  // [A02.FR.02] [A03.FR.02] a new key pair; [A02.FR.03] [A03.FR.03] its CSR
  const { csrPem, keyPem } = await createCsr(csrSubject(st, type));
  const p: PendingCsr = { type, csrPem, keyPem, resends: 0, ...(st.version === '2.1' ? { requestId: s.nextRequestId++ } : {}) };
  s.pending.push(p);
  return sendCsr(st, p);
}

async function sendCsr(st: Station, p: PendingCsr): Promise<OcppTypes.SignCertificateResponse | undefined> {
  const res = await st.call('SignCertificate', {
    csr: p.csrPem,
    // [A02.FR.13] [A03.FR.13] the certificate this CSR is for
    certificateType: p.type,
    // [A02.FR.24] [A03.FR.20] a requestId to match the CertificateSigned (2.1)
    ...(p.requestId !== undefined ? { requestId: p.requestId } : {}),
  }, { triggered: true });
  if (!certState(st).pending.includes(p)) return res; // answered meanwhile, or superseded
  // Rejected by the CSMS: the key pair is discarded ([A02.FR.21] a V2G station would also turn off PnC).
  if (res?.status === 'Rejected') dropPending(st, p);
  // [A02.FR.17] [A03.FR.17] Accepted (or no answer): wait CertSigningWaitMinimum, [A02.FR.18] doubled per resend
  else p.timer = st.clock.setTimeout(() => void resendCsr(st, p), st.num('SecurityCtrlr', 'CertSigningWaitMinimum', 60) * 1000 * 2 ** p.resends);
  return res;
}

async function resendCsr(st: Station, p: PendingCsr): Promise<void> {
  const s = certState(st);
  p.timer = undefined;
  if (!s.pending.includes(p)) return;
  // [A02.FR.19] [A03.FR.19] the back-off was doubled CertSigningRepeatTimes times: stop until triggered
  // (the key is kept: a late CertificateSigned for this CSR is still accepted)
  if (p.resends > st.num('SecurityCtrlr', 'CertSigningRepeatTimes', 3)) { s.halted = true; return; }
  p.resends++;
  // [A02.FR.17] a new SignCertificateRequest for the same CSR
  await sendCsr(st, p);
}

const TRIGGER_TYPES: Partial<Record<OcppTypes.MessageTriggerEnumType, CertType>> = {
  SignChargingStationCertificate: 'ChargingStationCertificate', SignV2GCertificate: 'V2GCertificate', SignV2G20Certificate: 'V2G20Certificate',
};

/** TriggerMessage SignChargingStationCertificate / SignV2GCertificate / SignV2G20Certificate (A02 step 1); undefined = not ours. */
export function triggerCertificateSigning(st: Station, requested: OcppTypes.MessageTriggerEnumType): OcppTypes.TriggerMessageResponse | undefined {
  const type = TRIGGER_TYPES[requested];
  if (!type) return undefined;
  // [A02.FR.02] [F06.FR.04] after the TriggerMessageResponse: key pair, CSR, SignCertificate
  st.afterResponse(() => startCertificateSigning(st, type, true));
  return { status: 'Accepted' };
}

/** [A03.FR.02] the client certificate expires within a month: renew it (checked when Accepted, then daily). */
export function checkCertificateExpiry(st: Station): void {
  const own = clientCertificate(st);
  if (!own) return; // no client certificate (profiles 1 and 2 without one): nothing to renew
  const s = certState(st);
  st.clock.clearTimeout(s.expiryTimer);
  s.expiryTimer = st.clock.setTimeout(() => { if (st.connected && st.registration === 'Accepted') checkCertificateExpiry(st); }, 86_400_000);
  if (s.halted || s.pending.some((p) => p.type === 'ChargingStationCertificate')) return;
  // At most one renewal a day of our own accord: a certificate capped by a CA that itself ends within the
  // month would otherwise be renewed at every reconnect.
  if (s.startedAt !== undefined && st.clock.now() - s.startedAt < 86_400_000) return;
  const der = pemBlocks(own.cert, 'CERTIFICATE')[0];
  if (!der) return;
  if (new Date(new X509Certificate(der).validTo).getTime() - st.clock.now() > 30 * 86_400_000) return;
  void startCertificateSigning(st, 'ChargingStationCertificate', false);
}

/** CertificateSigned (A02 step 9 / A03 step 8): check, install, and switch to the new certificate. */
function certificateSigned(st: Station, req: OcppTypes.CertificateSignedRequest): OcppTypes.CertificateSignedResponse {
  const s = certState(st);
  const type = req.certificateType ?? 'ChargingStationCertificate';
  const reject = (reasonCode: string, info: string): OcppTypes.CertificateSignedResponse => ({ status: 'Rejected', statusInfo: { reasonCode, additionalInfo: info.slice(0, 1024) } });
  let p: PendingCsr | undefined;
  if (req.requestId !== undefined) {
    p = s.pending.find((x) => x.requestId === req.requestId);
    // [A02.FR.26] [A03.FR.22] unknown requestId -> Rejected
    if (!p) return reject('InvalidValue', `unknown requestId ${req.requestId}`);
  } else p = s.pending.find((x) => x.type === type);
  // [A02.FR.16] [A03.FR.16] larger than MaxCertificateChainSize -> Rejected
  const max = st.num('SecurityCtrlr', 'MaxCertificateChainSize', 0);
  if (max > 0 && req.certificateChain.length > max) return reject('TooLargeElement', `certificateChain of ${req.certificateChain.length} characters exceeds MaxCertificateChainSize ${max}`);
  const problem = !p ? `no outstanding CSR for ${type}`
    : certificateChainProblem(req.certificateChain, {
      // [A02.FR.06] [A03.FR.06] our key, the current date within the validity, the Certificate Properties, the CSO hierarchy:
      // its roots are the installed CSMSRootCertificates (Certificate Hierarchy: the CSMS updates them with M05, M04),
      // seeded from the configured tls.ca.
      keyPem: p.keyPem, now: st.clock.now(), anchors: installedCertificates(st, 'CSMSRootCertificate'),
      ...(type === 'ChargingStationCertificate' ? csrSubject(st, type) : {}),
    });
  if (problem) {
    // [A02.FR.07] [A03.FR.07] Rejected, certificate discarded, InvalidChargingStationCertificate;
    // [A02.FR.20] no back-off resends until the CSMS triggers again
    if (p) dropPending(st, p);
    s.halted = true;
    raiseSecurityEvent(st, 'InvalidChargingStationCertificate', problem);
    return reject('InvalidCertificate', problem);
  }
  dropPending(st, p!); // [A02.FR.17] answered: no more resends
  if (type !== 'ChargingStationCertificate') {
    s.v2g.push({ type, cert: req.certificateChain, key: p!.keyPem }); // [A02.FR.15] the newest is used
    return { status: 'Accepted' };
  }
  s.previous = clientCertificate(st);
  setClientCertificate(st, { cert: req.certificateChain, key: p!.keyPem });
  // [A02.FR.08] [A03.FR.08] Accepted, then switch by reconnecting the WebSocket and TLS connection
  st.afterResponse(() => switchClientCertificate(st));
  return { status: 'Accepted' };
}

/** Reconnect with the new certificate; keep it when that works (A02.FR.10), else go back (A02.FR.28/29). */
function switchClientCertificate(st: Station): void {
  const s = certState(st);
  const next = s.current!;
  const cleanup = (): void => { st.link.off('open', onOpen); st.link.off('error', onError); };
  const onOpen = (): void => {
    cleanup();
    // [A02.FR.10] [A03.FR.10] connected with the new certificate: the old one is discarded
    s.previous = undefined;
  };
  const onError = (err: Error): void => {
    cleanup();
    const old = s.previous;
    if (!old) return;
    // [A02.FR.28] [A03.FR.24] the new certificate does not get us connected: back to the old one;
    // [A02.FR.10] the one not in use (the new one) is discarded, [A02.FR.29] [A03.FR.25] and the CSMS told so
    s.previous = undefined;
    setClientCertificate(st, old);
    st.securityEvents.push({ type: 'DiscardedRenewedClientCertificate', timestamp: new Date(st.clock.now()).toISOString(), techInfo: err.message.slice(0, 255) });
    void st.reconnectWithClientCertificate(old.cert, old.key);
  };
  st.link.on('open', onOpen);
  st.link.on('error', onError);
  void st.reconnectWithClientCertificate(next.cert, next.key);
}

/** [M04.FR.02] delete an installed V2G certificate (chain, as installed by CertificateSigned); false if not there. */
export function removeV2gCertificate(st: Station, cert: string): boolean {
  const s = certState(st);
  const before = s.v2g.length;
  s.v2g = s.v2g.filter((c) => c.cert !== cert);
  return s.v2g.length < before;
}

/**
 * [A04.FR.01] the critical security events of a (re)start: StartupOfTheDevice at power-up, ResetOrReboot after
 * a reboot, with the time it happened; added to the queue when the station is registered (flushed right then).
 */
function watchBoots(st: Station): void {
  let pending: SecurityEvent | undefined = { type: 'StartupOfTheDevice', timestamp: new Date(st.clock.now()).toISOString(), techInfo: 'power up' };
  st.on('reboot', ({ reason }) => { pending = { type: 'ResetOrReboot', timestamp: new Date(st.clock.now()).toISOString(), techInfo: reason }; });
  st.on('registration', ({ status }) => {
    if (status !== 'Accepted' || !pending) return;
    st.securityEvents.push(pending);
    pending = undefined;
  });
}

export const block: Block = {
  id: 'A',
  name: 'Security',
  handlers: { CertificateSigned: certificateSigned },
  init: watchBoots,
};

/** Subject attributes of the certificate in use (tests, console). */
export function clientCertificateSubject(st: Station): Record<string, string> | undefined {
  const der = pemBlocks(clientCertificate(st)?.cert ?? '', 'CERTIFICATE')[0];
  return der ? subjectOf(new X509Certificate(der)) : undefined;
}
