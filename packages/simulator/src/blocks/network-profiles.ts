// B09 — Setting a new NetworkConnectionProfile, station side. A profile lives in the device model as
// NetworkConfiguration[slot] (2.1 names; the 2.0.1 station uses the same storage), so it is reported
// (B09.FR.08), persisted with device-model.json and settable either with SetNetworkProfile (2.0.1, and
// deprecated in 2.1) or, in 2.1, with SetVariables on a slot not in NetworkConfigurationPriority.
// Slot 0 holds the profile of the StationOptions (url, securityProfile, password, identity).
// The connection side (B10: priority, attempts, fall-back) is in network-connect.ts.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { OcppClient, type OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { Station } from '../station.ts';
import { NETWORK_SLOTS } from '../device-model/defaults.ts';
import { readJsonIfExists, writeFileAtomic } from '../device-model/persistence.ts';
import type { SetGuard } from '../device-model/device-model.ts';
import { splitList } from '../device-model/validate.ts';

export const NC = 'NetworkConfiguration';
const DEFAULT_URL = 'ws://127.0.0.1:9000/ocpp';
const nc = (slot: string) => ({ name: NC, instance: slot });

/** A slot's variables by name ('' = not set). */
export type SlotValues = Record<string, string>;

export function slotValue(st: Station, slot: string, variable: string): string | undefined {
  const v = st.dm.value(nc(slot), { name: variable });
  return v === '' ? undefined : v;
}

/** OCPPCommCtrlr.NetworkConfigurationPriority as a list of slots. */
export function priority(st: Station): string[] {
  return splitList(st.str('OCPPCommCtrlr', 'NetworkConfigurationPriority', ''));
}

/** Save the device model now (setInternal does not fire the station's save-on-change). */
export function persist(st: Station): void {
  if (st.opts.dataDir) st.dm.saveTo(join(st.opts.dataDir, 'device-model.json'));
}

export function persistQuietly(st: Station): void {
  try { persist(st); } catch (err) { st.emit('failure', err as Error); }
}

/** Write variables of a slot; all or nothing (restored when a variable is missing or saving fails). */
export function writeSlot(st: Station, slot: string, values: SlotValues): void {
  const before: SlotValues = {};
  for (const name of Object.keys(values)) before[name] = st.dm.value(nc(slot), { name }) ?? '';
  try {
    for (const [name, v] of Object.entries(values)) st.dm.setInternal(nc(slot), { name }, v);
    persist(st);
  } catch (err) {
    for (const [name, v] of Object.entries(before)) { try { st.dm.setInternal(nc(slot), { name }, v); } catch { /* missing */ } }
    throw err;
  }
}

/** [B09.FR.09] every NetworkConfiguration variable of a NetworkConnectionProfile. */
export function profileValues(d: OcppTypes.NetworkConnectionProfileType): SlotValues {
  const s = (v: string | number | boolean | undefined): string => (v === undefined ? '' : String(v));
  return {
    OcppCsmsUrl: d.ocppCsmsUrl, OcppInterface: d.ocppInterface, OcppTransport: d.ocppTransport, OcppVersion: s(d.ocppVersion),
    MessageTimeout: s(d.messageTimeout), SecurityProfile: s(d.securityProfile), Identity: s(d.identity), BasicAuthPassword: s(d.basicAuthPassword),
    // [B09.FR.11] [B09.FR.12] ApnEnabled / VpnEnabled follow the presence of apn / vpn.
    ApnEnabled: String(d.apn !== undefined), Apn: s(d.apn?.apn), ApnUserName: s(d.apn?.apnUserName), ApnPassword: s(d.apn?.apnPassword),
    SimPin: s(d.apn?.simPin), PreferredNetwork: s(d.apn?.preferredNetwork), UseOnlyPreferredNetwork: s(d.apn?.useOnlyPreferredNetwork),
    ApnAuthentication: s(d.apn?.apnAuthentication),
    VpnEnabled: String(d.vpn !== undefined), VpnType: s(d.vpn?.type), VpnServer: s(d.vpn?.server), VpnUser: s(d.vpn?.user),
    VpnGroup: s(d.vpn?.group), VpnPassword: s(d.vpn?.password), VpnKey: s(d.vpn?.key),
  };
}

/** Why a ws(s) URL cannot be used with a security profile, or undefined. */
function urlProblem(url: string | undefined, sp: number): string | undefined {
  if (!url) return 'OcppCsmsUrl is not set';
  let u: URL;
  try { u = new URL(url); } catch { return `OcppCsmsUrl ${url} is not a URL`; }
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') return 'OcppCsmsUrl must be a ws:// or wss:// URL';
  // [A00] profiles 2 and 3 use TLS.
  if (sp >= 2 && u.protocol !== 'wss:') return `security profile ${sp} needs a wss:// URL`;
  return undefined;
}

