// Station profile -> device model entries, with the default values a real station needs.
// Characteristics (dataType, unit, valuesList, limits) come from the generated standard table,
// overridden per entry where the simulated station differs (e.g. a concrete valuesList).
import type { AttributeEnumType, ComponentType, DataEnumType, MutabilityEnumType } from './ocpp-shapes.ts';
import type { AttributeState, VariableEntry } from './model-types.ts';
import { STANDARD_VARIABLES } from './standard-variables.ts';
import { PAYMENT_CONTROLLER_DEFAULTS, WEB_PAYMENTS_EVSE_DEFAULTS } from './payment-defaults.ts';

export interface StationProfile {
  /** EVSE 1..n, each with its number of connectors (1..m). */
  evses: { connectors: number; maxPowerW?: number; phases?: number }[];
  /** Controller components to include; defaults to DEFAULT_CONTROLLERS. */
  controllers?: string[];
  /** Value overrides in shortcut notation: 'OCPPCommCtrlr.HeartbeatInterval' or 'DeviceDataCtrlr.ItemsPerMessage[GetReport]'. */
  values?: Record<string, string>;
  /** Identity reported in SecurityCtrlr.Identity. */
  identity?: string;
}

export const DEFAULT_CONTROLLERS = [
  'OCPPCommCtrlr', 'SecurityCtrlr', 'AuthCtrlr', 'AuthCacheCtrlr', 'LocalAuthListCtrlr', 'TxCtrlr', 'SampledDataCtrlr',
  'AlignedDataCtrlr', 'DeviceDataCtrlr', 'ClockCtrlr', 'ReservationCtrlr', 'SmartChargingCtrlr', 'ISO15118Ctrlr', 'TariffCostCtrlr',
] as const;

export const TX_START_STOP_POINTS = 'ParkingBayOccupancy,EVConnected,Authorized,DataSigned,PowerPathClosed,EnergyTransfer';
export const SUPPORTED_MEASURANDS = 'Energy.Active.Import.Register,Energy.Active.Export.Register,Power.Active.Import,Power.Active.Export,Power.Offered,Current.Import,Current.Export,Current.Offered,Voltage,Frequency,SoC';

/** One default: `v` = value of Actual; RO/RW/WO = mutability of Actual. */
export interface DefaultSpec {
  variable: string; instance?: string; v?: string; m?: MutabilityEnumType;
  dataType?: DataEnumType; unit?: string; valuesList?: string; minLimit?: number; maxLimit?: number; maxElements?: number;
  extra?: Partial<Record<Exclude<AttributeEnumType, 'Actual'>, AttributeState>>;
  rebootRequired?: boolean;
}

/** [B09.FR.06] network connection profile slots: NetworkConfiguration instances 0..2. */
export const NETWORK_SLOTS: readonly string[] = ['0', '1', '2'];

/** [M05.FR.06] how many CA certificates the station's trust store holds (SecurityCtrlr.CertificateEntries maxLimit). */
export const CERTIFICATE_ENTRIES_MAX = 20;

const RO = 'ReadOnly' as const, RW = 'ReadWrite' as const, WO = 'WriteOnly' as const;

