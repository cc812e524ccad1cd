// H — Reservation, station side: ReserveNow (H01), CancelReservation (H02), using a reserved EVSE (H03, called
// from the authorization and remote start paths), a reservation that ends unused (H04), and the connector status
// Reserved (EvseState.reserved, see evse.connectorStatus). Reservations are persisted in <dataDir>/reservations.json
// like the station's other state files (B01.FR.13, B11.FR.05); without a dataDir they live in memory only.
import { join } from 'node:path';
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { TimerHandle } from '../clock.ts';
import { evseFaulted, sameIdToken as same, type EvseState, type IdToken } from '../evse.ts';
import { readJsonIfExists, writeFileAtomic } from '../device-model/persistence.ts';
import type { Station } from '../station.ts';
import { reportStatuses } from './availability.ts';

type Status = OcppTypes.ReserveNowStatusEnumType;
type UpdateStatus = OcppTypes.ReservationUpdateStatusEnumType;

export interface Reservation {
  id: number;
  expiryDateTime: string;
  idToken: IdToken;
  groupIdToken?: IdToken;
  evseId?: number;
  connectorType?: string;
}

interface Store {
  list: Reservation[];
  timers: Map<number, TimerHandle>;
  /** ReservationStatusUpdates that could not be sent yet (offline, not Accepted). */
  pending: OcppTypes.ReservationStatusUpdateRequest[];
  file?: string;
  syncing: boolean;
  /** Bumped on every change of `list`. */
  rev: number;
  /** What syncReservations last judged (inputsKey): unchanged, it has nothing to do. */
  synced?: string;
}

const stores = new WeakMap<Station, Store>();
function store(st: Station): Store {
  let s = stores.get(st);
  if (!s) {
    s = { list: [], timers: new Map(), pending: [], syncing: false, rev: 0, ...(st.opts.dataDir ? { file: join(st.opts.dataDir, 'reservations.json') } : {}) };
    stores.set(st, s);
  }
  return s;
}

/** The reservations the station holds (a copy). */
export function reservations(st: Station): Reservation[] { return store(st).list.map((r) => ({ ...r })); }

/** [H03.FR.01]..[H03.FR.06] the reservation's idToken, or its groupIdToken when it has one. */
const matches = (r: Reservation, idToken: IdToken, group?: IdToken): boolean => same(r.idToken, idToken) || (!!r.groupIdToken && same(r.groupIdToken, group));

/** An EVSE nobody can use: station, EVSE or all its connectors inoperative (G03/G04) or Faulted (connector-fault.ts). */
function unavailable(st: Station, e: EvseState): boolean {
  return !st.operative || !e.operative || e.connectors.every((c) => !c.operative || c.faulted);
}
/** The EVSEs a reservation may be met on: its EVSE, those with its connector type, or any. */
function targets(st: Station, r: Reservation): EvseState[] {
  return st.evses.filter((e) => (r.evseId === undefined || e.id === r.evseId) && (r.connectorType === undefined || e.connectors.some((c) => c.type === r.connectorType)));
}
/** In use by a driver: authorized, or a transaction that was authorized. A plugged-in EV alone does not claim it (G01.FR.09). */
const inUse = (e: EvseState): boolean => e.auth !== undefined || e.tx?.authorizedBy !== undefined;
/** Free for a new reservation: available, no EV, no authorization, no transaction. */
const free = (st: Station, e: EvseState): boolean => !unavailable(st, e) && e.plugged === undefined && !e.auth && !e.tx;

/** Each reservation without an EVSE gets a distinct EVSE of `pool` among its targets (bipartite matching). */
function satisfiable(st: Station, floating: Reservation[], pool: EvseState[]): boolean {
  const owner = new Map<number, number>(); // evse id -> index in floating
  const place = (i: number, seen: Set<number>): boolean => {
    for (const e of targets(st, floating[i]!)) {
      if (!pool.includes(e) || seen.has(e.id)) continue;
      seen.add(e.id);
      const j = owner.get(e.id);
      if (j === undefined || place(j, seen)) { owner.set(e.id, i); return true; }
    }
    return false;
  };
  return floating.every((_, i) => place(i, new Set()));
}

/** EVSEs that reservations without an EVSE may still take: usable, not reserved by id, not in use. */
function pool(st: Station, list: Reservation[], strict: boolean): EvseState[] {
  return st.evses.filter((e) => !list.some((r) => r.evseId === e.id) && (strict ? free(st, e) : !unavailable(st, e) && !inUse(e)));
}

