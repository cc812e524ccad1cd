// C — Authorization, station side: presenting an idToken (C01), the Authorization Cache (C10–C12),
// local-list and offline rules (C13–C15), local stop (E07), ClearCache (C11).
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import { sameIdToken as same, type EvseState, type IdToken, type StoppedReason, type TriggerReason } from '../evse.ts';
import type { Station } from '../station.ts';
import { endTx } from '../tx-engine.ts';
import { keepInBay } from '../parking-bay.ts';
import { claimReservation, preferFor } from './reservation.ts';
import { paymentAuthorizationExpired } from './payments.ts';
import { lockedTo, startRefusal } from '../start-gate.ts';
import { csmsVerdict } from './tariffs.ts';

type Info = OcppTypes.IdTokenInfoType;
export type Decision = { info: Info; offline: boolean };

/**
 * The Local Authorization List entry for a token, if the list is enabled. [C13.FR.05] [C13.FR.06] [C14.FR.04]
 * [C14.FR.05] with LocalAuthListCtrlr.SupportsExpiryDateTime an entry past its cacheExpiryDateTime counts as absent.
 */
export function listEntry(st: Station, idToken: IdToken): Info | undefined {
  // [D01.FR.13] LocalAuthListCtrlr.Enabled controls whether the list is used.
  const e = st.bool('LocalAuthListCtrlr', 'Enabled', false) ? st.auth.fromList(idToken) : undefined;
  if (e?.cacheExpiryDateTime && st.bool('LocalAuthListCtrlr', 'SupportsExpiryDateTime', false) && Date.parse(e.cacheExpiryDateTime) < st.clock.now()) return undefined;
  return e;
}

/** Decide on a token: { info, offline } or undefined when nobody could tell (rejected). */
export async function authorizeToken(st: Station, idToken: IdToken): Promise<{ info: Info; offline: boolean } | undefined> {
  const now = st.clock.now();
  const online = st.connected && st.registration === 'Accepted';
  // [C10.FR.11] AuthCacheCtrlr.Enabled controls the cache.
  const cacheOn = st.bool('AuthCacheCtrlr', 'Enabled', false);
  const fromList = listEntry(st, idToken);
  const fromCache = cacheOn ? st.auth.fromCache(idToken, now, st.num('AuthCacheCtrlr', 'LifeTime', 86400)) : undefined;
  if (online) {
    // [C12.FR.02] [C14.FR.02] LocalPreAuthorize: an Accepted entry in the list or cache starts without waiting
    // for the CSMS; [C13.FR.01] [C14.FR.01] the list has priority over the cache; [C14.FR.03] otherwise Authorize.
    if (st.bool('AuthCtrlr', 'LocalPreAuthorize', false)) {
      const known = fromList ?? fromCache;
      if (known?.status === 'Accepted') return { info: known, offline: false };
      // [C10.FR.03] [C12.FR.05] [C14.FR.03] …unless <Ctrlr>.DisablePostAuthorize: a known non-Accepted entry is
      // refused locally, without Authorize (TC_C_57_CS, TC_C_58_CS).
      if (fromList && st.bool('LocalAuthListCtrlr', 'DisablePostAuthorize', false)) return { info: fromList, offline: false };
      if (!fromList && fromCache && st.bool('AuthCacheCtrlr', 'DisablePostAuthorize', false)) return { info: fromCache, offline: false };
    }
    // AuthCtrlr.DisableRemoteAuthorization overrules C01.FR.02/C01.FR.05: only the list and the cache decide,
    // no Authorize; an unknown token is refused (TC_E_52_CS).
    if (st.bool('AuthCtrlr', 'DisableRemoteAuthorization', false)) {
      const known = fromList ?? fromCache;
      return known ? { info: known, offline: false } : undefined;
    }
    // [C01.FR.02] [C06.FR.02] [C08.FR.01] ask the CSMS; [C01.FR.05] also for a listed token; [C10.FR.03] [C12.FR.05] and when the cache holds a non-Accepted status.
    const resp = await st.call('Authorize', { idToken });
    if (resp) {
      // [C10.FR.04] [C12.FR.06] update the cache with the answer (whatever its status, C10.FR.01);
      // [D01.FR.09] the Local Authorization List itself only changes through SendLocalList.
      // (the CSMS's verdict, also when a failed driver tariff refuses the charge locally, I08.FR.31)
      if (cacheOn && !fromList) st.auth.remember(idToken, csmsVerdict(resp), now);
      return { info: resp.idTokenInfo, offline: false };
    }
  }
  // Offline (or no answer): [C13.FR.03] LocalAuthorizeOffline uses the local list, then the cache
  // ([C13.FR.02] only Accepted entries authorize; [C13.FR.04] [C13.FR.06] unknown ones per OfflineTxForUnknownIdEnabled).
  if (st.bool('AuthCtrlr', 'LocalAuthorizeOffline', true)) {
    if (fromList) return { info: fromList, offline: true };
    if (fromCache) return { info: fromCache, offline: true };
  }
  // [C15.FR.08] unknown id while offline, OfflineTxForUnknownIdEnabled -> accept; [C15.FR.01] not cached.
  if (st.bool('AuthCtrlr', 'OfflineTxForUnknownIdEnabled', false)) return { info: { status: 'Accepted' }, offline: true };
  return undefined;
}

