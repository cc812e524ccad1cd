// Signed meter values (E02.FR.14, J01.FR.21, J02.FR.21, J02.FR.23, J02.FR.24): the simulated meter signs its
// energy register readings, as a fiscal (Eichrecht) meter does; power, current, voltage and SoC stay unsigned.
//
// Encoding: OCMF (Open Charge Metering Format 1.0, S.A.F.E. e.V.): `OCMF|<payload JSON>|<signature JSON>`,
// the payload with one reading (RD) per signed SampledValue, the signature `{"SA":"ECDSA-secp256r1-SHA256",
// "SD":"<hex of the DER ECDSA signature>"}` over the UTF-8 bytes of the payload JSON (SHA-256).
// signedMeterData = base64 of that whole OCMF string; encodingMethod "OCMF"; signingMethod
// "ECDSA-secp256r1-SHA256" (Appendix SigningMethodEnumStringType). The key pair (P-256) is made once per
// station and kept in <dataDir>/meter-key.pem (PKCS#8, mode 0600); without a dataDir it lives in memory.
// publicKey: OCPP 2.1 "oca:base16:asn1:<hex of the DER SubjectPublicKeyInfo>" (J02.FR.23), OCPP 2.0.1 base64
// of the same DER; an empty string when OCPPCommCtrlr.PublicKeyWithSignedMeterValue says not to send it.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OcppTypes } from '@chargewire/ocpp';
import { writeFileAtomic } from './device-model/persistence.ts';
import type { EvseState, TxState } from './evse.ts';
import type { Station } from './station.ts';

export const SIGNING_METHOD = 'ECDSA-secp256r1-SHA256';
export const ENCODING_METHOD = 'OCMF';

/** EVSEs whose meter can no longer deliver signed values (a simulated meter fault, data-signed.ts). */
export const signingFailed = new WeakSet<EvseState>();

interface Signer { key: KeyObject; publicDer: Buffer; page: number }
const signers = new WeakMap<Station, Signer>();

function signer(st: Station): Signer {
  let s = signers.get(st);
  if (s) return s;
  const path = st.opts.dataDir ? join(st.opts.dataDir, 'meter-key.pem') : undefined;
  let key: KeyObject;
  if (path && existsSync(path)) key = createPrivateKey(readFileSync(path, 'utf8'));
  else {
    key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    if (path) { writeFileAtomic(path, key.export({ type: 'pkcs8', format: 'pem' }) as string); chmodSync(path, 0o600); }
  }
  s = { key, publicDer: createPublicKey(key).export({ type: 'spki', format: 'der' }), page: 0 };
  signers.set(st, s);
  return s;
}

/** The station meter's public key as sent in SignedMeterValueType.publicKey for this OCPP version. */
export function meterPublicKey(st: Station, version: '2.0.1' | '2.1' = st.version ?? st.lastVersion ?? st.opts.versions?.[0] ?? '2.1'): string {
  const der = signer(st).publicDer;
  return version === '2.1' ? `oca:base16:asn1:${der.toString('hex')}` : der.toString('base64');
}

/** OBIS code per signed register (total and per phase). */
const OBIS: Record<string, Record<string, string>> = {
  'Energy.Active.Import.Register': { '': '1-b:1.8.0', L1: '1-b:21.8.0', L2: '1-b:41.8.0', L3: '1-b:61.8.0' },
  'Energy.Active.Export.Register': { '': '1-b:2.8.0', L1: '1-b:22.8.0', L2: '1-b:42.8.0', L3: '1-b:62.8.0' },
};

const OCMF_ID_TYPE: Record<string, string> = {
  ISO14443: 'ISO14443', ISO15693: 'ISO15693', eMAID: 'EMAID', Central: 'CENTRAL', Local: 'LOCAL', KeyCode: 'KEY_CODE', NoAuthorization: 'NONE',
};

/** OCMF time: `2025-01-01T00:00:00,000+0000 S` (S: the clock is synchronised with the CSMS). */
function ocmfTime(iso: string): string {
  return `${iso.slice(0, 19)},${iso.slice(20, 23)}+0000 S`;
}

/** OCMF transaction flag of a reading: B(egin), C(harging, intermediate), E(nd); none outside a transaction. */
function txFlag(context: string | undefined, tx: TxState | undefined): string | undefined {
  if (!tx) return undefined;
  return context === 'Transaction.Begin' ? 'B' : context === 'Transaction.End' ? 'E' : 'C';
}

