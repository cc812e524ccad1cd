// Records of the Store for id tokens and local authorization lists (C, D): split from records.ts, which
// re-exports them, so `import type * as R from './records.ts'` still finds every record type.
import type { AuthorizationData, AuthorizationStatusEnumType, IdTokenType, MessageContentType } from '@chargewire/ocpp/types';
import type { Timestamp } from './records.ts';

export interface IdTokenInput {
  idToken: string;
  type: string;
  status: AuthorizationStatusEnumType;
  expiryDate?: Timestamp;
  groupIdToken?: IdTokenType;
  language1?: string;
  language2?: string;
  personalMessage?: MessageContentType;
  /** Concurrent transactions allowed for this token (ConcurrentTx beyond it); absent = unlimited. */
  maxActiveTransactions?: number;
  /** Only valid on these EVSE ids (NotAllowedTypeEVSE elsewhere); absent = all. At a station named in `evses`, that entry wins. */
  evseIds?: number[];
  /** Only valid at these stations (NotAtThisLocation elsewhere); absent = every station, [] = none. */
  stationIds?: string[];
  /** Per-station EVSE subsets: at a station named here only its evseIds are allowed ([] = NotAtThisLocation there). */
  evses?: IdTokenEvseRestriction[];
  /** Not valid before this instant (ISO 8601 date-time): NotAtThisTime until then. */
  validFrom?: string;
  /** Weekly windows in an IANA time zone; outside every window the token is NotAtThisTime. */
  schedule?: IdTokenSchedule;
  chargingPriority?: number;
  /** Master pass (C16). */
  masterPass?: boolean;
  /** Hash of the PIN for KeyCode tokens (C04), never the PIN itself. */
  pinHash?: string;
}

export type Weekday = 'Sun' | 'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat';

export interface IdTokenEvseRestriction {
  stationId: string;
  evseIds: number[];
}

/**
 * A weekly window in local wall-clock time: on each of `days`, from `from` (inclusive) to `to` (exclusive),
 * both "HH:MM"; `to` may be "24:00". A window with `to` before `from` is overnight: it starts on the listed
 * day and ends on the next one. `from` equal to `to` is refused (use 00:00–24:00 for a whole day).
 */
export interface IdTokenTimeWindow {
  days: Weekday[];
  from: string;
  to: string;
}

export interface IdTokenSchedule {
  /** IANA time zone name, e.g. Europe/Amsterdam (anything Intl.DateTimeFormat accepts). */
  timeZone: string;
  windows: IdTokenTimeWindow[];
}

export interface IdTokenRecord extends Omit<IdTokenInput, 'expiryDate'> {
  expiryDate?: string;
  updatedAt: string;
}

export interface IdTokenFilter {
  /** Case-insensitive substring of the token. */
  search?: string;
  type?: string;
  status?: AuthorizationStatusEnumType;
  limit: number;
  offset: number;
}

export interface LocalList {
  /** 0 when the station has no list. */
  version: number;
  entries: AuthorizationData[];
  updatedAt?: string;
}

