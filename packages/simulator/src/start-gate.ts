// The one gate of the entry points that authorize a driver or start a transaction at an EVSE: an idToken presented at
// the station (blocks/authorization.ts presentToken, also a payment card's PspRef, blocks/payments.ts), the start
// button (pressStartButton) and RequestStartTransaction (blocks/remote-control.ts). Each path asks startRefusal()
// before it authorizes; where the specification gives a path its own rule, `origin` says which one applies.
import { connectorStatus, faultedForEv, sameIdToken, type EvseState, type IdToken } from './evse.ts';
import type { Station } from './station.ts';
import { reservationFor } from './blocks/reservation.ts';
import { webPaymentPending } from './blocks/payments.ts';

/** Who asks: the driver at the station (an idToken, a payment card, the start button) or the CSMS (RequestStartTransaction). */
export type StartOrigin = 'local' | 'remote';
export type StartRefusal = 'Unavailable' | 'Faulted' | 'Occupied' | 'WebPaymentPending' | 'Reserved';

/** [C01.FR.23] a transaction that was authorized by another token (and lost it) is not re-authorized by this one. */
export const lockedTo = (e: EvseState, t: IdToken | undefined): boolean => !!e.tx?.authorizedBy && !sameIdToken(e.tx.authorizedBy, t);

/**
 * [F01.FR.23] [F02.FR.25] [G03.FR.06] [G04.FR.07] an Unavailable EVSE: the station or the EVSE Inoperative, or none of
 * its connectors usable (all Unavailable, except the one an EV is plugged into). G04: an Inoperative station "does not
 * allow any charging".
 */
export function evseUnavailable(st: Station, evse: EvseState): boolean {
  return !st.operative || !evse.operative
    || evse.connectors.every((c) => connectorStatus(evse, c, st.operative) === 'Unavailable' && evse.plugged !== c.id);
}

/** What startRefusal checks the reservations with; absent: the caller claims the reservation itself, after authorizing. */
export interface ReservationCheck { groupIdToken?: IdToken }

/**
 * May `idToken` be authorized, and a transaction start, at `evse` now? undefined: yes; otherwise why not.
 * - Unavailable: [F01.FR.23] [F02.FR.25] (remote), G03/G04 (an Inoperative EVSE or station offers no charging, local too).
 * - Faulted: [F01.FR.23] [F02.FR.25]; a Faulted connector is not available for energy delivery (ConnectorStatusEnumType,
 *   connector-fault.ts): the EV's connector, or without an EV all of them.
 * - Occupied: an authorization is active ([F01.FR.24] [F02.FR.26]: the EVSE's transaction is authorized now; one whose
 *   authorization ended, e.g. by EVConnectionTimeout [F02.FR.08], may be claimed by a new remote start, F01.FR.13);
 *   local only, [C01.FR.23]: the transaction was authorized by another idToken (`idToken` undefined: a payment card
 *   before its PspRef is known, any other).
 * - WebPaymentPending: local only. [C25.FR.22] a NotifyWebPaymentStarted holds the EVSE against local interactions
 *   "for as long as timeout seconds or until a RequestStartTransactionRequest is received": a remote start is not
 *   refused by the hold, it ends it (blocks/payments.ts).
 * - Reserved, when `reservation` is given: [H03.FR.01]..[H03.FR.06] [F01.FR.21] [F01.FR.22] [F02.FR.23] [F02.FR.24]
 *   an EVSE held for a reservation of another idToken and groupIdToken. A locally presented idToken learns its
 *   groupIdToken only from the authorization ([H03.FR.07] [H03.FR.08]): it passes no `reservation` and claims the
 *   reservation after the decision (reservation.claimReservation). Without an idToken (a payment card before its
 *   PspRef): the EVSE reports Reserved.
 */
export function startRefusal(st: Station, evse: EvseState, origin: StartOrigin, idToken?: IdToken, reservation?: ReservationCheck): StartRefusal | undefined {
  if (evseUnavailable(st, evse)) return 'Unavailable';
  if (faultedForEv(evse)) return 'Faulted';
  if (evse.auth || (origin === 'local' && lockedTo(evse, idToken))) return 'Occupied';
  if (origin === 'local' && webPaymentPending(st, evse)) return 'WebPaymentPending';
  if (reservation && (idToken ? reservationFor(st, evse, idToken, reservation.groupIdToken) === null : evse.reserved === true)) return 'Reserved';
  return undefined;
}