/** [B09.FR.02] [B10.FR.02] [B09.FR.34] why a profile is not a valid configuration, or undefined. */
export function profileProblem(st: Station, get: (variable: string) => string | undefined): string | undefined {
  const sp = Number(get('SecurityProfile'));
  if (![1, 2, 3].includes(sp)) return 'SecurityProfile must be 1, 2 or 3';
  const bad = urlProblem(get('OcppCsmsUrl'), sp);
  if (bad) return bad;
  if ((get('OcppTransport') ?? 'JSON') !== 'JSON') return 'OcppTransport must be JSON';
  const mt = Number(get('MessageTimeout'));
  if (!Number.isInteger(mt) || mt <= 0) return 'MessageTimeout must be a positive integer';
  // [A05.FR.03] upgrading to profile 3 needs a Charging Station certificate.
  const tls = st.link instanceof OcppClient ? st.link.opts.tls : st.opts.tls;
  if (sp === 3 && currentSecurityProfile(st) < 3 && !(tls?.cert && tls.key)) return 'security profile 3 needs a ChargingStationCertificate';
  return undefined;
}

export function slotProblem(st: Station, slot: string): string | undefined {
  return profileProblem(st, (v) => slotValue(st, slot, v));
}

export function currentSecurityProfile(st: Station): number {
  return st.num('SecurityCtrlr', 'SecurityProfile', 1);
}

/**
 * [B09.FR.04] [B09.FR.35] no profile below the active security profile, unless
 * AllowSecurityProfileDowngrade is true: then 3 -> 2 only ([B09.FR.31] [B09.FR.32] never down to 1).
 */
export function isDowngrade(st: Station, sp: number): boolean {
  const current = currentSecurityProfile(st);
  if (sp >= current) return false;
  return !(st.bool('SecurityCtrlr', 'AllowSecurityProfileDowngrade', false) && current === 3 && sp === 2);
}

/** The profile of the StationOptions, stored in slot 0. */
function optionsProfile(st: Station): SlotValues {
  const o = st.opts;
  const url = st.link instanceof OcppClient ? st.link.opts.url : o.url ?? DEFAULT_URL;
  return {
    OcppCsmsUrl: url, OcppInterface: 'Wired0', OcppTransport: 'JSON', OcppVersion: 'OCPP20',
    MessageTimeout: String(st.num('OCPPCommCtrlr', 'MessageTimeout', 30, 'Default')), SecurityProfile: String(o.securityProfile ?? o.variables?.['SecurityCtrlr.SecurityProfile'] ?? 1),
    Identity: o.identity, BasicAuthPassword: o.password ?? '', ApnEnabled: 'false', VpnEnabled: 'false',
  };
}

/**
 * Slot 0 takes the StationOptions profile on the first start and whenever those options change; a
 * profile the CSMS stored in slot 0 survives a restart with the same options.
 */
export function seedOptionsSlot(st: Station): void {
  const seed = optionsProfile(st);
  const hash = createHash('sha256').update(JSON.stringify(seed)).digest('hex');
  const marker = st.opts.dataDir ? join(st.opts.dataDir, 'network-seed.json') : undefined;
  const saved = marker ? (readJsonIfExists(marker) as { hash?: string } | undefined) : undefined;
  if (saved?.hash === hash) return;
  try {
    writeSlot(st, NETWORK_SLOTS[0]!, seed);
    if (marker) writeFileAtomic(marker, JSON.stringify({ hash }));
  } catch (err) {
    st.emit('failure', err as Error); // e.g. a device model saved without NetworkConfiguration: profiles unavailable
  }
}

const reject = (reasonCode: string, additionalInfo: string): OcppTypes.SetNetworkProfileResponse =>
  ({ status: 'Rejected', statusInfo: { reasonCode, additionalInfo } });