/**
 * Whether readings of this kind are signed. [J02.FR.21] [E02.FR.14] SampledDataCtrlr.SignReadings for transaction
 * data, narrowed (2.1) by SignStartedReadings (Transaction.Begin) and SignUpdatedReadings (Updated);
 * [J01.FR.21] AlignedDataCtrlr.SignReadings for clock-aligned data, narrowed by its SignUpdatedReadings inside a transaction.
 */
export function signReadings(st: Station, eventType: 'Started' | 'Updated' | 'Ended' | 'MeterValues', context: string): boolean {
  if (eventType === 'MeterValues') return st.bool('AlignedDataCtrlr', 'SignReadings', false);
  // (AlignedDataCtrlr.SignReadings: always in the Ended event, in Updated only with SignUpdatedReadings.)
  if (context === 'Sample.Clock') return st.bool('AlignedDataCtrlr', 'SignReadings', false) && (eventType === 'Ended' || st.bool('AlignedDataCtrlr', 'SignUpdatedReadings', true));
  if (!st.bool('SampledDataCtrlr', 'SignReadings', false)) return false;
  if (eventType === 'Started' || context === 'Transaction.Begin') return st.bool('SampledDataCtrlr', 'SignStartedReadings', true);
  if (eventType === 'Updated') return st.bool('SampledDataCtrlr', 'SignUpdatedReadings', true);
  return true; // Ended (Transaction.End)
}

/**
 * Put a signedMeterValue into every energy register SampledValue of `mv` (in place). The public key goes with
 * it per OCPPCommCtrlr.PublicKeyWithSignedMeterValue: Never, OncePerTransaction (the first signed value of the
 * transaction; outside a transaction the first of the message) or EveryMeterValue.
 */
export function signMeterValue(st: Station, evse: EvseState, mv: OcppTypes.MeterValueType, tx: TxState | undefined): void {
  if (signingFailed.has(evse)) return; // the meter can no longer sign (data-signed.ts, E06.FR.05)
  const s = signer(st);
  const policy = st.str('OCPPCommCtrlr', 'PublicKeyWithSignedMeterValue', 'Never');
  let keySentHere = false;
  const token = tx?.authorizedBy ?? evse.auth?.idToken;
  for (const sv of mv.sampledValue) {
    const ri = OBIS[sv.measurand ?? 'Energy.Active.Import.Register']?.[sv.phase ?? ''];
    if (!ri) continue;
    const flag = txFlag(sv.context, tx);
    const payload = JSON.stringify({
      FV: '1.0', GI: 'Chargewire simulator', GS: st.opts.serialNumber ?? st.opts.identity, GV: st.firmwareVersion ?? '1.0.0',
      PG: `${tx ? 'T' : 'F'}${++s.page}`,
      MV: st.opts.vendorName ?? 'Chargewire', MM: 'CW-SIM-METER', MS: `${st.opts.identity}-${evse.id}`, MF: '1.0',
      IS: token !== undefined, IT: token ? OCMF_ID_TYPE[token.type] ?? 'UNDEFINED' : 'NONE', ...(token ? { ID: token.idToken } : {}),
      CT: 'EVSEID', CI: `${st.opts.identity}*${evse.id}`,
      RD: [{ TM: ocmfTime(mv.timestamp), ...(flag ? { TX: flag } : {}), RV: sv.value, RI: ri, RU: 'Wh', RT: 'AC', EF: '', ST: 'G' }],
    });
    const sd = sign('sha256', Buffer.from(payload), s.key).toString('hex');
    const ocmf = `OCMF|${payload}|${JSON.stringify({ SA: SIGNING_METHOD, SD: sd })}`;
    let withKey = policy === 'EveryMeterValue';
    if (policy === 'OncePerTransaction') {
      withKey = tx ? !tx.publicKeySent : !keySentHere;
      if (tx) tx.publicKeySent = true;
      keySentHere = true;
    }
    // [J02.FR.24] signingMethod names the method; publicKey '' when not sent (required in 2.0.1, allowed in 2.1).
    sv.signedMeterValue = {
      signedMeterData: Buffer.from(ocmf).toString('base64'), signingMethod: SIGNING_METHOD, encodingMethod: ENCODING_METHOD,
      publicKey: withKey ? meterPublicKey(st) : '',
    };
  }
}
