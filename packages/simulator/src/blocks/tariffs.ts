// I — Tariff and cost, station side, OCPP 2.1 local cost calculation: default tariffs per EVSE (I07
// SetDefaultTariff), GetTariffs (I09), ClearTariffs (I10), the driver-specific tariff of an AuthorizeResponse
// (I08), ChangeTransactionTariff (I11). Tariffs are kept in <dataDir>/tariffs.json (I07.FR.13), like the station's
// other state files; without a dataDir in memory only. The calculation per transaction (I12, E16.FR.16) is in
// ../tariff-tx.ts, the calculator in ../tariff-cost.ts. OCPP 2.0.1 has none of these messages: the endpoint
// answers them NotImplemented, and no tariff is ever taken (2.0.1 behaviour is unchanged: central cost only).
import { join } from 'node:path';
import { RpcError, type OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import { sameIdToken, type IdToken } from '../evse.ts';
import type { Station } from '../station.ts';
import { readJsonIfExists, writeFileAtomic } from '../device-model/persistence.ts';
import { checkTariff, type TariffCheck } from '../tariff-cost.ts';
import { changeTransactionTariff, onTxEvent, txTariff } from '../tariff-tx.ts';
import { notifyHardWired } from '../notify-event.ts';

type Tariff = OcppTypes.TariffType;
const CTRLR = 'TariffCostCtrlr';

interface Installed { evseId: number; tariff: Tariff; installedAt: number }
/** A driver-specific tariff (I08), or `central` when it could not be processed and HandleFailedTariff = CentralCost. */
interface DriverTariff { idToken: IdToken; tariff?: Tariff; central?: true; receivedAt: number }
interface Store { defaults: Installed[]; drivers: DriverTariff[]; reservedAt: Map<number, number>; file?: string }

const stores = new WeakMap<Station, Store>();
function store(st: Station): Store {
  let s = stores.get(st);
  if (!s) {
    s = { defaults: [], drivers: [], reservedAt: new Map(), ...(st.opts.dataDir ? { file: join(st.opts.dataDir, 'tariffs.json') } : {}) };
    stores.set(st, s);
  }
  return s;
}
function save(st: Station): void {
  const s = store(st);
  if (s.file) writeFileAtomic(s.file, JSON.stringify({ defaults: s.defaults, drivers: s.drivers }));
}

export const is21 = (st: Station): boolean => (st.version ?? st.lastVersion ?? st.opts.versions?.[0] ?? '2.1') === '2.1';
const flag = (st: Station, variable: string, instance: string): boolean => st.str(CTRLR, variable, 'false', instance) === 'true';
/** TariffCostCtrlr.Enabled[Tariff]: the station takes TariffType tariffs. */
export const tariffsEnabled = (st: Station): boolean => is21(st) && flag(st, 'Enabled', 'Tariff');
/** Local cost calculation from a tariff: Enabled[Tariff] and Enabled[Cost] (Part 2 appendix TariffEnabled / CostEnabled). */
export const localCostEnabled = (st: Station): boolean => tariffsEnabled(st) && flag(st, 'Enabled', 'Cost');

export function validate(st: Station, t: Tariff): TariffCheck {
  const max = st.num(CTRLR, 'MaxElements', Number.NaN, 'Tariff');
  return checkTariff(t, { conditionsSupported: flag(st, 'ConditionsSupported', 'Tariff'), ...(Number.isFinite(max) ? { maxElements: max } : {}) });
}

const validAt = (i: Installed, now: number): boolean => i.tariff.validFrom === undefined || Date.parse(i.tariff.validFrom) <= now;

/**
 * The default tariff in force at an EVSE now. [I07.FR.19] not before its validFrom; [I07.FR.20] [I07.FR.21] a valid
 * tariff with a (later) validFrom replaces one without (or with an earlier one); [I07.FR.23] one that is not yet valid
 * stays. The replaced ones are removed; [I07.FR.24] a transaction keeps the tariff it started with (tariff-tx.ts).
 */
export function defaultTariffFor(st: Station, evseId: number, now = st.clock.now()): Tariff | undefined {
  const s = store(st);
  const valid = s.defaults.filter((i) => i.evseId === evseId && validAt(i, now));
  if (!valid.length) return undefined;
  const key = (i: Installed): number => (i.tariff.validFrom === undefined ? Number.NEGATIVE_INFINITY : Date.parse(i.tariff.validFrom));
  const best = valid.reduce((a, b) => (key(b) > key(a) || (key(b) === key(a) && b.installedAt >= a.installedAt) ? b : a));
  if (valid.length > 1) {
    s.defaults = s.defaults.filter((i) => !valid.includes(i) || i === best);
    save(st);
  }
  return best.tariff;
}

/** [I08.FR.04] the driver-specific tariff received for this idToken (or CentralCost after a failed one, I08.FR.33). */
export function driverTariffFor(st: Station, idToken: IdToken): DriverTariff | undefined {
  return store(st).drivers.find((d) => sameIdToken(d.idToken, idToken));
}

/** [I08.FR.06] the transaction that used a driver-specific tariff ended: remove it unless another EVSE still uses it. */
export function releaseDriverTariff(st: Station, idToken: IdToken, endedEvseId: number): void {
  const s = store(st);
  const d = driverTariffFor(st, idToken);
  if (!d) return;
  const elsewhere = st.evses.some((e) => e.id !== endedEvseId && ((e.auth && sameIdToken(e.auth.idToken, idToken)) || (e.tx?.authorizedBy && sameIdToken(e.tx.authorizedBy, idToken))));
  if (elsewhere) return;
  s.drivers = s.drivers.filter((x) => x !== d);
  save(st);
}

/** [I08.FR.07] a driver tariff is in use from its AuthorizeResponse until the EV connection timeout or the end of its transaction. */
function pruneDrivers(st: Station): void {
  const s = store(st);
  const timeout = st.num('TxCtrlr', 'EVConnectionTimeOut', 120) * 1000;
  const inUse = (d: DriverTariff): boolean => st.clock.now() - d.receivedAt < timeout
    || st.evses.some((e) => (e.auth && sameIdToken(e.auth.idToken, d.idToken)) || (e.tx?.authorizedBy && sameIdToken(e.tx.authorizedBy, d.idToken)));
  const keep = s.drivers.filter(inUse);
  if (keep.length !== s.drivers.length) { s.drivers = keep; save(st); }
}

/** ReserveNow time of a reservation (I12.FR.07: reservation time runs from the ReserveNowRequest). */
export const reservedAt = (st: Station, reservationId: number): number | undefined => store(st).reservedAt.get(reservationId);

/** [I08.FR.30] [I08.FR.31] [I08.FR.35] [I08.FR.36] [I12.FR.43] [I12.FR.44] TariffCostCtrlr.Problem, reported with a NotifyEvent (no monitors installed). */
export function setProblem(st: Station, problem: boolean, techCode?: string): void {
  const value = String(problem);
  if (st.str(CTRLR, 'Problem', 'false') === value) return;
  try { st.dm.setInternal({ name: CTRLR }, { name: 'Problem' }, value); } catch { /* not modelled */ }
  notifyHardWired(st, [{ trigger: 'Alerting', actualValue: value, component: { name: CTRLR }, variable: { name: 'Problem' }, ...(techCode ? { techCode } : {}) }]);
}

const TECH_CODE: Record<string, string> = { TooManyElements: 'TooManyElements', ConditionNotSupported: 'UnsupportedParam', Rejected: 'InvalidValue' };

/** I08: an AuthorizeResponse (2.1) that accepts the idToken and carries a tariff. */
/** AuthorizeResponses refused locally because their driver tariff failed: the idTokenInfo the CSMS sent. */
const csmsVerdicts = new WeakMap<OcppTypes.AuthorizeResponse, OcppTypes.IdTokenInfoType>();
/** The idTokenInfo the CSMS sent in `resp`, before a local refusal (I08.FR.31): what the authorization cache stores. */
export const csmsVerdict = (resp: OcppTypes.AuthorizeResponse): OcppTypes.IdTokenInfoType => csmsVerdicts.get(resp) ?? resp.idTokenInfo;

function onAuthorizeResponse(st: Station, req: OcppTypes.AuthorizeRequest, resp: OcppTypes.AuthorizeResponse): void {
  if (!resp.tariff || resp.idTokenInfo.status !== 'Accepted' || !localCostEnabled(st)) return;
  const s = store(st);
  s.drivers = s.drivers.filter((d) => !sameIdToken(d.idToken, req.idToken));
  const check = validate(st, resp.tariff);
  if (check.status === 'Accepted') {
    // [I08.FR.04] for the transaction of this idToken; [I08.FR.10] a validFrom is ignored.
    const { validFrom: _ignored, ...tariff } = resp.tariff;
    s.drivers.push({ idToken: req.idToken, tariff, receivedAt: st.clock.now() });
    save(st);
    setProblem(st, false); // [I08.FR.35] [I08.FR.36]
    return;
  }
  setProblem(st, true, TECH_CODE[check.status]); // [I08.FR.30] [I08.FR.31]
  switch (st.str(CTRLR, 'HandleFailedTariff', 'UseDefaultTariff', 'Tariff')) {
    // [I08.FR.31] (Deauthorize) the idToken is not authorized for charging: the verdict the authorization code reads
    // (blocks/authorization.ts authorizeToken) is this very response, so it is turned into a refusal here; the
    // authorization cache keeps the CSMS's own verdict (csmsVerdict), the token itself is not invalid.
    case 'Deauthorize':
      csmsVerdicts.set(resp, resp.idTokenInfo);
      resp.idTokenInfo = { ...resp.idTokenInfo, status: 'Invalid' };
      break;
    // [I08.FR.33] authorize, no local cost calculation: the CSMS calculates the cost (E16.FR.15 for maxCost).
    case 'CentralCost': s.drivers.push({ idToken: req.idToken, central: true, receivedAt: st.clock.now() }); save(st); break;
    default: break; // [I08.FR.32] UseDefaultTariff: as if no tariff had been sent
  }
}

function assignments(st: Station, evseId: number): OcppTypes.TariffAssignmentType[] {
  const s = store(st);
  const evses = evseId === 0 ? st.evses : st.evses.filter((e) => e.id === evseId);
  for (const e of evses) defaultTariffFor(st, e.id); // drop replaced tariffs first
  pruneDrivers(st);
  const out = new Map<string, OcppTypes.TariffAssignmentType>();
  const entry = (t: Tariff, kind: OcppTypes.TariffKindEnumType): OcppTypes.TariffAssignmentType => {
    let a = out.get(`${kind}|${t.tariffId}`);
    if (!a) { a = { tariffId: t.tariffId, tariffKind: kind, ...(t.validFrom ? { validFrom: t.validFrom } : {}) }; out.set(`${kind}|${t.tariffId}`, a); }
    return a;
  };
  const addEvse = (a: OcppTypes.TariffAssignmentType, id: number): void => { if (!a.evseIds?.includes(id)) a.evseIds = [...(a.evseIds ?? []), id]; };
  const addToken = (a: OcppTypes.TariffAssignmentType, t: IdToken): void => { if (!a.idTokens?.includes(t.idToken)) a.idTokens = [...(a.idTokens ?? []), t.idToken]; };
  // [I09.FR.04] [I09.FR.07] default tariffs with the EVSEs they are installed at and their validFrom.
  for (const i of s.defaults) if (evses.some((e) => e.id === i.evseId)) addEvse(entry(i.tariff, 'DefaultTariff'), i.evseId);
  // [I09.FR.05] [I09.FR.06] driver tariffs with their idTokens, and the EVSE of a transaction that uses one.
  if (evseId === 0) for (const d of s.drivers) if (d.tariff) addToken(entry(d.tariff, 'DriverTariff'), d.idToken);
  for (const e of evses) {
    const used = txTariff(e);
    if (used?.kind !== 'DriverTariff') continue;
    const a = entry(used.tariff, 'DriverTariff');
    addEvse(a, e.id);
    if (e.tx?.authorizedBy) addToken(a, e.tx.authorizedBy);
  }
  return [...out.values()];
}

const notSupported = (st: Station): void => {
  if (!is21(st)) throw new RpcError('NotImplemented', 'tariffs are OCPP 2.1');
  // [I07.FR.01] [I11.FR.01] no local cost calculation: NotSupported.
  if (!tariffsEnabled(st)) throw new RpcError('NotSupported', 'TariffCostCtrlr.Enabled[Tariff] is false');
};

export const block: Block = {
  id: 'I',
  name: 'Tariff and cost',
  // [I07.FR.32] [I08.FR.22] tariffId, [I12.FR.01] [I12.FR.02] costDetails (2.1 local cost, tariff-tx.ts); after the
  // reservation block (BLOCKS order): the reservation time counts for the cost (I12.FR.06).
  decorateTxEvent: onTxEvent,
  handlers: {
    SetDefaultTariff: (st, req) => {
      notSupported(st);
      // [I07.FR.06] an EVSE that does not exist.
      if (req.evseId > st.evses.length) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownEVSE' } };
      const check = validate(st, req.tariff);
      // [I07.FR.05] invalid structure; [I07.FR.02] more elements than MaxElements[Tariff]; [I07.FR.03] conditions unsupported.
      if (check.status === 'Rejected') return { status: 'Rejected', statusInfo: { reasonCode: 'InvalidValue', additionalInfo: check.reason.slice(0, 1024) } };
      if (check.status !== 'Accepted') return { status: check.status };
      const s = store(st);
      const now = st.clock.now();
      // [I07.FR.04] a tariffId already present (installed, received for a driver, or in use).
      const present = [...s.defaults.map((i) => i.tariff), ...s.drivers.flatMap((d) => (d.tariff ? [d.tariff] : [])), ...st.evses.flatMap((e) => { const u = txTariff(e); return u ? [u.tariff] : []; })];
      if (present.some((t) => t.tariffId === req.tariff.tariffId)) return { status: 'DuplicateTariffId' };
      // [I07.FR.10] [I07.FR.11] at EVSE evseId; [I07.FR.12] evseId 0: at each EVSE.
      for (const e of req.evseId === 0 ? st.evses : [st.evse(req.evseId)]) {
        // [I07.FR.22] a tariff without validFrom replaces the one in force (a not yet valid one stays, I07.FR.20).
        if (req.tariff.validFrom === undefined) s.defaults = s.defaults.filter((i) => i.evseId !== e.id || !validAt(i, now));
        s.defaults.push({ evseId: e.id, tariff: req.tariff, installedAt: now });
      }
      save(st); // [I07.FR.13]
      return { status: 'Accepted' };
    },
    GetTariffs: (st, req) => {
      notSupported(st);
      if (req.evseId > st.evses.length) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownEVSE' } };
      const list = assignments(st, req.evseId);
      // [I09.FR.01] [I09.FR.02] Accepted with the assignments; [I09.FR.03] NoTariff without.
      return list.length ? { status: 'Accepted', tariffAssignments: list } : { status: 'NoTariff' };
    },
    ClearTariffs: (st, req) => {
      notSupported(st);
      const s = store(st);
      // I10: only default tariffs; driver tariffs go when no longer in use (I08.FR.06). [I10.FR.01] all; [I10.FR.02]
      // those in tariffIds; [I10.FR.03] those at evseId; [I10.FR.05] both filters.
      const hit = (i: Installed): boolean => (!req.tariffIds || req.tariffIds.includes(i.tariff.tariffId)) && (!req.evseId || i.evseId === req.evseId);
      const cleared = [...new Set(s.defaults.filter(hit).map((i) => i.tariff.tariffId))];
      if (!cleared.length) return { clearTariffsResult: [{ status: 'NoTariff' }] }; // [I10.FR.06]
      s.defaults = s.defaults.filter((i) => !hit(i));
      save(st);
      // [I10.FR.07] a transaction that uses a cleared tariff keeps it (tariff-tx.ts holds its own copy).
      return { clearTariffsResult: cleared.map((tariffId) => ({ tariffId, status: 'Accepted' as const })) };
    },
    ChangeTransactionTariff: (st, req) => {
      notSupported(st);
      return changeTransactionTariff(st, req);
    },
  },
  init: (st) => {
    const s = store(st);
    const saved = s.file ? (readJsonIfExists(s.file) as { defaults?: Installed[]; drivers?: DriverTariff[] } | undefined) : undefined;
    s.defaults = Array.isArray(saved?.defaults) ? saved.defaults : [];
    s.drivers = Array.isArray(saved?.drivers) ? saved.drivers : [];
    st.on('sent', (m) => {
      if (m.action === 'Authorize' && m.response && is21(st)) onAuthorizeResponse(st, m.payload as OcppTypes.AuthorizeRequest, m.response as OcppTypes.AuthorizeResponse);
    });
    st.on('request', (m) => {
      const res = m.response as { status?: string } | undefined;
      if (m.action === 'ReserveNow' && res?.status === 'Accepted') s.reservedAt.set((m.payload as OcppTypes.ReserveNowRequest).id, st.clock.now());
    });
  },
};