/** EVConnectionTimeOut: the driver authorized but never plugged in (E: EVConnectTimeout / Timeout). */
export function armEvTimeout(st: Station, evse: EvseState): void {
  st.clock.clearTimeout(evse.evTimeout);
  if (evse.plugged !== undefined) return;
  const s = st.num('TxCtrlr', 'EVConnectionTimeOut', 120);
  if (s <= 0) return;
  evse.evTimeout = st.clock.setTimeout(() => {
    if (evse.plugged !== undefined || !evse.auth) return;
    // [E03.FR.05] [F02.FR.07] [C20.FR.02] end the transaction, unless [E03.FR.15] [F02.FR.08] the EV waits in the bay (parking-bay.ts).
    if (evse.tx && !evse.tx.seen.has('EVConnected') && !keepInBay(st, evse)) { endTx(st, evse, 'EVConnectTimeout', 'Timeout'); st.refresh(evse, 'EVConnectTimeout'); return; }
    if (evse.tx) evse.tx.pendingStop = 'Timeout';
    else paymentAuthorizationExpired(st, evse); // [C19.FR.01] an ad hoc payment without a transaction is canceled (payments.ts)
    evse.auth = undefined;
    st.refresh(evse, 'EVConnectTimeout');
  }, s * 1000);
}

/**
 * The cable is disconnected on the EV side (E09/E10). [E09.FR.01] StopTxOnEVSideDisconnect: the transaction is
 * deauthorized. Otherwise (E10) it stays authorized, and [E10.FR.02] with a cable permanently attached to the
 * station (connector type c…, e.g. the default cType2) the authorization ends when the EV is not plugged in
 * again within EVConnectionTimeOut (TransactionEvent EVConnectTimeout).
 */
export function evSideDisconnect(st: Station, evse: EvseState): void {
  const cable = evse.connectors.find((c) => c.id === evse.plugged)?.type.startsWith('c') ?? false;
  evse.plugged = undefined;
  if (st.bool('TxCtrlr', 'StopTxOnEVSideDisconnect', true)) evse.auth = undefined;
  else if (evse.tx && evse.auth && cable) armEvTimeout(st, evse);
}

/** Local or remote stop of what is going on at an EVSE (E07 StopAuthorized/Local, F03 RemoteStop/Remote). */
export function localStop(st: Station, evse: EvseState, trigger: TriggerReason, reason: StoppedReason, stopToken?: IdToken): void {
  st.clock.clearTimeout(evse.evTimeout);
  if (evse.tx) evse.tx.pendingStop = reason;
  // [E07.FR.02] remember the idToken used to stop, reported with triggerReason StopAuthorized.
  if (evse.tx && stopToken) evse.tx.stopIdToken = stopToken;
  evse.auth = undefined;
  st.refresh(evse, trigger);
}