export const CONTROLLER_DEFAULTS: Record<string, DefaultSpec[]> = {
  OCPPCommCtrlr: [
    { variable: 'ActiveNetworkProfile', v: '0', m: RO, dataType: 'integer' },
    { variable: 'FileTransferProtocols', v: 'HTTP,HTTPS', m: RO, valuesList: 'FTP,FTPS,HTTP,HTTPS,SFTP' },
    { variable: 'HeartbeatInterval', v: '300', m: RW, minLimit: 1, maxLimit: 86400 },
    { variable: 'MessageTimeout', instance: 'Default', v: '30', m: RO },
    { variable: 'MessageAttempts', instance: 'TransactionEvent', v: '3', m: RW, minLimit: 1, maxLimit: 10 },
    { variable: 'MessageAttemptInterval', instance: 'TransactionEvent', v: '60', m: RW, unit: 's', minLimit: 0, maxLimit: 3600 },
    // [B09.FR.06] the valuesList reports the network configuration slots (NETWORK_SLOTS).
    { variable: 'NetworkConfigurationPriority', v: '0', m: RW, dataType: 'SequenceList', valuesList: NETWORK_SLOTS.join(','), rebootRequired: true },
    { variable: 'NetworkProfileConnectionAttempts', v: '3', m: RW, minLimit: 1 },
    { variable: 'OfflineThreshold', v: '300', m: RW, minLimit: 0 },
    // J02 (2.1): whether the meter's public key goes with signed meter values (meter-signing.ts).
    { variable: 'PublicKeyWithSignedMeterValue', v: 'OncePerTransaction', m: RW, dataType: 'OptionList', valuesList: 'Never,OncePerTransaction,EveryMeterValue' },
    { variable: 'QueueAllMessages', v: 'false', m: RW },
    { variable: 'ResetRetries', v: '2', m: RW, minLimit: 0 },
    { variable: 'RetryBackOffWaitMinimum', v: '5', m: RW, unit: 's', minLimit: 0 },
    { variable: 'RetryBackOffRandomRange', v: '10', m: RW, unit: 's', minLimit: 0 },
    { variable: 'RetryBackOffRepeatTimes', v: '5', m: RW, minLimit: 0 },
    { variable: 'UnlockOnEVSideDisconnect', v: 'true', m: RW },
    { variable: 'WebSocketPingInterval', v: '30', m: RW, minLimit: 0 },
  ],
  SecurityCtrlr: [
    { variable: 'AllowSecurityProfileDowngrade', v: 'false', m: RW }, // B09.FR.04 / B09.FR.31
    { variable: 'BasicAuthPassword', m: WO, dataType: 'string', minLimit: 16, maxLimit: 40, rebootRequired: true },
    { variable: 'AdditionalRootCertificateCheck', v: 'false', m: RO }, // M05.FR.09..16 (blocks/certificates.ts)
    { variable: 'CertificateEntries', v: '0', m: RO, maxLimit: CERTIFICATE_ENTRIES_MAX }, // M05.FR.06
    // A02.FR.17–19 / A03.FR.17–19: SignCertificate back-off (blocks/security.ts)
    { variable: 'CertSigningRepeatTimes', v: '3', m: RW, minLimit: 0 },
    { variable: 'CertSigningWaitMinimum', v: '60', m: RW, unit: 's', minLimit: 1 },
    { variable: 'Identity', v: 'CW-SIM-0001', m: RW, maxLimit: 48, rebootRequired: true },
    { variable: 'MaxCertificateChainSize', v: '10000', m: RO, minLimit: 1 }, // A02.FR.16
    { variable: 'OrganizationName', v: 'Chargewire', m: RW },
    { variable: 'SecurityProfile', v: '1', m: RO, dataType: 'integer' },
  ],
  AuthCtrlr: [
    { variable: 'Enabled', v: 'true', m: RW },
    { variable: 'AuthorizeRemoteStart', v: 'false', m: RW },
    { variable: 'LocalAuthorizeOffline', v: 'true', m: RW },
    { variable: 'LocalPreAuthorize', v: 'false', m: RW },
    { variable: 'OfflineTxForUnknownIdEnabled', v: 'false', m: RW },
    { variable: 'DisableRemoteAuthorization', v: 'false', m: RW },
    { variable: 'MasterPassGroupId', v: '', m: RW }, // C16 (empty: no Master Pass group)
    // required in 2.1 (Part 2 §2.x AuthCtrlr): the token types this station accepts
    { variable: 'SupportedIdTokenTypes', v: 'Central,eMAID,ISO14443,ISO15693,KeyCode,Local,MacAddress,NoAuthorization', m: RO, dataType: 'MemberList', valuesList: 'Central,DirectPayment,eMAID,EVCCID,ISO14443,ISO15693,KeyCode,Local,MacAddress,NoAuthorization,VIN' },
  ],
  AuthCacheCtrlr: [
    { variable: 'Available', v: 'true', m: RO },
    { variable: 'Enabled', v: 'true', m: RW },
    { variable: 'LifeTime', v: '86400', m: RW, unit: 's', minLimit: 0 },
    { variable: 'Policy', v: 'LRU', m: RW, dataType: 'OptionList', valuesList: 'LRU,LFU,FIFO' },
    { variable: 'Storage', v: '0', m: RO, maxLimit: 65536 },
    { variable: 'DisablePostAuthorize', v: 'false', m: RW },
  ],
  LocalAuthListCtrlr: [
    { variable: 'Available', v: 'true', m: RO },
    { variable: 'Enabled', v: 'true', m: RW },
    { variable: 'Entries', v: '0', m: RO, maxLimit: 1000 },
    { variable: 'ItemsPerMessage', v: '100', m: RO },
    { variable: 'BytesPerMessage', v: '65536', m: RO },
    { variable: 'Storage', v: '0', m: RO, maxLimit: 1048576 },
    { variable: 'DisablePostAuthorize', v: 'false', m: RW },
    { variable: 'SupportsExpiryDateTime', v: 'false', m: RW }, // C13.FR.05/C14.FR.04 (RW so tests can switch it)
  ],
  TxCtrlr: [
    { variable: 'EVConnectionTimeOut', v: '120', m: RW, minLimit: 0 },
    { variable: 'MaxEnergyOnInvalidId', v: '0', m: RW, unit: 'Wh', minLimit: 0 },
    { variable: 'StopTxOnEVSideDisconnect', v: 'true', m: RW },
    { variable: 'StopTxOnInvalidId', v: 'true', m: RW },
    { variable: 'TxBeforeAcceptedEnabled', v: 'false', m: RW },
    { variable: 'TxStartPoint', v: 'PowerPathClosed', m: RW, valuesList: TX_START_STOP_POINTS },
    { variable: 'TxStopPoint', v: 'EVConnected,Authorized', m: RW, valuesList: TX_START_STOP_POINTS },
    // E16 (2.1): the transaction limits this station enforces (tx-limits.ts); maxCost from the CSMS's cost updates.
    { variable: 'SupportedLimits', v: 'maxEnergy,maxTime,maxSoC,maxCost', m: RO, dataType: 'MemberList', valuesList: 'maxEnergy,maxTime,maxSoC,maxCost' },
    // E17 (2.1): transaction resumption after a restart (tx-resume.ts); 0 = never resume (the spec default).
    { variable: 'ResumptionTimeout', v: '0', m: RW, unit: 's', minLimit: 0 },
    { variable: 'AllowEnergyTransferResumption', v: 'true', m: RW, dataType: 'boolean' },
    { variable: 'EnergyTransferResumptionRandomRange', v: '0', m: RW, unit: 's', minLimit: 0 },
  ],
  SampledDataCtrlr: [
    { variable: 'Available', v: 'true', m: RO },
    { variable: 'Enabled', v: 'true', m: RW },
    { variable: 'SignReadings', v: 'false', m: RW },
    // 2.1 refinements of SignReadings (true: SignReadings alone signs everything, as in 2.0.1).
    { variable: 'SignStartedReadings', v: 'true', m: RW, dataType: 'boolean' },
    { variable: 'SignUpdatedReadings', v: 'true', m: RW, dataType: 'boolean' },
    { variable: 'RegisterValuesWithoutPhases', v: 'true', m: RW },
    { variable: 'TxStartedMeasurands', v: 'Energy.Active.Import.Register', m: RW, valuesList: SUPPORTED_MEASURANDS },
    { variable: 'TxUpdatedMeasurands', v: 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC', m: RW, valuesList: SUPPORTED_MEASURANDS },
    { variable: 'TxEndedMeasurands', v: 'Energy.Active.Import.Register', m: RW, valuesList: SUPPORTED_MEASURANDS },
    { variable: 'TxUpdatedInterval', v: '60', m: RW, minLimit: 0 },
    { variable: 'TxEndedInterval', v: '0', m: RW, minLimit: 0 },
  ],
  AlignedDataCtrlr: [
    { variable: 'Available', v: 'true', m: RO },
    { variable: 'Enabled', v: 'true', m: RW },
    { variable: 'Interval', v: '900', m: RW, minLimit: 0 },
    { variable: 'Measurands', v: 'Energy.Active.Import.Register', m: RW, valuesList: SUPPORTED_MEASURANDS },
    { variable: 'SendDuringIdle', v: 'false', m: RW },
    { variable: 'SignReadings', v: 'false', m: RW },
    { variable: 'SignUpdatedReadings', v: 'true', m: RW, dataType: 'boolean' },
    { variable: 'TxEndedInterval', v: '0', m: RW, minLimit: 0 },
    { variable: 'TxEndedMeasurands', v: 'Energy.Active.Import.Register', m: RW, valuesList: SUPPORTED_MEASURANDS },
  ],
  DeviceDataCtrlr: [
    { variable: 'ItemsPerMessage', instance: 'GetReport', v: '100', m: RO },
    { variable: 'ItemsPerMessage', instance: 'GetVariables', v: '50', m: RO },
    { variable: 'ItemsPerMessage', instance: 'SetVariables', v: '50', m: RO },
    { variable: 'BytesPerMessage', instance: 'GetReport', v: '65536', m: RO },
    { variable: 'BytesPerMessage', instance: 'GetVariables', v: '65536', m: RO },
    { variable: 'BytesPerMessage', instance: 'SetVariables', v: '65536', m: RO },
    { variable: 'ConfigurationValueSize', v: '1000', m: RO, maxLimit: 2500 },
    { variable: 'ReportingValueSize', v: '2500', m: RO, maxLimit: 2500 },
  ],
  ClockCtrlr: [
    { variable: 'DateTime', m: RO },
    { variable: 'TimeSource', v: 'Heartbeat', m: RW, dataType: 'SequenceList', valuesList: 'Heartbeat,NTP,GPS,RealTimeClock,MobileNetwork,RadioTimeTransmitter' },
    { variable: 'TimeZone', v: '', m: RW, dataType: 'string' },
  ],
  ReservationCtrlr: [
    { variable: 'Available', v: 'true', m: RO },
    { variable: 'Enabled', v: 'true', m: RW },
    { variable: 'NonEvseSpecific', v: 'true', m: RO },
  ],
  // C07 Plug & Charge (blocks/iso15118-auth.ts); an EVSE-level ISO15118Ctrlr instance would take precedence.
  ISO15118Ctrlr: [
    { variable: 'PnCEnabled', v: 'true', m: RW },
    { variable: 'ContractValidationOffline', v: 'true', m: RW }, // C07.FR.07 / C07.FR.08
    { variable: 'CentralContractValidationAllowed', v: 'false', m: RW }, // C07.FR.06
  ],
  // I (2.1): local cost calculation from tariffs (blocks/tariffs.ts, tariff-tx.ts); 2.0.1 uses only Enabled/Available,
  // Currency and the fallback messages, and takes no tariffs.
  TariffCostCtrlr: [
    { variable: 'Available', instance: 'Tariff', v: 'true', m: RO },
    { variable: 'Available', instance: 'Cost', v: 'true', m: RO },
    { variable: 'Enabled', instance: 'Tariff', v: 'true', m: RW },
    { variable: 'Enabled', instance: 'Cost', v: 'true', m: RW },
    // I12.FR.02: running cost updates of a transaction with a tariff, every Interval[Cost] s (all Enabled instances
    // true by default, as B08 componentCriteria Enabled reporting expects of an enabled component).
    { variable: 'Enabled', instance: 'RunningCost', v: 'true', m: RW },
    // Conditions are evaluated exactly at every change of power (event-driven), which is "as often as possible" (I12.FR.32).
    { variable: 'Interval', instance: 'Tariff', v: '0', m: RW, minLimit: 0 },
    { variable: 'Interval', instance: 'Cost', v: '60', m: RW, minLimit: 1 },
    { variable: 'MaxElements', instance: 'Tariff', v: '10', m: RO, minLimit: 0 },
    { variable: 'ConditionsSupported', instance: 'Tariff', v: 'true', m: RO },
    { variable: 'HandleFailedTariff', instance: 'Tariff', v: 'UseDefaultTariff', m: RW, dataType: 'OptionList', valuesList: 'Deauthorize,UseDefaultTariff,CentralCost' },
    { variable: 'Currency', v: 'EUR', m: RW },
    { variable: 'TariffFallbackMessage', v: '', m: RW },
    { variable: 'TotalCostFallbackMessage', v: '', m: RW },
    { variable: 'Problem', v: 'false', m: RO, dataType: 'boolean' },
  ],
  SmartChargingCtrlr: [
    { variable: 'Available', v: 'true', m: RO },
    { variable: 'Enabled', v: 'true', m: RW },
    { variable: 'Entries', instance: 'ChargingProfiles', v: '0', m: RO, maxLimit: 50 },
    { variable: 'LimitChangeSignificance', v: '0.1', m: RW, dataType: 'decimal', minLimit: 0, maxLimit: 1 },
    { variable: 'PeriodsPerSchedule', v: '24', m: RO, dataType: 'integer' },
    { variable: 'ProfileStackLevel', v: '10', m: RO, dataType: 'integer' },
    { variable: 'RateUnit', v: 'A,W', m: RO, dataType: 'MemberList', valuesList: 'A,W' },
    { variable: 'ExternalControlSignalsEnabled', v: 'false', m: RW },
  ],
};

/**
 * [B09.FR.08] [B09.FR.10] NetworkConfiguration[slot] (2.1): every field of a NetworkConnectionProfile,
 * writable (passwords WriteOnly); set by SetNetworkProfile (B09.FR.09) or by SetVariables.
 */
export const NETWORK_CONFIGURATION_DEFAULTS: DefaultSpec[] = [
  { variable: 'OcppCsmsUrl', m: RW, dataType: 'string', maxLimit: 2000 },
  { variable: 'OcppInterface', m: RW, dataType: 'OptionList', valuesList: 'Wired0,Wired1,Wired2,Wired3,Wireless0,Wireless1,Wireless2,Wireless3,Any' },
  { variable: 'OcppTransport', v: 'JSON', m: RW, dataType: 'OptionList', valuesList: 'JSON' },
  { variable: 'OcppVersion', m: RW, dataType: 'OptionList', valuesList: 'OCPP12,OCPP15,OCPP16,OCPP20,OCPP201,OCPP21' },
  { variable: 'MessageTimeout', m: RW, dataType: 'integer', unit: 's', minLimit: 1 },
  { variable: 'SecurityProfile', m: RW, dataType: 'integer', minLimit: 1, maxLimit: 3 },
  { variable: 'Identity', m: RW, dataType: 'string', maxLimit: 48 },
  { variable: 'BasicAuthPassword', m: WO, dataType: 'string', minLimit: 16, maxLimit: 40 },
  { variable: 'ApnEnabled', v: 'false', m: RW, dataType: 'boolean' },
  { variable: 'Apn', m: RW, dataType: 'string', maxLimit: 2000 },
  { variable: 'ApnUserName', m: RW, dataType: 'string', maxLimit: 50 },
  { variable: 'ApnPassword', m: WO, dataType: 'string', maxLimit: 64 },
  { variable: 'SimPin', m: WO, dataType: 'string' },
  { variable: 'PreferredNetwork', m: RW, dataType: 'string', maxLimit: 6 },
  { variable: 'UseOnlyPreferredNetwork', m: RW, dataType: 'boolean' },
  { variable: 'ApnAuthentication', m: RW, dataType: 'OptionList', valuesList: 'PAP,CHAP,NONE,AUTO' },
  { variable: 'VpnEnabled', v: 'false', m: RW, dataType: 'boolean' },
  { variable: 'VpnType', m: RW, dataType: 'OptionList', valuesList: 'IKEv2,IPSec,L2TP,PPTP' },
  { variable: 'VpnServer', m: RW, dataType: 'string', maxLimit: 2000 },
  { variable: 'VpnUser', m: RW, dataType: 'string', maxLimit: 50 },
  { variable: 'VpnGroup', m: RW, dataType: 'string', maxLimit: 50 },
  { variable: 'VpnPassword', m: WO, dataType: 'string', maxLimit: 64 },
  { variable: 'VpnKey', m: WO, dataType: 'string', maxLimit: 255 },
];

function standardFor(component: string, variable: string, instance?: string) {
  return STANDARD_VARIABLES.find((s) => s.component === component && s.variable === variable && s.instance === instance)
    ?? STANDARD_VARIABLES.find((s) => s.component === component && s.variable === variable);
}

export function makeEntry(component: ComponentType, d: DefaultSpec): VariableEntry {
  const std = standardFor(component.name, d.variable, d.instance);
  const pick = <K extends 'unit' | 'valuesList' | 'minLimit' | 'maxLimit'>(k: K) => (d[k] !== undefined ? d[k] : std?.[k]);
  const characteristics: VariableEntry['characteristics'] = { dataType: d.dataType ?? std?.dataType ?? 'string', supportsMonitoring: false };
  for (const k of ['unit', 'valuesList', 'minLimit', 'maxLimit'] as const) {
    const v = pick(k);
    if (v !== undefined) (characteristics as unknown as Record<string, unknown>)[k] = v;
  }
  if (d.maxElements !== undefined) characteristics.maxElements = d.maxElements;
  const mutability = d.m ?? std?.mutability ?? 'ReadWrite';
  const actual: AttributeState = { mutability, persistent: mutability !== 'ReadOnly', constant: false };
  if (d.v !== undefined) actual.value = d.v;
  return {
    component, variable: d.instance !== undefined ? { name: d.variable, instance: d.instance } : { name: d.variable },
    characteristics, attributes: { Actual: actual, ...(d.extra ?? {}) },
    ...(d.rebootRequired ? { rebootRequired: true } : {}),
  };
}

/** Physical components: ChargingStation, EVSE 1..n, Connector 1..m per EVSE. */
function physicalEntries(profile: StationProfile): VariableEntry[] {
  const out: VariableEntry[] = [];
  // [J01.FR.13] [J02.FR.09] PhaseRotation relative to the grid connection: the simulated wiring is straight (RST).
  const common = (phases = '3'): DefaultSpec[] => [
    { variable: 'AvailabilityState', v: 'Available', m: RO, dataType: 'OptionList', valuesList: 'Available,Occupied,Reserved,Unavailable,Faulted' },
    { variable: 'Available', v: 'true', m: RO, dataType: 'boolean' },
    { variable: 'SupplyPhases', v: phases, m: RO, dataType: 'integer', minLimit: 0, maxLimit: 3 },
    { variable: 'Problem', v: 'false', m: RO, dataType: 'boolean' },
    { variable: 'PhaseRotation', v: phases === '1' ? 'Rxx' : 'RST', m: RO, dataType: 'OptionList', valuesList: 'RST,RTS,SRT,STR,TRS,TSR,Rxx,xSx,xxT' },
  ];
  const cs: ComponentType = { name: 'ChargingStation' };
  for (const d of common()) out.push(makeEntry(cs, d));
  // L01.FR.07 / L02.FR.04: whether EVSEs stay usable while a firmware update waits for transactions (blocks/firmware.ts).
  out.push(makeEntry(cs, { variable: 'AllowNewSessionsPendingFirmwareUpdate', v: 'false', m: RW, dataType: 'boolean' }));
  profile.evses.forEach((evse, i) => {
    const id = i + 1;
    const ec: ComponentType = { name: 'EVSE', evse: { id } };
    const phases = String(evse.phases ?? 3);
    for (const d of common(phases)) out.push(makeEntry(ec, d));
    // [B11.FR.10] an EVSE can be reset individually (B11.FR.09 when false).
    out.push(makeEntry(ec, { variable: 'AllowReset', v: 'true', m: RO, dataType: 'boolean' }));
    const maxW = String(evse.maxPowerW ?? 22000);
    // Power: Actual (measured), Target (setpoint, unset until set), MaxSet (rated maximum).
    out.push(makeEntry(ec, {
      variable: 'Power', v: '0', m: RO, dataType: 'decimal', unit: 'W', minLimit: 0, maxLimit: Number(maxW),
      extra: { Target: { mutability: RW, persistent: true, constant: false }, MaxSet: { value: maxW, mutability: RO, persistent: true, constant: true } },
    }));
    for (let c = 1; c <= evse.connectors; c++) {
      const cc: ComponentType = { name: 'Connector', evse: { id, connectorId: c } };
      for (const d of common(phases)) out.push(makeEntry(cc, d));
      out.push(makeEntry(cc, { variable: 'ConnectorType', v: 'cType2', m: RO, dataType: 'string' }));
      // [G05.FR.02] the plug retention lock whose Problem the station reports (blocks/availability.ts setLockFailure).
      out.push(makeEntry({ name: 'ConnectorPlugRetentionLock', evse: { id, connectorId: c } }, { variable: 'Problem', v: 'false', m: RO, dataType: 'boolean' }));
    }
  });
  return out;
}

/** Parses shortcut notation `Component[inst].Variable[inst]`. */
export function parseShortcut(ref: string): { component: string; componentInstance?: string; variable: string; variableInstance?: string } {
  const m = /^([^.[\]]+)(?:\[([^\]]*)\])?\.([^.[\]]+)(?:\[([^\]]*)\])?$/.exec(ref);
  if (!m) throw new Error(`bad device model reference: ${ref}`);
  return { component: m[1]!, variable: m[3]!, ...(m[2] ? { componentInstance: m[2] } : {}), ...(m[4] ? { variableInstance: m[4] } : {}) };
}

