// C07/C08 — authorization of an ISO 15118 EV, station side. The EV–station ISO 15118 link itself is not
// simulated as a protocol: an EV that plugs in (Station.plugIn) may present a contract (Plug & Charge, C07):
// its eMAID with the contract certificate chain, or only the OCSP request data of that chain. Without a
// contract, or with ISO15118Ctrlr.PnCEnabled false, the EV uses External Identification Means (C08): the
// driver identifies at the station's HMI (presentToken, the console's `token`), a plain C01 authorization.
// Everything on the OCPP side is real: the AuthorizeRequest with an eMAID idToken and the certificate or
// iso15118CertificateHashData, the local X.509 checks against the installed MO/V2G roots (M05 store,
// blocks/certificates.ts), the offline rules and the TransactionEvent that follows (tx-engine.ts).
import { X509Certificate } from 'node:crypto';
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { EvseState, IdToken } from '../evse.ts';
import type { Station } from '../station.ts';
import { brokenLink, findIssuer, parseCertificates, selfSigned, subjectOf, validAt } from '../x509.ts';
import { certificateHashData, installedCertificates } from './certificates.ts';
import { listEntry, presentToken, type Decision } from './authorization.ts';

type CertStatus = OcppTypes.AuthorizeCertificateStatusEnumType;
type OcspData = OcppTypes.OCSPRequestDataType;

/** What an ISO 15118 EV presents for Plug & Charge (Station.plugIn's `ev` option). */
export interface EvContract {
  /** The contract id; default the CN of the contract certificate (eMAID = CN, 2.0.1 errata 2024-11 TC_C_50). */
  eMAID?: string;
  /** The contract certificate chain (PEM, leaf first; a self-signed root at the end is ignored). */
  contractCertificate?: string;
  /** Only the OCSP request data of the chain, no certificate (nothing to validate locally). */
  certificateHashData?: OcspData[];
}

export interface ContractResult {
  /** 'Accepted', else why not: the idTokenInfo status, or the certificate status of a chain refused locally. */
  status: string;
  evseId: number;
  /** From the AuthorizeResponse, or the local check (C07.FR.08). */
  certificateStatus?: CertStatus;
  /** Whether an AuthorizeRequest went to the CSMS. */
  authorizeSent: boolean;
  /** Authorized by the offline rules (C07.FR.09..12). */
  offline?: boolean;
  /** A human-readable reason for a local refusal. */
  problem?: string;
}

/** Outcome of the local contract certificate check (C07.FR.08); NoRoot: the associated MO/V2G root is not installed. */
export interface ContractCheck {
  status: CertStatus | 'NoRoot';
  problem?: string;
  /** CN of the contract certificate (the eMAID). */
  cn?: string;
  /** The chain without root, as passed in AuthorizeRequest.certificate (C07.FR.06). */
  pem?: string;
  /** OCSP request data for the chain, where the issuer of a certificate is known (C07.FR.02). */
  hashData: OcspData[];
}

/** The Authorization Cache is used (C10.FR.11). */
const cacheOn = (st: Station): boolean => st.bool('AuthCacheCtrlr', 'Enabled', false);
/** eMAIDs are compared without dashes, case-insensitively (ISO 15118-2 Annex H: with or without separators). */
const norm = (s: string): string => s.replace(/-/g, '').toUpperCase();
const ocspUrl = (c: X509Certificate): string => /OCSP - URI:(\S+)/.exec(c.infoAccess ?? '')?.[1] ?? '';
const MAX_CERTIFICATE = { '2.0.1': 5500, '2.1': 10000 } as const;

/** An ISO15118Ctrlr boolean, of the EVSE's own ISO15118Ctrlr instance when there is one, else the station's. */
export function iso15118Flag(st: Station, evse: EvseState, variable: string, fallback: boolean): boolean {
  const v = st.dm.value({ name: 'ISO15118Ctrlr', evse: { id: evse.id } }, { name: variable }) ?? st.dm.value({ name: 'ISO15118Ctrlr' }, { name: variable });
  return v === undefined || v === '' ? fallback : v === 'true';
}

