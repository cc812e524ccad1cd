// Block A (Security), CSMS side, station certificates: A02 "Update Charging Station Certificate by
// request of CSMS" (TriggerMessage SignChargingStationCertificate / SignV2GCertificate …) and A03
// "… initiated by the Charging Station". Both end here: the station sends SignCertificate with a CSR,
// we check it and answer Accepted/Rejected, then a CA signs it and we send CertificateSigned.
// A01 (password rotation) is security-credentials.ts; A04 (SecurityEventNotification) diagnostics.ts.
//
// The signing CA: A02.FR.04 says the CSMS SHOULD NOT sign itself but forward the CSR to the CSO's CA
// server. setCertificateSigner() plugs in such a forwarder; without one, the CA configured under
// certificates.* (a CSO sub-CA, A00.FR.601/602) signs in process. No CA at all -> Rejected (A02.FR.12).
// Renewal progress is kept in memory per station (certificateRenewal()); nothing is persisted.
// The configured CA files are checked when the CSMS starts (loadConfiguredCertificateAuthorities): a file that
// cannot sign stops the start with CSMS_ERR_CA_FILES instead of surfacing at the first CSR.
import type {
  CertificateSigningUseEnumType, MessageTriggerEnumType, SignCertificateRequest, SignCertificateResponse, TriggerMessageResponse,
} from '@chargewire/ocpp/types';
import type { Block, BlockContext, CsmsRuntime } from '../runtime.ts';
import { stationVersion } from '../runtime.ts';
import { CsmsError } from '../errors.ts';
import { csrProblem, issueCertificate, loadCertificateAuthority, parseCsr, type CertificateAuthority, type ParsedCsr } from '../certificate-authority.ts';
import { ChargingError } from './authorization.ts';

/** Signs a checked CSR; returns the PEM certificate chain (new certificate first). Throws when the CA refuses. */
export type CertificateSigner = (req: {
  stationId: string;
  certificateType: CertificateSigningUseEnumType;
  csrPem: string;
  csr: ParsedCsr;
}) => Promise<string>;

export type RenewalState =
  | 'Triggered' // TriggerMessage accepted by the station (A02)
  | 'TriggerRejected' // the station answered the TriggerMessage with something else than Accepted
  | 'CsrRejected' // SignCertificate answered Rejected (no CA, bad CSR)
  | 'CsrAccepted' // SignCertificate Accepted, the CA is signing
  | 'SigningFailed' // the CA failed: an operator must look (A02 error handling)
  | 'Signed' // the CA issued the certificate; CertificateSigned is on its way to the station
  | 'Installed' // CertificateSigned Accepted by the station
  | 'RejectedByStation' // CertificateSigned Rejected by the station (A02.FR.07)
  | 'DeliveryFailed'; // CertificateSigned could not be delivered (offline, timeout, CALLERROR)

/** One step of a renewal: its state, when it was reached, and why (rejections and failures). */
export interface RenewalStep {
  state: RenewalState;
  at: string;
  detail?: string;
}

export interface RenewalRecord {
  /** The latest step. */
  state: RenewalState;
  certificateType: CertificateSigningUseEnumType;
  at: string;
  requestId?: number;
  detail?: string;
  /** When this renewal began: the TriggerMessage (A02), or the station's own SignCertificate (A03). */
  startedAt: string;
  /** Every step of this renewal so far, oldest first (the last one is `state`). */
  steps: RenewalStep[];
}

/** States that end a renewal; the next step after one of them starts a new renewal. */
export const FINAL_RENEWAL_STATES: ReadonlySet<RenewalState> = new Set(['TriggerRejected', 'CsrRejected', 'SigningFailed', 'Installed', 'RejectedByStation', 'DeliveryFailed']);

