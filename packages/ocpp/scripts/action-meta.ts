// Facts about OCPP actions that the JSON schemas do not carry: who sends the request
// (direction) and which functional block's use cases own the action. Sources: OCPP 2.1
// Edition 1 Part 0 §3.3 (table of use cases) and Part 2 (use-case scenarios and the
// "PDU sent by ..." sentences of the message chapter). The comment names one owning use case.
// gen.ts fails if an action in the schemas has no row here, or a row has no schema.

export type MetaDirection = 'toCsms' | 'toStation' | 'both';
export type MetaBlock =
  | 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J'
  | 'K' | 'L' | 'M' | 'N' | 'O' | 'P' | 'Q' | 'R' | 'S';

/** Functional blocks, Part 0 §3.2. */
export const blockNames: Record<MetaBlock, string> = {
  A: 'Security',
  B: 'Provisioning',
  C: 'Authorization',
  D: 'Local Authorization List Management',
  E: 'Transactions',
  F: 'Remote Control',
  G: 'Availability',
  H: 'Reservation',
  I: 'Tariff and Cost',
  J: 'Metering',
  K: 'Smart Charging',
  L: 'Firmware Management',
  M: 'Certificate Management',
  N: 'Diagnostics',
  O: 'Display Message',
  P: 'Data Transfer',
  Q: 'Bidirectional Power Transfer',
  R: 'DER Control',
  S: 'Battery Swapping',
};

/** Actions sent with the SEND message type (no response schema). */
export const sendOnly: readonly string[] = ['NotifyPeriodicEventStream']; // N15

export const actionMeta: Record<string, readonly [MetaDirection, MetaBlock]> = {
  AFRRSignal: ['toStation', 'Q'], // Q08
  AdjustPeriodicEventStream: ['toStation', 'N'], // N14
  Authorize: ['toCsms', 'C'], // C01
  BatterySwap: ['toCsms', 'S'], // S01
  BootNotification: ['toCsms', 'B'], // B01
  CancelReservation: ['toStation', 'H'], // H02
  CertificateSigned: ['toStation', 'A'], // A02
  ChangeAvailability: ['toStation', 'G'], // G03
  ChangeTransactionTariff: ['toStation', 'I'], // I11
  ClearCache: ['toStation', 'C'], // C11
  ClearChargingProfile: ['toStation', 'K'], // K10
  ClearDERControl: ['toStation', 'R'], // R04
  ClearDisplayMessage: ['toStation', 'O'], // O05
  ClearTariffs: ['toStation', 'I'], // I10
  ClearVariableMonitoring: ['toStation', 'N'], // N06
  ClearedChargingLimit: ['toCsms', 'K'], // K13
  ClosePeriodicEventStream: ['toCsms', 'N'], // N13
  CostUpdated: ['toStation', 'I'], // I02
  CustomerInformation: ['toStation', 'N'], // N09
  DataTransfer: ['both', 'P'], // P01, P02
  DeleteCertificate: ['toStation', 'M'], // M04
  FirmwareStatusNotification: ['toCsms', 'L'], // L01
  Get15118EVCertificate: ['toCsms', 'M'], // M01
  GetBaseReport: ['toStation', 'B'], // B07
  GetCertificateChainStatus: ['toCsms', 'M'], // M07
  GetCertificateStatus: ['toCsms', 'M'], // M06
  GetChargingProfiles: ['toStation', 'K'], // K09
  GetCompositeSchedule: ['toStation', 'K'], // K08
  GetDERControl: ['toStation', 'R'], // R04
  GetDisplayMessages: ['toStation', 'O'], // O03
  GetInstalledCertificateIds: ['toStation', 'M'], // M03
  GetLocalListVersion: ['toStation', 'D'], // D02
  GetLog: ['toStation', 'N'], // N01
  GetMonitoringReport: ['toStation', 'N'], // N02
  GetPeriodicEventStream: ['toStation', 'N'], // N12
  GetReport: ['toStation', 'B'], // B08
  GetTariffs: ['toStation', 'I'], // I09
  GetTransactionStatus: ['toStation', 'E'], // E14
  GetVariables: ['toStation', 'B'], // B06
  Heartbeat: ['toCsms', 'G'], // G02
  InstallCertificate: ['toStation', 'M'], // M05
  LogStatusNotification: ['toCsms', 'N'], // N01
  MeterValues: ['toCsms', 'J'], // J01
  NotifyAllowedEnergyTransfer: ['toStation', 'Q'], // Q01
  NotifyChargingLimit: ['toCsms', 'K'], // K11
  NotifyCustomerInformation: ['toCsms', 'N'], // N09
  NotifyDERAlarm: ['toCsms', 'R'], // R05
  NotifyDERStartStop: ['toCsms', 'R'], // R04
  NotifyDisplayMessages: ['toCsms', 'O'], // O03
  NotifyEVChargingNeeds: ['toCsms', 'K'], // K15
  NotifyEVChargingSchedule: ['toCsms', 'K'], // K15
  NotifyEvent: ['toCsms', 'N'], // N07
  NotifyMonitoringReport: ['toCsms', 'N'], // N02
  NotifyPeriodicEventStream: ['toCsms', 'N'], // N15 (SEND)
  NotifyPriorityCharging: ['toCsms', 'K'], // K22
  NotifyReport: ['toCsms', 'B'], // B07
  NotifySettlement: ['toCsms', 'C'], // C18
  NotifyWebPaymentStarted: ['toStation', 'C'], // C25
  OpenPeriodicEventStream: ['toCsms', 'N'], // N11
  PublishFirmware: ['toStation', 'L'], // L03 (to the Local Controller)
  PublishFirmwareStatusNotification: ['toCsms', 'L'], // L03
  PullDynamicScheduleUpdate: ['toCsms', 'K'], // K28
  ReportChargingProfiles: ['toCsms', 'K'], // K09
  ReportDERControl: ['toCsms', 'R'], // R04
  RequestBatterySwap: ['toStation', 'S'], // S02
  RequestStartTransaction: ['toStation', 'F'], // F01
  RequestStopTransaction: ['toStation', 'F'], // F03
  ReservationStatusUpdate: ['toCsms', 'H'], // H04
  ReserveNow: ['toStation', 'H'], // H01
  Reset: ['toStation', 'B'], // B11
  SecurityEventNotification: ['toCsms', 'A'], // A04
  SendLocalList: ['toStation', 'D'], // D01
  SetChargingProfile: ['toStation', 'K'], // K01
  SetDERControl: ['toStation', 'R'], // R04
  SetDefaultTariff: ['toStation', 'I'], // I07
  SetDisplayMessage: ['toStation', 'O'], // O01
  SetMonitoringBase: ['toStation', 'N'], // N03
  SetMonitoringLevel: ['toStation', 'N'], // N05
  SetNetworkProfile: ['toStation', 'B'], // B09
  SetVariableMonitoring: ['toStation', 'N'], // N04
  SetVariables: ['toStation', 'B'], // B05
  SignCertificate: ['toCsms', 'A'], // A02
  StatusNotification: ['toCsms', 'G'], // G01
  TransactionEvent: ['toCsms', 'E'], // E01
  TriggerMessage: ['toStation', 'F'], // F06
  UnlockConnector: ['toStation', 'F'], // F05
  UnpublishFirmware: ['toStation', 'L'], // L04
  UpdateDynamicSchedule: ['toStation', 'K'], // K28
  UpdateFirmware: ['toStation', 'L'], // L01
  UsePriorityCharging: ['toStation', 'K'], // K21
  VatNumberValidation: ['toCsms', 'C'], // C18
};