/**
 * [C07.FR.08] validate a contract certificate chain locally: every link signed by the next certificate, the top
 * issued by an installed MORootCertificate or V2GRootCertificate, all within their validity period, the leaf
 * an end-entity certificate for `eMAID`. Also computes the OCSP request data of the chain (C07.FR.02).
 */
export function checkContract(st: Station, chainPem: string, eMAID?: string): ContractCheck {
  let all: X509Certificate[];
  try {
    all = parseCertificates(chainPem);
  } catch (err) {
    return { status: 'CertChainError', problem: `not an X.509 certificate: ${(err as Error).message}`, hashData: [] };
  }
  // The chain "from leaf up to (but excluding) root" (AuthorizeRequest.certificate): a root the EV sent along is no trust anchor.
  const chain = all.filter((c, i) => i === 0 || !selfSigned(c));
  const leaf = chain[0];
  if (!leaf) return { status: 'NoCertificateAvailable', problem: 'no PEM certificate in the contract chain', hashData: [] };
  const cn = subjectOf(leaf).CN;
  const pem = chain.map((c) => c.toString()).join('');
  const base = { ...(cn !== undefined ? { cn } : {}), pem };
  const anchors = [...installedCertificates(st, 'MORootCertificate'), ...installedCertificates(st, 'V2GRootCertificate')]
    .flatMap((p) => parseCertificates(p));
  const { issuer: anchor, named } = findIssuer(chain[chain.length - 1]!, anchors);
  const hashData = chain.slice(0, 4).flatMap((c, i): OcspData[] => {
    const issuer = chain[i + 1] ?? anchor;
    return issuer ? [{ ...certificateHashData(c.toString(), 'SHA256', issuer.toString()), responderURL: ocspUrl(c) }] : [];
  });
  const fail = (status: CertStatus | 'NoRoot', problem: string): ContractCheck => ({ status, problem, ...base, hashData });
  if (leaf.ca) return fail('CertChainError', 'the contract certificate is a CA certificate');
  if (eMAID !== undefined && (cn === undefined || norm(cn) !== norm(eMAID))) return fail('CertChainError', `the contract certificate is for "${cn ?? ''}", not eMAID "${eMAID}"`);
  const broken = brokenLink(chain);
  if (broken && !broken.signature) return fail('CertChainError', `certificate ${broken.index} of the chain is not issued by certificate ${broken.index + 1}`);
  if (broken) return fail('SignatureError', `the signature of certificate ${broken.index} does not verify with certificate ${broken.index + 1}`);
  if (!named) return fail('NoRoot', 'the MO/V2G root of the contract certificate is not installed');
  if (!anchor) return fail('SignatureError', 'the chain does not verify with the installed root certificate');
  const now = st.clock.now();
  for (const c of [...chain, anchor]) {
    if (!validAt(c, now)) return fail('CertificateExpired', `${subjectOf(c).CN ?? 'a certificate'} is valid ${c.validFrom} .. ${c.validTo}`);
  }
  return { status: 'Accepted', ...base, hashData };
}

/** Refusal of a contract whose certificate is not valid (as C07.FR.15..17 map it: Expired, else Invalid). */
const refused = (status: CertStatus | 'NoRoot', offline: boolean): Decision => ({ info: { status: status === 'CertificateExpired' ? 'Expired' : 'Invalid' }, offline });

/** Pending Plug & Charge authorizations per EVSE (contractAuthorization). */
const pending = new WeakMap<EvseState, Promise<ContractResult>>();

/** The Plug & Charge authorization started by the last plug-in at an EVSE, if any. */
export function contractAuthorization(st: Station, evseId: number): Promise<ContractResult> | undefined {
  return pending.get(st.evse(evseId));
}