interface CertState {
  signer?: CertificateSigner;
  cas: Map<'station' | 'v2g', Promise<CertificateAuthority | undefined>>;
  renewals: Map<string, RenewalRecord>;
}
const states = new WeakMap<CsmsRuntime, CertState>();
function stateOf(runtime: CsmsRuntime): CertState {
  let s = states.get(runtime);
  if (!s) states.set(runtime, (s = { cas: new Map(), renewals: new Map() }));
  return s;
}

/** Forward CSRs to an external CA (A02.FR.04) instead of the configured one; undefined restores the default. */
export function setCertificateSigner(runtime: CsmsRuntime, signer: CertificateSigner | undefined): void {
  stateOf(runtime).signer = signer;
}

/** The last step of the station's latest certificate renewal on this CSMS node (memory only). */
export function certificateRenewal(runtime: CsmsRuntime, stationId: string): RenewalRecord | undefined {
  return stateOf(runtime).renewals.get(stationId);
}

type StepInput = Pick<RenewalRecord, 'state' | 'certificateType' | 'requestId' | 'detail'>;

function record(runtime: CsmsRuntime, stationId: string, r: StepInput): void {
  const renewals = stateOf(runtime).renewals;
  const at = new Date().toISOString();
  const prev = renewals.get(stationId);
  // A TriggerMessage starts a renewal; so does a SignCertificate after a finished one (A03, or a station retry).
  const continues = prev && r.state !== 'Triggered' && r.state !== 'TriggerRejected' && !FINAL_RENEWAL_STATES.has(prev.state);
  const step: RenewalStep = { state: r.state, at, ...(r.detail !== undefined && { detail: r.detail }) };
  const { requestId, detail } = r;
  renewals.set(stationId, {
    state: r.state, certificateType: r.certificateType, at,
    ...(requestId !== undefined ? { requestId } : continues && prev.requestId !== undefined ? { requestId: prev.requestId } : {}),
    ...(detail !== undefined && { detail }),
    startedAt: continues ? prev.startedAt : at,
    steps: continues ? [...prev.steps, step] : [step],
  });
}

const CA_NAMES = {
  station: { cert: 'certificates.caCertFile', key: 'certificates.caKeyFile' },
  v2g: { cert: 'certificates.v2gCaCertFile', key: 'certificates.v2gCaKeyFile' },
} as const;

/**
 * Load and check the configured CAs (station and V2G) once, at start: a file that is unreadable, holds no
 * certificate, a key that does not belong to it, or an expired CA throws CsmsError('CSMS_ERR_CA_FILES'), so the
 * CSMS refuses to start. The loaded CAs are kept for the SignCertificate handler.
 */
export async function loadConfiguredCertificateAuthorities(runtime: CsmsRuntime): Promise<void> {
  const c = runtime.config.certificates;
  const s = stateOf(runtime);
  for (const [which, certFile, keyFile] of [['station', c.caCertFile, c.caKeyFile], ['v2g', c.v2gCaCertFile, c.v2gCaKeyFile]] as const) {
    if (!certFile || !keyFile) continue;
    const ca = await loadCertificateAuthority(certFile, keyFile, { names: CA_NAMES[which] });
    s.cas.set(which, Promise.resolve(ca));
  }
}

/** The configured CA for this certificate type, loaded once (a load failure is logged and means "none"). */
function configuredCa(runtime: CsmsRuntime, type: CertificateSigningUseEnumType): Promise<CertificateAuthority | undefined> {
  const which = type === 'ChargingStationCertificate' ? 'station' : 'v2g';
  const s = stateOf(runtime);
  let p = s.cas.get(which);
  if (!p) {
    const c = runtime.config.certificates;
    const [certFile, keyFile] = which === 'station' ? [c.caCertFile, c.caKeyFile] : [c.v2gCaCertFile, c.v2gCaKeyFile];
    p = !certFile || !keyFile ? Promise.resolve(undefined) : loadCertificateAuthority(certFile, keyFile, { names: CA_NAMES[which] }).catch((err: Error) => {
      runtime.log.error({ err: err.message, code: (err as CsmsError).code }, 'certificate authority could not be loaded: SignCertificate will be Rejected');
      s.cas.delete(which); // retried on the next CSR (the operator may fix the files)
      return undefined;
    });
    s.cas.set(which, p);
  }
  return p;
}