/** `decide` replaces the plain token check (authorizeToken), e.g. for an eMAID with its contract certificate (C07, iso15118-auth.ts). */
// [C08.FR.02] the simulated HMI: a token can restart the identification at any time
export async function presentToken(st: Station, idToken: IdToken, evseId?: number, decide = (): Promise<Decision | undefined> => authorizeToken(st, idToken)): Promise<{ status: string; evseId?: number }> {
  // [C01.FR.03] [E07.FR.01] [E08.FR.01] [C09.FR.07] (a) the same token on an EVSE that it authorized ends that
  // session without Authorize (also offline).
  const own = st.evses.find((e) => e.auth && (same(e.auth.idToken, idToken)) && (evseId === undefined || e.id === evseId));
  if (own) { localStop(st, own, 'StopAuthorized', 'Local', idToken); return { status: 'Stopped', evseId: own.id }; }
  const master = st.str('AuthCtrlr', 'MasterPassGroupId', '');
  const isMaster = (d: Decision | undefined): boolean => !!master && d?.info.status === 'Accepted' && d.info.groupIdToken?.idToken === master;
  let pre: Decision | undefined | null = null; // null: not looked up yet
  if (master && st.evses.some((e) => e.tx)) {
    // [C16.FR.04] [C16.FR.05] a Master Pass is recognised from the list, the cache or the CSMS (authorizeToken).
    pre = await decide();
    if (isMaster(pre)) {
      // [C16.FR.02] no UI: stop all ongoing transactions (E07); [C16.FR.08] stoppedReason MasterPass.
      for (const e of st.evses.filter((x) => x.tx)) localStop(st, e, 'StopAuthorized', 'MasterPass', idToken);
      return { status: 'Stopped' };
    }
  }
  // No EVSE named: the one where an EV waits, else a free one where the token may start (start-gate.ts), [H03] its reserved EVSE first.
  const evse = evseId !== undefined ? st.evse(evseId)
    : st.evses.find((e) => e.plugged !== undefined && !e.auth && !lockedTo(e, idToken))
      ?? preferFor(st, st.evses.filter((e) => !e.tx && !startRefusal(st, e, 'local', idToken)), idToken);
  if (!evse) {
    // No EVSE named and none free: the driver may be stopping a session of its group (C09.FR.03).
    const authorized = st.evses.filter((e) => e.auth?.groupIdToken);
    return authorized.length ? groupStop(st, authorized, idToken, false, pre) : { status: 'NoEvseAvailable' };
  }
  if (evse.auth) return groupStop(st, [evse], idToken, true, pre);
  // Unavailable, Faulted, [C01.FR.23] Occupied, [C25.FR.22] WebPaymentPending: refused before any Authorize (start-gate.ts);
  // the reservation is checked once the authorization told the groupIdToken (H03.FR.07, H03.FR.08; below).
  const refused = startRefusal(st, evse, 'local', idToken);
  if (refused) return { status: refused, evseId: evse.id };
  let decision: Decision | undefined;
  // AuthCtrlr.Enabled = false: no authorization needed, every token is accepted.
  if (!st.bool('AuthCtrlr', 'Enabled', true)) decision = { info: { status: 'Accepted' }, offline: !st.connected };
  else decision = pre !== null ? pre : await decide();
  const status = decision?.info.status ?? 'Unknown';
  // [C12.FR.09] [C16.FR.03] a MasterPass group token cannot start a transaction.
  if (status !== 'Accepted' || isMaster(decision)) return { status: status === 'Accepted' ? 'MasterPass' : status, evseId: evse.id };
  // [C01.FR.21] IdTokenInfo.evseId limits the EVSEs this token may charge at.
  const allowed = decision!.info.evseId;
  if (allowed?.length && !allowed.includes(evse.id)) return { status: 'NotAllowedAtEvse', evseId: evse.id };
  // [H03.FR.01]..[H03.FR.10] [H03.FR.07] [H03.FR.08] [G01.FR.06] [G01.FR.09] a reserved EVSE only for its idToken / groupIdToken (reservation.ts).
  if (!claimReservation(st, evse, idToken, decision!.info.groupIdToken)) return { status: 'Reserved', evseId: evse.id };
  evse.auth = { idToken, ...(decision!.info.groupIdToken ? { groupIdToken: decision!.info.groupIdToken } : {}), ...(decision!.offline ? { offline: true } : {}) };
  evse.suspended = undefined;
  // [C01.FR.26] [E03.FR.15] EVConnectionTimeOut ends the authorization when no cable follows.
  armEvTimeout(st, evse);
  // [C01.FR.01] [C06.FR.01] [C17.FR.04] [C17.FR.05] the energy offer starts only now (powerPathClosed needs evse.auth).
  st.refresh(evse, 'Authorized');
  return { status: 'Accepted', evseId: evse.id };
}