/**
 * The EV at `evse` was plugged in (Station.plugIn). With a contract and ISO15118Ctrlr.PnCEnabled it
 * authorizes itself (C07); otherwise nothing happens here and the driver uses EIM at the HMI (C08).
 */
export function onPlugIn(st: Station, evse: EvseState, ev: EvContract): Promise<ContractResult> | undefined {
  if (ev.contractCertificate === undefined && ev.certificateHashData === undefined && ev.eMAID === undefined) return undefined;
  // ISO15118Ctrlr.PnCEnabled false: Plug & Charge is disabled, the EV falls back to EIM (C08).
  if (!iso15118Flag(st, evse, 'PnCEnabled', true)) return undefined;
  const p = new Promise<void>((r) => setImmediate(r)) // the 15118 session follows the plug-in (its TransactionEvent first)
    .then(() => authorizeContract(st, evse, ev))
    .catch((err: Error): ContractResult => { st.emit('failure', err); return { status: 'Error', evseId: evse.id, authorizeSent: false, problem: err.message }; });
  pending.set(evse, p);
  return p;
}

/** C07: authorize the contract an EV presented at `evse`; the result of presentToken (authorization.ts) with the eMAID. */
export async function authorizeContract(st: Station, evse: EvseState, ev: EvContract): Promise<ContractResult> {
  const base = { evseId: evse.id };
  // Already authorized before the plug-in (EIM first, remote start): the 15118 session uses that authorization.
  if (evse.auth) return { ...base, status: 'AlreadyAuthorized', authorizeSent: false };
  const check = ev.contractCertificate !== undefined ? checkContract(st, ev.contractCertificate, ev.eMAID) : undefined;
  const eMAID = ev.eMAID ?? check?.cn;
  if (!eMAID || (!check && !ev.certificateHashData?.length)) {
    return { ...base, status: 'NoCertificateAvailable', certificateStatus: 'NoCertificateAvailable', authorizeSent: false, problem: 'no contract certificate or OCSP data' };
  }
  const idToken: IdToken = { idToken: eMAID, type: 'eMAID' };
  let certificateStatus: CertStatus | undefined;
  let problem: string | undefined;
  let authorizeSent = false;

  /** Validation without the CSMS: offline (C07.FR.07..12), or DisableRemoteAuthorization online. */
  const local = (offline: boolean): Decision | undefined => {
    // [C07.FR.07] offline and ContractValidationOffline false: no charging.
    if (offline && !iso15118Flag(st, evse, 'ContractValidationOffline', true)) { problem = 'offline and ISO15118Ctrlr.ContractValidationOffline is false'; return undefined; }
    // [C07.FR.08] try to validate the contract certificate locally (OCSP data alone cannot be validated).
    if (!check || check.status !== 'Accepted') {
      certificateStatus = !check ? 'NoCertificateAvailable' : check.status === 'NoRoot' ? 'CertChainError' : check.status;
      problem = check?.problem ?? 'only OCSP data, no certificate to validate locally';
      return refused(certificateStatus, offline);
    }
    certificateStatus = 'Accepted';
    // [C07.FR.09] valid, and LocalAuthorizeOffline: look the eMAID up in the Local Authorization List, then the cache;
    // [C07.FR.10] behave per C13 (C13.FR.02: only an Accepted entry authorizes), [C07.FR.11] per C12.
    if (!offline || st.bool('AuthCtrlr', 'LocalAuthorizeOffline', true)) {
      const known = listEntry(st, idToken) ?? (cacheOn(st) ? st.auth.fromCache(idToken, st.clock.now(), st.num('AuthCacheCtrlr', 'LifeTime', 86400)) : undefined);
      if (known) return { info: known, offline };
      // [C07.FR.12] not found, OfflineTxForUnknownIdEnabled: charge as an unknown id offline (C15).
      if (offline && st.bool('AuthCtrlr', 'OfflineTxForUnknownIdEnabled', false)) return { info: { status: 'Accepted' }, offline: true };
    }
    problem = `eMAID ${eMAID} not authorized locally`;
    return undefined;
  };

  const decide = async (): Promise<Decision | undefined> => {
    const online = st.connected && st.registration === 'Accepted';
    if (!online) return local(true);
    // DisableRemoteAuthorization (TC_E_52_CS): no Authorize, the local list and cache decide.
    if (st.bool('AuthCtrlr', 'DisableRemoteAuthorization', false)) return local(false);
    const req: OcppTypes.AuthorizeRequest = { idToken };
    if (check && check.status !== 'Accepted') {
      if (check.status !== 'NoRoot') { certificateStatus = check.status; problem = check.problem; return refused(check.status, false); }
      // [C07.FR.06] no associated root to validate it: with CentralContractValidationAllowed the chain goes to the
      // CSMS in `certificate` (PEM); without, the contract cannot be used.
      const max = MAX_CERTIFICATE[st.version ?? '2.1'];
      if (!iso15118Flag(st, evse, 'CentralContractValidationAllowed', false) || check.pem!.length > max) {
        certificateStatus = 'CertChainError';
        problem = `${check.problem}${check.pem!.length > max ? ` and the chain exceeds ${max} characters` : ' and ISO15118Ctrlr.CentralContractValidationAllowed is false'}`;
        return refused('CertChainError', false);
      }
      req.certificate = check.pem!;
    }
    // [C07.FR.01] [C07.FR.02] the eMAID and the data for an OCSP request about the contract certificate and its chain.
    const hashData = ev.certificateHashData ?? check?.hashData ?? [];
    if (hashData.length) req.iso15118CertificateHashData = hashData.slice(0, 4);
    authorizeSent = true;
    const resp = await st.call('Authorize', req);
    if (!resp) return local(true); // no answer: as offline
    if (evse.plugged === undefined) { problem = 'the EV left during the authorization'; return undefined; }
    // [C10.FR.04] the cache keeps the answer for the eMAID (C07.FR.11 uses it offline); [D01.FR.09] not the list.
    if (cacheOn(st) && !listEntry(st, idToken)) st.auth.remember(idToken, resp.idTokenInfo, st.clock.now());
    certificateStatus = resp.certificateStatus;
    // [C07.FR.13] .. [C07.FR.17] only certificateStatus Accepted (or none) with idTokenInfo.status Accepted charges.
    if (resp.certificateStatus && resp.certificateStatus !== 'Accepted') {
      problem = `certificateStatus ${resp.certificateStatus}`;
      return { info: { ...resp.idTokenInfo, status: resp.idTokenInfo.status === 'Accepted' ? 'Invalid' : resp.idTokenInfo.status }, offline: false };
    }
    return { info: resp.idTokenInfo, offline: false };
  };

  let decided: Decision | undefined;
  // [C01.FR.21] evseId limits, [H03] reservations, EVConnectionTimeOut and the Authorized TransactionEvent: presentToken.
  const r = await presentToken(st, idToken, evse.id, async () => (decided = await decide()));
  if (r.status === 'Accepted') return { ...base, status: 'Accepted', authorizeSent, ...(certificateStatus ? { certificateStatus } : {}), ...(decided?.offline ? { offline: true } : {}) };
  const status = certificateStatus && certificateStatus !== 'Accepted' && !authorizeSent ? certificateStatus : r.status;
  return { ...base, status, authorizeSent, ...(certificateStatus ? { certificateStatus } : {}), ...(problem ? { problem } : {}) };
}

/** C07/C08 have no CSMS-initiated messages; the block is the station's ISO 15118 authorization behaviour. */
export const block: Block = {
  id: 'C07',
  name: 'ISO 15118 authorization (Plug & Charge, EIM)',
  handlers: {},
};