/**
 * Which EVSEs report Reserved: [H01.FR.23] one reserved by id; [H01.FR.20] [H01.FR.24] one that the reservations
 * without an EVSE (any / a connector type) need, i.e. as many such EVSEs are left as there are reservations.
 */
function computeFlags(st: Station): EvseState[] {
  const { list } = store(st);
  const floating = list.filter((r) => r.evseId === undefined);
  const p = pool(st, list, false);
  const changed: EvseState[] = [];
  for (const e of st.evses) {
    const reserved = list.some((r) => r.evseId === e.id) || (p.includes(e) && floating.length > 0 && !satisfiable(st, floating, p.filter((x) => x !== e)));
    if ((e.reserved ?? false) !== reserved) {
      if (reserved) e.reserved = true; else delete e.reserved;
      changed.push(e);
    }
  }
  return changed;
}

function save(st: Station): void {
  const s = store(st);
  s.rev++;
  if (s.file) writeFileAtomic(s.file, JSON.stringify(s.list));
}

function arm(st: Station, r: Reservation): void {
  const s = store(st);
  st.clock.clearTimeout(s.timers.get(r.id));
  // [H04] the reservation ends when its expiryDateTime is reached.
  s.timers.set(r.id, st.clock.setTimeout(() => expire(st, r.id), Math.max(0, Date.parse(r.expiryDateTime) - st.clock.now())));
}

function remove(st: Station, id: number): Reservation | undefined {
  const s = store(st);
  const i = s.list.findIndex((r) => r.id === id);
  if (i < 0) return undefined;
  const [r] = s.list.splice(i, 1);
  st.clock.clearTimeout(s.timers.get(id));
  s.timers.delete(id);
  save(st);
  return r;
}

/** Recompute the Reserved flags and report the connectors whose status changed (all EVSEs). */
function refreshAll(st: Station): void {
  computeFlags(st);
  for (const e of st.evses) reportStatuses(st, e, false);
}

/** Send a ReservationStatusUpdate after the status notifications of this change; queued while not registered. */
function update(st: Station, reservationId: number, status: UpdateStatus): void {
  store(st).pending.push({ reservationId, reservationUpdateStatus: status });
  setImmediate(() => flush(st));
}

function flush(st: Station): void {
  const s = store(st);
  if (!st.connected || st.registration !== 'Accepted') return;
  for (const req of s.pending.splice(0)) {
    // NoTransaction exists in 2.1 only.
    if (req.reservationUpdateStatus === 'NoTransaction' && st.version !== '2.1') continue;
    void st.call('ReservationStatusUpdate', req);
  }
}

function expire(st: Station, id: number): void {
  // [H04.FR.02] charging is allowed again on the EVSE; [H04.FR.03] its connectors are reported Available;
  // [H04.FR.01] then ReservationStatusUpdate Expired.
  if (!remove(st, id)) return;
  refreshAll(st);
  update(st, id, 'Expired');
}

/**
 * Called before connector statuses are reported (availability.reportStatuses): [H01.FR.17] a reservation whose
 * targeted EVSEs all became Unavailable, or [H01.FR.16] Faulted (connector-fault.ts), is cancelled with
 * ReservationStatusUpdate Removed; then the Reserved flags are brought up to date and changed EVSEs reported.
 */
export function syncReservations(st: Station): void {
  const s = store(st);
  if (s.syncing || (!s.list.length && !st.evses.some((e) => e.reserved))) return; // nothing reserved: nothing to do
  // Nothing the reservations depend on changed since the last sync: the same result, skip the matching.
  const key = inputsKey(st, s);
  if (key === s.synced) return;
  s.syncing = true;
  try {
    for (const r of [...s.list]) {
      if (targets(st, r).every((e) => unavailable(st, e)) && remove(st, r.id)) update(st, r.id, 'Removed');
    }
    for (const e of computeFlags(st)) reportStatuses(st, e, false);
  } finally {
    s.syncing = false;
  }
  s.synced = inputsKey(st, s);
}

/**
 * What unavailable / free / inUse and the Reserved flags depend on: the reservations (rev), the station's
 * availability, per EVSE its availability, its connectors' availability and faults, the EV, the authorization,
 * the transaction and who authorized it, and the flag itself.
 */