/** Entries before per-station values, by station shape: built once, shared (see DeviceModel ownCopy). */
const templates = new Map<string, VariableEntry[]>();

function template(profile: StationProfile): VariableEntry[] {
  const key = JSON.stringify([profile.evses, profile.controllers ?? null]);
  let t = templates.get(key);
  if (!t) {
    t = physicalEntries(profile);
    for (const ctrl of profile.controllers ?? DEFAULT_CONTROLLERS) {
      const defs = CONTROLLER_DEFAULTS[ctrl] ?? PAYMENT_CONTROLLER_DEFAULTS[ctrl]; // C18–C25 (2.1): only with StationOptions.payments
      if (!defs) throw new Error(`no defaults for controller ${ctrl}`);
      for (const d of defs) t.push(makeEntry({ name: ctrl }, d));
      // [J01.FR.19] AlignedDataCtrlr.SendDuringIdle per EVSE as well (the variable's component has evse *).
      if (ctrl === 'AlignedDataCtrlr') profile.evses.forEach((_, i) => t!.push(makeEntry({ name: ctrl, evse: { id: i + 1 } }, { variable: 'SendDuringIdle', v: 'false', m: RW })));
      if (ctrl === 'WebPaymentsCtrlr') profile.evses.forEach((_, i) => { for (const d of WEB_PAYMENTS_EVSE_DEFAULTS) t!.push(makeEntry({ name: ctrl, evse: { id: i + 1 } }, d)); });
    }
    if ((profile.controllers ?? DEFAULT_CONTROLLERS).includes('OCPPCommCtrlr')) {
      for (const slot of NETWORK_SLOTS) for (const d of NETWORK_CONFIGURATION_DEFAULTS) t.push(makeEntry({ name: 'NetworkConfiguration', instance: slot }, d));
    }
    if (templates.size > 64) templates.clear(); // bounded: a handful of shapes in practice
    templates.set(key, t);
  }
  return t;
}

export function buildEntries(profile: StationProfile): VariableEntry[] {
  // Attribute states are copied per station; addressing and characteristics stay shared.
  const out = template(profile).map((e) => {
    const attributes: VariableEntry['attributes'] = {};
    for (const [k, a] of Object.entries(e.attributes)) attributes[k as keyof typeof attributes] = { ...a };
    return { ...e, attributes };
  });
  const overrides: Record<string, string> = { ...(profile.identity ? { 'SecurityCtrlr.Identity': profile.identity } : {}), ...profile.values };
  for (const [ref, value] of Object.entries(overrides)) {
    const r = parseShortcut(ref);
    const e = out.find((x) => x.component.name === r.component && x.component.instance === r.componentInstance && !x.component.evse
      && x.variable.name === r.variable && x.variable.instance === r.variableInstance);
    if (!e?.attributes.Actual) throw new Error(`unknown device model variable in profile: ${ref}`);
    e.attributes.Actual.value = value;
  }
  return out;
}