export function setNetworkProfile(st: Station, req: OcppTypes.SetNetworkProfileRequest): OcppTypes.SetNetworkProfileResponse {
  const slot = String(req.configurationSlot);
  // [B09.FR.05] a slot outside the valuesList of NetworkConfigurationPriority.
  if (!NETWORK_SLOTS.includes(slot)) return reject('InvalidConfSlot', `configurationSlot ${slot} is not one of ${NETWORK_SLOTS.join(',')}`);
  const d = req.connectionData;
  const values = profileValues(d);
  // [B09.FR.02] invalid content.
  const problem = profileProblem(st, (v) => values[v] || undefined)
    // 2.0.1: ocppVersion is required and names the protocol to use; only OCPP 2.0(.1) is spoken here (2.1 ignores the field).
    ?? (st.version === '2.0.1' && d.ocppVersion !== 'OCPP20' ? `ocppVersion ${d.ocppVersion ?? '(none)'} is not supported` : undefined)
    ?? (d.basicAuthPassword !== undefined && (d.basicAuthPassword.length < 16 || d.basicAuthPassword.length > 40) ? 'basicAuthPassword must have 16 to 40 characters' : undefined);
  if (problem) return reject('InvalidNetworkConf', problem);
  // [B09.FR.04] [B09.FR.31] lower security profile than the active one.
  if (isDowngrade(st, d.securityProfile)) return reject('NoSecurityDowngrade', `security profile ${d.securityProfile} is below the active ${currentSecurityProfile(st)}`);
  try {
    // [B09.FR.01] [B09.FR.09] store in NetworkConfiguration[slot]; used from the next connection on (B10).
    writeSlot(st, slot, values);
  } catch (err) {
    // [B09.FR.03] storing failed.
    return { status: 'Failed', statusInfo: { reasonCode: 'InternalError', additionalInfo: (err as Error).message.slice(0, 1024) } };
  }
  return { status: 'Accepted' };
}

/** Is `next` the list `cur` with entries removed (same order, nothing added)? */
function onlyRemoves(next: string[], cur: string[]): boolean {
  let i = 0;
  for (const s of next) { i = cur.indexOf(s, i); if (i < 0) return false; i++; }
  return true;
}

/** SetVariables rules for NetworkConfigurationPriority and NetworkConfiguration[slot]. */
export function networkGuard(st: Station): SetGuard {
  return ({ component, variable, value }) => {
    if (component.name === 'OCPPCommCtrlr' && variable.name === 'NetworkConfigurationPriority') {
      const next = splitList(value);
      // [B09.FR.20] only removing slots: Accepted (nothing to validate, usable at once).
      if (onlyRemoves(next, priority(st))) return { status: 'Accepted' };
      // [B10.FR.01] [B10.FR.02] [B09.FR.33] [B09.FR.34] every slot of the new list holds a valid configuration.
      for (const slot of next) {
        const problem = slotProblem(st, slot);
        if (problem) return { reasonCode: 'InvalidNetworkConf', additionalInfo: `slot ${slot}: ${problem}` };
      }
      return undefined; // RebootRequired: the new order is used from the next (re)boot on (B10.FR.04)
    }
    if (component.name !== NC) return undefined;
    const slot = component.instance ?? '';
    // [B09.FR.22] a slot that may be used for (re)connecting cannot be changed.
    if (priority(st).includes(slot)) return { reasonCode: 'ActiveNetworkConf', additionalInfo: `slot ${slot} is in NetworkConfigurationPriority` };
    // [B09.FR.23] [B09.FR.25] validate the value (the generic checks ran already).
    if (variable.name === 'SecurityProfile' && isDowngrade(st, Number(value))) {
      return { reasonCode: 'NoSecurityDowngrade', additionalInfo: `below the active security profile ${currentSecurityProfile(st)}` }; // [B09.FR.32] [B09.FR.35]
    }
    if (variable.name === 'OcppCsmsUrl') {
      const bad = urlProblem(value, Number(slotValue(st, slot, 'SecurityProfile') ?? 1));
      if (bad) return { reasonCode: 'InvalidValue', additionalInfo: bad };
    }
    return undefined; // [B09.FR.24]
  };
}

/**
 * [B09.FR.26] [B09.FR.27] (errata 2025-09) SetVariables of SecurityCtrlr.Identity / BasicAuthPassword
 * clears that value in the active profile, so the SecurityCtrlr value is used from then on.
 */
export function onSecurityCtrlrChange(st: Station, variable: string): void {
  if (variable !== 'Identity' && variable !== 'BasicAuthPassword') return;
  const active = st.str('OCPPCommCtrlr', 'ActiveNetworkProfile', '');
  if (!NETWORK_SLOTS.includes(active)) return;
  try { writeSlot(st, active, { [variable]: '' }); } catch (err) { st.emit('failure', err as Error); }
}

export const block: Block = {
  id: 'B09',
  name: 'Network connection profiles',
  handlers: { SetNetworkProfile: (st, req) => setNetworkProfile(st, req) },
};