function inputsKey(st: Station, s: Store): string {
  let key = `${s.rev}|${st.operative ? 1 : 0}`;
  for (const e of st.evses) {
    key += `|${e.operative ? 1 : 0}${e.plugged ?? '-'}${e.auth ? 1 : 0}${e.tx ? 1 : 0}${e.tx?.authorizedBy ? 1 : 0}${e.reserved ? 1 : 0}`;
    for (const c of e.connectors) key += `${c.operative ? 1 : 0}${c.faulted ? 1 : 0}`;
  }
  return key;
}

/** Load persisted reservations (B01.FR.13, B11.FR.05: Reserved again after a reboot) and arm their expiry. */
export function loadReservations(st: Station): void {
  const s = store(st);
  const saved = s.file ? readJsonIfExists(s.file) as Reservation[] | undefined : undefined;
  for (const r of Array.isArray(saved) ? saved : []) {
    // [H04.FR.01] expired while the station was down: gone, Expired is sent once registered.
    if (Date.parse(r.expiryDateTime) <= st.clock.now()) update(st, r.id, 'Expired');
    else { s.list.push(r); arm(st, r); }
  }
  s.rev++;
  if (s.pending.length) save(st);
  computeFlags(st);
  st.on('registration', ({ status }) => { if (status === 'Accepted') setImmediate(() => flush(st)); });
  st.on('connected', () => setImmediate(() => flush(st)));
}

/**
 * The reservation `idToken` (with `group`, its groupIdToken) uses when it starts at `evse`: a Reservation it claims,
 * undefined when no reservation is in the way, null when the EVSE is held for somebody else.
 */
export function reservationFor(st: Station, evse: EvseState, idToken: IdToken, group?: IdToken): Reservation | undefined | null {
  const { list } = store(st);
  const byId = list.find((r) => r.evseId === evse.id);
  // [H03.FR.01] [H03.FR.04] an EVSE reserved by id is for the reservation's idToken or groupIdToken only.
  if (byId) return matches(byId, idToken, group) ? byId : null;
  // [H03.FR.02] [H03.FR.03] [H03.FR.05] [H03.FR.06] a reservation for a connector type or any EVSE.
  const own = list.find((r) => r.evseId === undefined && matches(r, idToken, group) && targets(st, r).includes(evse));
  if (own) return own;
  // [H01.FR.07] [H01.FR.09] another driver may take this EVSE only if the reservations without an EVSE can still be met.
  const floating = list.filter((r) => r.evseId === undefined);
  return satisfiable(st, floating, pool(st, list, false).filter((e) => e !== evse)) ? undefined : null;
}

/** Among `candidates`: one where the token uses its reservation, else the first it may use, else the first. */
export function preferFor(st: Station, candidates: EvseState[], idToken: IdToken, group?: IdToken): EvseState | undefined {
  return candidates.find((e) => !!reservationFor(st, e, idToken, group))
    ?? candidates.find((e) => reservationFor(st, e, idToken, group) !== null) ?? candidates[0];
}

/**
 * The token (`group`: its groupIdToken from the authorization) starts at `evse`: false when the EVSE is held for
 * another reservation. A matching reservation is used: [H03.FR.09] consumed, [H03.FR.10] the connectors go back to
 * Available (or Occupied with a cable in), and its id goes into the next TransactionEvent (E01.FR.13, H01.FR.15).
 */
export function claimReservation(st: Station, evse: EvseState, idToken: IdToken, group?: IdToken): boolean {
  const r = reservationFor(st, evse, idToken, group);
  if (r === null) return false;
  if (!r) return true;
  remove(st, r.id);
  evse.reservationId = r.id;
  refreshAll(st);
  // [H03.FR.11] (2.1) no transaction within EVConnectionTimeOut: ReservationStatusUpdate NoTransaction.
  const s = st.num('TxCtrlr', 'EVConnectionTimeOut', 120);
  if (s > 0) {
    st.clock.setTimeout(() => {
      if (evse.reservationId !== r.id) return;
      delete evse.reservationId;
      update(st, r.id, 'NoTransaction');
    }, s * 1000);
  }
  return true;
}