async function signerFor(runtime: CsmsRuntime, type: CertificateSigningUseEnumType): Promise<CertificateSigner | undefined> {
  const custom = stateOf(runtime).signer;
  if (custom) return custom;
  const ca = await configuredCa(runtime, type);
  if (!ca) return undefined;
  return async ({ csr }) => issueCertificate(ca, csr, { validityDays: runtime.config.certificates.validityDays });
}

const rejected = (reasonCode: string, additionalInfo: string): SignCertificateResponse => ({
  status: 'Rejected', statusInfo: { reasonCode, additionalInfo: additionalInfo.slice(0, 1024) },
});

/** SignCertificate (A02 step 4 / A03 step 3): check the CSR, answer, and have it signed afterwards. */
export async function signCertificate(ctx: BlockContext, req: SignCertificateRequest): Promise<SignCertificateResponse> {
  const { csms, stationId } = ctx;
  // No certificateType: the station uses one certificate for both (A02.FR.13 only asks for it when they differ).
  const certificateType: CertificateSigningUseEnumType = req.certificateType ?? 'ChargingStationCertificate';
  const base = { certificateType, ...(req.requestId !== undefined ? { requestId: req.requestId } : {}) };
  const signer = await signerFor(csms, certificateType);
  if (!signer) {
    const why = `no certificate authority configured for ${certificateType} (${certificateType === 'ChargingStationCertificate' ? 'certificates.caCertFile/caKeyFile' : 'certificates.v2gCaCertFile/v2gCaKeyFile'})`;
    ctx.log.warn({ certificateType }, `SignCertificate Rejected: ${why}`);
    record(csms, stationId, { ...base, state: 'CsrRejected', detail: why });
    // [A02.FR.12] [A03.FR.12] not able to process the request -> Rejected
    return rejected('NotEnabled', why);
  }
  let csr: ParsedCsr;
  try {
    csr = await parseCsr(req.csr);
  } catch (err) {
    if (!(err instanceof CsmsError)) throw err;
    return refuseCsr(ctx, base, err.message);
  }
  const isStationCert = certificateType === 'ChargingStationCertificate';
  // CN and O are checked for the station's own (TLS client) certificate; a V2G certificate names the
  // SECC (ISO15118Ctrlr.SeccId, O = ISO15118Ctrlr.OrganizationName), which the V2G CA checks.
  const problem = csrProblem(csr, isStationCert ? { commonName: stationId, organization: csms.config.tls.operatorOrg } : {});
  if (problem) return refuseCsr(ctx, base, problem);
  record(csms, stationId, { ...base, state: 'CsrAccepted' });
  ctx.log.info({ certificateType, requestId: req.requestId, keyType: csr.keyType, keyBits: csr.keyBits }, 'SignCertificate Accepted; signing');
  // After our answer has gone out: sign, then CertificateSigned (A02 steps 6–9).
  setImmediate(() => void deliverCertificate(csms, stationId, signer, req, csr, certificateType));
  // [A02.FR.11] [A03.FR.11] able to process the request -> Accepted
  return { status: 'Accepted' };
}

function refuseCsr(ctx: BlockContext, base: Pick<RenewalRecord, 'certificateType' | 'requestId'>, why: string): SignCertificateResponse {
  ctx.log.warn({ certificateType: base.certificateType, reason: why }, 'SignCertificate Rejected: invalid CSR');
  record(ctx.csms, ctx.stationId, { ...base, state: 'CsrRejected', detail: why });
  // [A02.FR.12] [A03.FR.12] a CSR we cannot have signed -> Rejected, reason InvalidCSR
  return rejected('InvalidCSR', why);
}