/**
 * [C02.FR.01] a start button: the transaction is authorized with IdToken type NoAuthorization, idToken "". The button
 * is a local action like a presented idToken: the same gate (start-gate.ts: Unavailable, Faulted, Occupied incl.
 * [C01.FR.23], [C25.FR.22] WebPaymentPending), and [H03.FR.01] not on an EVSE reserved for somebody else.
 */
export function pressStartButton(st: Station, evseId: number): { status: string; evseId: number } {
  const evse = st.evse(evseId);
  const idToken: IdToken = { idToken: '', type: 'NoAuthorization' };
  const refused = startRefusal(st, evse, 'local', idToken);
  if (refused) return { status: refused, evseId };
  if (!claimReservation(st, evse, idToken)) return { status: 'Reserved', evseId };
  evse.auth = { idToken };
  armEvTimeout(st, evse);
  st.refresh(evse, 'Authorized');
  return { status: 'Accepted', evseId };
}

/**
 * [C09.FR.03] a different token of the same group stops an authorized session. `candidates` are
 * authorized EVSEs; the first whose groupIdToken matches is stopped.
 */
async function groupStop(st: Station, candidates: EvseState[], idToken: IdToken, named: boolean, pre: Decision | undefined | null = null): Promise<{ status: string; evseId?: number }> {
  const matching = (info: Info | undefined): EvseState | undefined =>
    info?.status === 'Accepted' && info.groupIdToken ? candidates.find((e) => same(info.groupIdToken, e.auth?.groupIdToken)) : undefined;
  // [C09.FR.07] (b) [C09.FR.04] known and valid in the Local Authorization List or the cache, same group: stop without Authorize.
  // [E08.FR.02] this also works offline: the group is known from the list or the cache.
  const cacheOn = st.bool('AuthCacheCtrlr', 'Enabled', false);
  const local = listEntry(st, idToken)
    ?? (cacheOn ? st.auth.fromCache(idToken, st.clock.now(), st.num('AuthCacheCtrlr', 'LifeTime', 86400)) : undefined);
  let hit = matching(local);
  if (!hit) {
    // [C09.FR.05] not known locally: ask the CSMS (Authorize).
    const d = pre !== null ? pre : await authorizeToken(st, idToken);
    // [C09.FR.11] a token of the same group that is not Accepted does not stop the transaction.
    hit = matching(d?.info);
    if (!hit) return named ? { status: 'Occupied', evseId: candidates[0]!.id } : { status: 'NoEvseAvailable' };
  }
  localStop(st, hit, 'StopAuthorized', 'Local', idToken);
  return { status: 'Stopped', evseId: hit.id };
}

export const block: Block = {
  id: 'C',
  name: 'Authorization',
  handlers: {
    // [C11.FR.01] [C11.FR.02] clear the Authorization Cache and say whether that worked:
    // [C11.FR.04] Rejected when the cache is disabled, [C11.FR.05] or when clearing failed; [C11.FR.03] else Accepted.
    ClearCache: (st) => {
      if (!st.bool('AuthCacheCtrlr', 'Enabled', false)) return { status: 'Rejected' };
      try { st.auth.clearCache(); } catch { return { status: 'Rejected' }; }
      return { status: 'Accepted' };
    },
  },
};