function reserveNow(st: Station, req: OcppTypes.ReserveNowRequest): OcppTypes.ReserveNowResponse {
  // [H01.FR.01] not configured to accept reservations: Rejected.
  if (!st.bool('ReservationCtrlr', 'Available', true) || !st.bool('ReservationCtrlr', 'Enabled', true)) {
    return { status: 'Rejected', statusInfo: { reasonCode: 'NotEnabled' } };
  }
  // [H01.FR.18] [H01.FR.19] without evseId only when ReservationCtrlr.NonEvseSpecific is true (also with a connector type, H01.FR.06).
  if (req.evseId === undefined && !st.bool('ReservationCtrlr', 'NonEvseSpecific', false)) {
    return { status: 'Rejected', statusInfo: { reasonCode: 'UnsupportedParam', additionalInfo: 'NonEvseSpecific' } };
  }
  if (req.evseId !== undefined && !st.evses.some((e) => e.id === req.evseId)) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownEvse' } };
  const r: Reservation = {
    id: req.id, expiryDateTime: req.expiryDateTime, idToken: req.idToken,
    ...(req.groupIdToken ? { groupIdToken: req.groupIdToken } : {}), ...(req.evseId !== undefined ? { evseId: req.evseId } : {}),
    ...(req.connectorType !== undefined ? { connectorType: req.connectorType } : {}),
  };
  const wanted = targets(st, r);
  if (!wanted.length) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownConnectorType' } };
  // [H01.FR.02] a reservation with the same id is replaced: judge the new one without it.
  const others = store(st).list.filter((x) => x.id !== req.id);
  const status = judge(st, r, wanted, others);
  if (status !== 'Accepted') return { status };
  // [H01.FR.03] [H01.FR.04] [H01.FR.06] [H01.FR.23] Accepted; the Reserved statuses follow the response.
  const s = store(st);
  const replaced = s.list.length !== others.length;
  s.list = [...others, r];
  arm(st, r);
  save(st);
  st.afterResponse(() => {
    // A replaced reservation (TC_H_23_CS) reports its EVSE's Reserved connectors again, also when unchanged.
    if (replaced && r.evseId !== undefined) for (const c of st.evse(r.evseId).connectors) c.reported = undefined;
    refreshAll(st);
  });
  return { status: 'Accepted' };
}

/** Can `r` be held on top of `others`? Otherwise why not: [H01.FR.11] Occupied, [H01.FR.12] Faulted, [H01.FR.14] Unavailable. */
function judge(st: Station, r: Reservation, wanted: EvseState[], others: Reservation[]): Status {
  const floating = others.filter((x) => x.evseId === undefined);
  const ok = r.evseId !== undefined
    // [H01.FR.23] the EVSE is Available, [H01.FR.07] [H01.FR.09] and the reservations without an EVSE can still be met.
    ? free(st, wanted[0]!) && !others.some((x) => x.evseId === r.evseId) && satisfiable(st, floating, pool(st, [...others, r], false))
    // [H01.FR.04] [H01.FR.06] an Available EVSE (with the connector type) left for it next to the other reservations.
    : satisfiable(st, [...floating, r], pool(st, others, true));
  if (ok) return 'Accepted';
  // [H01.FR.12] all targeted EVSEs Faulted; [H01.FR.14] all Unavailable (or some of them Faulted); [H01.FR.11] otherwise
  // they are Reserved or Occupied.
  if (wanted.every(evseFaulted)) return 'Faulted';
  return wanted.every((e) => unavailable(st, e)) ? 'Unavailable' : 'Occupied';
}

export const block: Block = {
  id: 'H',
  name: 'Reservation',
  init: loadReservations,
  // [E01.FR.13] [E02.FR.03] [E03.FR.03] [F02.FR.06] [H01.FR.15] the next event after a reservation was used carries its id.
  decorateTxEvent: (_st, evse, ev) => {
    if (evse.reservationId !== undefined) { ev.reservationId = evse.reservationId; delete evse.reservationId; }
  },
  handlers: {
    ReserveNow: reserveNow,
    CancelReservation: (st, req) => {
      // [H02.FR.01] unknown reservationId: Rejected; [H02.FR.02] else the reservation is cancelled, [H02.FR.03]
      // [H02.FR.05] charging is allowed again and [H02.FR.04] [H02.FR.06] the connectors that were Reserved report
      // Available (no ReservationStatusUpdate: the CSMS asked for it).
      if (!remove(st, req.reservationId)) return { status: 'Rejected' };
      st.afterResponse(() => refreshAll(st));
      return { status: 'Accepted' };
    },
  },
};