async function deliverCertificate(
  csms: CsmsRuntime, stationId: string, signer: CertificateSigner, req: SignCertificateRequest, csr: ParsedCsr, certificateType: CertificateSigningUseEnumType,
): Promise<void> {
  const log = csms.log.child({ stationId, certificateType });
  const base = { certificateType, ...(req.requestId !== undefined ? { requestId: req.requestId } : {}) };
  let certificateChain: string;
  try {
    certificateChain = await signer({ stationId, certificateType, csrPem: req.csr, csr });
  } catch (err) {
    // A02/A03 error handling: the CA is unreachable or refused the CSR; an operator must investigate and re-run A02.
    log.error({ err: (err as Error).message }, 'certificate signing failed: operator action needed (re-run A02 when fixed)');
    record(csms, stationId, { ...base, state: 'SigningFailed', detail: (err as Error).message });
    return;
  }
  record(csms, stationId, { ...base, state: 'Signed' });
  const v21 = stationVersion(csms, stationId) === '2.1';
  try {
    const res = await csms.callStation(stationId, 'CertificateSigned', {
      certificateChain,
      // [A02.FR.14] [A03.FR.14] the certificateType of the SignCertificateRequest
      certificateType,
      // [A02.FR.25] [A03.FR.21] the requestId of the SignCertificateRequest (the field exists in 2.1 only)
      ...(v21 && req.requestId !== undefined ? { requestId: req.requestId } : {}),
    });
    const ok = res.status === 'Accepted';
    record(csms, stationId, { ...base, state: ok ? 'Installed' : 'RejectedByStation', ...(res.statusInfo ? { detail: `${res.statusInfo.reasonCode}${res.statusInfo.additionalInfo ? `: ${res.statusInfo.additionalInfo}` : ''}` } : {}) });
    if (ok) log.info('new certificate accepted by the station; it reconnects with it (A02.FR.08)');
    else log.warn({ statusInfo: res.statusInfo }, 'the station rejected the signed certificate (A02.FR.07)');
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'CertificateSigned could not be delivered');
    record(csms, stationId, { ...base, state: 'DeliveryFailed', detail: (err as Error).message });
  }
}

const TRIGGER: Record<CertificateSigningUseEnumType, MessageTriggerEnumType> = {
  ChargingStationCertificate: 'SignChargingStationCertificate',
  V2GCertificate: 'SignV2GCertificate',
  V2G20Certificate: 'SignV2G20Certificate',
};

/**
 * A02 step 1: ask the station to renew a certificate (TriggerMessage SignChargingStationCertificate, or
 * SignV2GCertificate / SignV2G20Certificate with the EVSE of its ISO15118Ctrlr). The rest follows from
 * the station's SignCertificate. SignV2G20Certificate exists in OCPP 2.1 only.
 */
export async function requestCertificateRenewal(
  runtime: CsmsRuntime, stationId: string, certificateType: CertificateSigningUseEnumType = 'ChargingStationCertificate', evseId?: number,
): Promise<TriggerMessageResponse> {
  if (certificateType === 'V2G20Certificate' && stationVersion(runtime, stationId) === '2.0.1') {
    throw new ChargingError('CHARGING_ERR_NOT_SUPPORTED', 'SignV2G20Certificate needs OCPP 2.1', 'certificateType');
  }
  const res = await runtime.callStation(stationId, 'TriggerMessage', {
    requestedMessage: TRIGGER[certificateType],
    ...(evseId !== undefined ? { evse: { id: evseId } } : {}),
  });
  record(runtime, stationId, { certificateType, state: res.status === 'Accepted' ? 'Triggered' : 'TriggerRejected', ...(res.status !== 'Accepted' ? { detail: res.status } : {}) });
  return res;
}

export const certificates: Block = {
  id: 'A',
  name: 'Security',
  handlers: {
    SignCertificate: signCertificate,
  },
};
