// C — Authorization, station side: presenting an idToken (C01), the Authorization Cache (C10–C12),
// local-list and offline rules (C13–C15), local stop (E07), ClearCache (C11).
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { EvseState, IdToken, StoppedReason, TriggerReason } from '../evse.ts';
import type { Station } from '../station.ts';
import { endTx } from '../tx-engine.ts';

type Info = OcppTypes.IdTokenInfoType;
const same = (a: IdToken | undefined, b: IdToken | undefined): boolean => !!a && !!b && a.idToken === b.idToken && a.type === b.type;

/** Decide on a token: { info, offline } or undefined when nobody could tell (rejected). */
export async function authorizeToken(st: Station, idToken: IdToken): Promise<{ info: Info; offline: boolean } | undefined> {
  const now = st.clock.now();
  const online = st.connected && st.registration === 'Accepted';
  const listOn = st.bool('LocalAuthListCtrlr', 'Enabled', false);
  const cacheOn = st.bool('AuthCacheCtrlr', 'Enabled', false);
  const fromList = listOn ? st.auth.fromList(idToken) : undefined;
  const fromCache = cacheOn ? st.auth.fromCache(idToken, now, st.num('AuthCacheCtrlr', 'LifeTime', 86400)) : undefined;
  if (online) {
    // [C12.FR.02] LocalPreAuthorize: an Accepted entry in the list or cache starts without waiting for the CSMS.
    if (st.bool('AuthCtrlr', 'LocalPreAuthorize', false)) {
      const known = fromList ?? fromCache;
      if (known?.status === 'Accepted') return { info: known, offline: false };
    }
    // [C01] ask the CSMS; [C10.FR.03] [C12.FR.05] also when the cache holds a non-Accepted status.
    const resp = await st.call('Authorize', { idToken });
    if (resp) {
      // [C10.FR.04] [C12.FR.06] update the cache with the answer (whatever its status, C10.FR.01).
      if (cacheOn && !fromList) st.auth.remember(idToken, resp.idTokenInfo, now);
      return { info: resp.idTokenInfo, offline: false };
    }
  }
  // Offline (or no answer): [C13] [C14] LocalAuthorizeOffline uses the local list, then the cache.
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
    if (evse.tx && !evse.tx.seen.has('EVConnected')) { endTx(st, evse, 'EVConnectTimeout', 'Timeout'); st.refresh(evse, 'EVConnectTimeout'); return; }
    if (evse.tx) evse.tx.pendingStop = 'Timeout';
    evse.auth = undefined;
    st.refresh(evse, 'EVConnectTimeout');
  }, s * 1000);
}

/** Local or remote stop of what is going on at an EVSE (E07 StopAuthorized/Local, F03 RemoteStop/Remote). */
export function localStop(st: Station, evse: EvseState, trigger: TriggerReason, reason: StoppedReason): void {
  st.clock.clearTimeout(evse.evTimeout);
  if (evse.tx) evse.tx.pendingStop = reason;
  evse.auth = undefined;
  st.refresh(evse, trigger);
}

export async function presentToken(st: Station, idToken: IdToken, evseId?: number): Promise<{ status: string; evseId?: number }> {
  // [E07] [C09.FR.07] (a) the same token on an EVSE that it authorized ends that session, without Authorize.
  const own = st.evses.find((e) => e.auth && (same(e.auth.idToken, idToken)) && (evseId === undefined || e.id === evseId));
  if (own) { localStop(st, own, 'StopAuthorized', 'Local'); return { status: 'Stopped', evseId: own.id }; }
  const evse = evseId !== undefined ? st.evse(evseId)
    : st.evses.find((e) => e.plugged !== undefined && !e.auth) ?? st.evses.find((e) => !e.auth && !e.tx && e.operative);
  if (!evse) {
    // No EVSE named and none free: the driver may be stopping a session of its group (C09.FR.03).
    const authorized = st.evses.filter((e) => e.auth?.groupIdToken);
    return authorized.length ? groupStop(st, authorized, idToken, false) : { status: 'NoEvseAvailable' };
  }
  if (evse.auth) return groupStop(st, [evse], idToken, true);
  let decision: { info: Info; offline: boolean } | undefined;
  // AuthCtrlr.Enabled = false: no authorization needed, every token is accepted.
  if (!st.bool('AuthCtrlr', 'Enabled', true)) decision = { info: { status: 'Accepted' }, offline: !st.connected };
  else decision = await authorizeToken(st, idToken);
  const status = decision?.info.status ?? 'Unknown';
  const master = st.str('AuthCtrlr', 'MasterPassGroupId', '');
  // [C12.FR.09] a MasterPass group token cannot start a transaction.
  if (status !== 'Accepted' || (master && decision?.info.groupIdToken?.idToken === master)) return { status: status === 'Accepted' ? 'MasterPass' : status, evseId: evse.id };
  evse.auth = { idToken, ...(decision!.info.groupIdToken ? { groupIdToken: decision!.info.groupIdToken } : {}), ...(decision!.offline ? { offline: true } : {}) };
  armEvTimeout(st, evse);
  st.refresh(evse, 'Authorized');
  return { status: 'Accepted', evseId: evse.id };
}

/**
 * [C09.FR.03] a different token of the same group stops an authorized session. `candidates` are
 * authorized EVSEs; the first whose groupIdToken matches is stopped.
 */
async function groupStop(st: Station, candidates: EvseState[], idToken: IdToken, named: boolean): Promise<{ status: string; evseId?: number }> {
  const matching = (info: Info | undefined): EvseState | undefined =>
    info?.status === 'Accepted' && info.groupIdToken ? candidates.find((e) => same(info.groupIdToken, e.auth?.groupIdToken)) : undefined;
  // [C09.FR.07] (b) [C09.FR.04] known and valid in the Local Authorization List or the cache, same group: stop without Authorize.
  const listOn = st.bool('LocalAuthListCtrlr', 'Enabled', false);
  const cacheOn = st.bool('AuthCacheCtrlr', 'Enabled', false);
  const local = (listOn ? st.auth.fromList(idToken) : undefined)
    ?? (cacheOn ? st.auth.fromCache(idToken, st.clock.now(), st.num('AuthCacheCtrlr', 'LifeTime', 86400)) : undefined);
  let hit = matching(local);
  if (!hit) {
    // [C09.FR.05] not known locally: ask the CSMS (Authorize).
    const d = await authorizeToken(st, idToken);
    // [C09.FR.11] a token of the same group that is not Accepted does not stop the transaction.
    hit = matching(d?.info);
    if (!hit) return named ? { status: 'Occupied', evseId: candidates[0]!.id } : { status: 'NoEvseAvailable' };
  }
  localStop(st, hit, 'StopAuthorized', 'Local');
  return { status: 'Stopped', evseId: hit.id };
}

export const block: Block = {
  id: 'C',
  name: 'Authorization',
  handlers: {
    // [C11] clear the Authorization Cache; Rejected when the cache is disabled.
    ClearCache: (st) => {
      if (!st.bool('AuthCacheCtrlr', 'Enabled', false)) return { status: 'Rejected' };
      st.auth.clearCache();
      return { status: 'Accepted' };
    },
  },
};
