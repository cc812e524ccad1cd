// Options, events and the link abstraction of a simulated charging station.
import type { EventEmitter } from 'node:events';
import type { OcppClientOptions, OcppEndpoint, OcppVersion, Handler, Action, OcppTypes } from '@chargewire/ocpp';
import type { Clock } from './clock.ts';
import type { ConnectorStatus } from './evse.ts';
import type { PaymentOptions } from './payment-terminal.ts';

export interface ConnectorOptions { type?: string; maxPowerW?: number }
export interface EvseOptions {
  maxPowerW?: number;
  connectors?: ConnectorOptions[];
  /** AC phases of the EVSE and its meter, 1 or 3 (default 3): per-phase meter values (J01.FR.10). */
  phases?: 1 | 3;
}

/** How the station reaches the CSMS: an OcppClient (WebSocket) or a MemoryLink in tests. */
export interface StationLink extends Pick<EventEmitter, 'on' | 'off'> {
  readonly endpoint: OcppEndpoint | undefined;
  handle<A extends Action>(action: A, fn: Handler<A>): unknown;
  connect(): Promise<unknown>;
  close(code?: number, reason?: string): Promise<void>;
  drop(): void;
}

export interface StationOptions {
  identity: string;
  vendorName?: string;
  model?: string;
  serialNumber?: string;
  firmwareVersion?: string;
  /** Default: one EVSE with one Type 2 connector of 22 kW. */
  evses?: EvseOptions[];
  /** CSMS OCPP-J endpoint, e.g. ws://localhost:9000/ocpp (the identity is appended). */
  url?: string;
  /** Basic auth password (security profiles 1 and 2). */
  password?: string;
  versions?: OcppVersion[];
  /** 1: ws + Basic, 2: wss + Basic, 3: wss + client certificate. Reported in SecurityCtrlr.SecurityProfile. */
  securityProfile?: 1 | 2 | 3;
  tls?: OcppClientOptions['tls'];
  /** Directory for the device model, auth list/cache, station state and the offline queue. */
  dataDir?: string;
  clock?: Clock;
  /** A custom link (tests); default: an OcppClient built from url/password/tls. */
  link?: StationLink;
  /** Device model overrides in shortcut notation, e.g. { 'TxCtrlr.TxStartPoint': 'EVConnected' }. */
  variables?: Record<string, string>;
  /** Default EV demand in W when one plugs in (default 11000). */
  evPowerW?: number;
  /** Answer for incoming DataTransfer (P01); default UnknownVendorId. */
  dataTransfer?: (req: OcppTypes.DataTransferRequest) => OcppTypes.DataTransferResponse | Promise<OcppTypes.DataTransferResponse>;
  /** The station has a main (grid) meter: clock-aligned MeterValues for evseId 0 as well (J01.FR.03, J01.FR.04). */
  mainMeter?: boolean;
  /** How many meterValue elements fit in one TransactionEvent(Ended) (J02.FR.20; default 200). */
  maxEndedMeterValues?: number;
  /**
   * How many sampled values fit in one MeterValuesRequest / TransactionEvent(Updated); a reading with more is sent in
   * several messages with the same timestamp (J01.FR.15, J02.FR.14). Default: no limit.
   */
  maxSampledValuesPerMessage?: number;
  /**
   * How many transaction messages the station can keep while offline ("low on memory"): beyond it, queued
   * Updated(MeterValuePeriodic / MeterValueClock) events are dropped, intermediate ones first (J02.FR.12,
   * J02.FR.13). Default: no limit (the queue is on disk).
   */
  maxQueuedTransactionEvents?: number;
  /** While the CSMS has Rejected the station, close the connection until the next BootNotification is due (B03.FR.04). */
  closeWhileRejected?: boolean;
  /** Delay before reconnecting after a Reset (ms, default 10). */
  rebootDelayMs?: number;
  callTimeoutMs?: number;
  /** permessage-deflate on the WebSocket (default true; swarms turn it off). */
  compression?: boolean;
  /**
   * What happened while the station was down, for the transactions it finds on restart (E17): `cause`
   * 'Fault' (software fault, watchdog) ends them with stoppedReason Reboot instead of PowerLoss (E17.FR.22);
   * `evDeparted` lists EVSEs whose EV was unplugged meanwhile (E17.FR.16, E17.FR.17).
   */
  interruption?: { cause?: 'PowerLoss' | 'Fault'; evDeparted?: number[] };
  /** OCPP 2.1 ad hoc payments (C18–C25): an integrated payment terminal (PaymentCtrlr) and/or a dynamic QR code (WebPaymentsCtrlr). */
  payments?: PaymentOptions;
}

export type Registration = 'Unknown' | 'Booting' | 'Pending' | 'Rejected' | 'Accepted';

export interface StationEvents {
  connected: [{ version: OcppVersion }];
  disconnected: [{ code: number; reason: string }];
  registration: [{ status: Registration; interval: number }];
  status: [{ evseId: number; connectorId: number; status: ConnectorStatus }];
  transactionEvent: [OcppTypes.TransactionEventRequest];
  request: [{ action: string; payload: unknown; response?: unknown; error?: string }];
  sent: [{ action: string; payload: unknown; response?: unknown; error?: Error; latencyMs: number }];
  reboot: [{ reason: string }];
  failure: [Error];
}

export interface EvseSnapshot {
  id: number;
  connectors: { id: number; type: string; maxPowerW: number; status: ConnectorStatus }[];
  plugged?: number;
  idToken?: string;
  powerW: number;
  energyWh: number;
  chargingState: string;
  transactionId?: string;
  seqNo?: number;
  operative: boolean;
}

export interface StationSnapshot {
  identity: string;
  connected: boolean;
  version?: OcppVersion;
  registration: Registration;
  operative: boolean;
  queued: number;
  localListVersion: number;
  evses: EvseSnapshot[];
}
