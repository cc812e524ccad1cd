// The simulated station's device model: GetVariables (B06), SetVariables (B05), reports (B07/B08), persistence.
import type {
  AttributeEnumType, ComponentCriterionEnumType, ComponentType, ComponentVariableType, GetVariableDataType,
  GetVariableResultType, ReportBaseEnumType, ReportDataType, SetVariableDataType, SetVariableResultType, VariableType,
} from './ocpp-shapes.ts';
import { componentKey, entryKey, type VariableChange, type VariableEntry } from './model-types.ts';
import { buildEntries, type StationProfile } from './defaults.ts';
import { validateValue } from './validate.ts';
import { baseReportEntries, customReportEntries, paginate, SUPPORTED_CRITERIA, SUPPORTED_REPORT_BASES, toReportData, type ReportPart } from './report.ts';
import { readJsonIfExists, writeFileAtomic } from './persistence.ts';

export interface DeviceModelJSON { version: 1; entries: VariableEntry[] }
export type ChangeListener = (change: VariableChange) => void;
/**
 * Station-specific check of a SetVariables item that passed the generic checks, run before the value
 * is stored (items of one request in order): a reasonCode rejects it, a status overrides the result.
 */
export type SetGuard = (item: { component: ComponentType; variable: VariableType; attributeType: AttributeEnumType; value: string }) =>
  { reasonCode: string; additionalInfo?: string } | { status: 'Accepted' | 'RebootRequired' } | undefined;
/** Live value source for read-only measured values (e.g. ClockCtrlr.DateTime). */
export type ValueReader = () => string;

export class DeviceModelError extends Error {
  constructor(readonly code: 'OCPP_ERR_DM_BAD_FILE' | 'OCPP_ERR_DM_UNKNOWN_VARIABLE', message: string) { super(message); this.name = 'DeviceModelError'; }
}

type Lookup =
  | { status: 'UnknownComponent' | 'UnknownVariable' }
  | { status: 'found'; entry: VariableEntry };

const echo = (c: ComponentType, v: VariableType) => ({ component: structuredClone(c), variable: structuredClone(v) });

/**
 * A station's own copy of an entry: attribute states (values change) are copied; addressing and
 * characteristics are never mutated, so they are shared between stations (a swarm of thousands
 * builds its device models from the same templates).
 */
function ownCopy(e: VariableEntry): VariableEntry {
  const attributes: VariableEntry['attributes'] = {};
  for (const [k, a] of Object.entries(e.attributes)) attributes[k as keyof typeof attributes] = { ...a };
  return { ...e, attributes };
}

export class DeviceModel {
  private readonly entries = new Map<string, VariableEntry>();
  private readonly components = new Set<string>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly readers = new Map<string, ValueReader>();
  private readonly guards = new Set<SetGuard>();

  constructor(entries: VariableEntry[]) {
    for (const e of entries) {
      this.entries.set(entryKey(e.component, e.variable), ownCopy(e));
      this.components.add(componentKey(e.component));
    }
  }

  static fromProfile(profile: StationProfile): DeviceModel {
    const dm = new DeviceModel(buildEntries(profile));
    dm.bindReader({ name: 'ClockCtrlr' }, { name: 'DateTime' }, () => new Date().toISOString());
    return dm;
  }

  /** Subscribe to accepted SetVariables changes; returns an unsubscribe function. */
  onChange(fn: ChangeListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Add a SetGuard (see there); returns a function that removes it. */
  addSetGuard(fn: SetGuard): () => void {
    this.guards.add(fn);
    return () => this.guards.delete(fn);
  }

  /** Serve the Actual value of a variable from a live source instead of stored state. */
  bindReader(component: ComponentType, variable: VariableType, fn: ValueReader): void {
    if (this.entries.has(entryKey(component, variable))) this.readers.set(entryKey(component, variable), fn);
  }

  private lookup(component: ComponentType, variable: VariableType): Lookup {
    // [B06.FR.14] [B06.FR.15] exact addressing: name, instance (absent/'' = none), evse id and connectorId.
    const c: ComponentType = { name: component.name };
    if (component.instance) c.instance = component.instance;
    if (component.evse) c.evse = component.evse.connectorId !== undefined ? { id: component.evse.id, connectorId: component.evse.connectorId } : { id: component.evse.id };
    if (!this.components.has(componentKey(c))) return { status: 'UnknownComponent' };
    const v: VariableType = variable.instance ? { name: variable.name, instance: variable.instance } : { name: variable.name };
    const entry = this.entries.get(entryKey(c, v));
    return entry ? { status: 'found', entry } : { status: 'UnknownVariable' };
  }

  /** Current Actual (or other attribute) value by addressing, for station logic. */
  value(component: ComponentType, variable: VariableType, attributeType: AttributeEnumType = 'Actual'): string | undefined {
    const l = this.lookup(component, variable);
    if (l.status !== 'found') return undefined;
    const reader = attributeType === 'Actual' ? this.readers.get(entryKey(l.entry.component, l.entry.variable)) : undefined;
    return reader ? reader() : l.entry.attributes[attributeType]?.value;
  }

  /** Station-internal update (bypasses mutability, e.g. AvailabilityState, Entries); does not fire onChange. */
  setInternal(component: ComponentType, variable: VariableType, value: string, attributeType: AttributeEnumType = 'Actual'): void {
    const l = this.lookup(component, variable);
    const a = l.status === 'found' ? l.entry.attributes[attributeType] : undefined;
    if (!a) throw new DeviceModelError('OCPP_ERR_DM_UNKNOWN_VARIABLE', `unknown ${component.name}.${variable.name} ${attributeType}`);
    a.value = value;
  }

  getVariables(items: GetVariableDataType[]): GetVariableResultType[] {
    // [B06.FR.01] one result per GetVariableData, [B06.FR.02] same component/variable combination.
    return items.map((item) => {
      // [B06.FR.03] same attributeType; [B06.FR.11] absent -> Actual.
      const attributeType = item.attributeType ?? 'Actual';
      const base = { ...echo(item.component, item.variable), attributeType };
      const l = this.lookup(item.component, item.variable);
      // [B06.FR.06] [B06.FR.07] unknown component/variable, attributeValue omitted.
      if (l.status !== 'found') return { ...base, attributeStatus: l.status };
      const attr = l.entry.attributes[attributeType];
      // [B06.FR.08] attribute type not supported by the variable, attributeValue omitted.
      if (!attr) return { ...base, attributeStatus: 'NotSupportedAttributeType' };
      // [B06.FR.09] WriteOnly -> Rejected.
      if (attr.mutability === 'WriteOnly') return { ...base, attributeStatus: 'Rejected', attributeStatusInfo: { reasonCode: 'WriteOnly' } };
      const v = this.value(l.entry.component, l.entry.variable, attributeType);
      // [B06.FR.10] Accepted with the value; [B06.FR.13] unset -> empty string.
      return { ...base, attributeStatus: 'Accepted', attributeValue: v ?? '' };
    });
  }

  setVariables(items: SetVariableDataType[]): SetVariableResultType[] {
    const changes: VariableChange[] = [];
    const valueSize = this.numeric({ name: 'DeviceDataCtrlr' }, { name: 'ConfigurationValueSize' });
    // [B05.FR.01] one result per SetVariableData; [B05.FR.02] same component/variable combination.
    const results = items.map((item): SetVariableResultType => {
      // [B05.FR.03] same attributeType; [B05.FR.12] absent -> Actual.
      const attributeType = item.attributeType ?? 'Actual';
      const base = { ...echo(item.component, item.variable), attributeType };
      const l = this.lookup(item.component, item.variable);
      // [B05.FR.04] [B05.FR.05] unknown component / variable.
      if (l.status !== 'found') return { ...base, attributeStatus: l.status };
      const attr = l.entry.attributes[attributeType];
      // [B05.FR.06] attribute type not supported.
      if (!attr) return { ...base, attributeStatus: 'NotSupportedAttributeType' };
      const check = validateValue(item.attributeValue, l.entry.characteristics, valueSize);
      // [B05.FR.07] incorrectly formatted / [B05.FR.08] out of range -> Rejected with statusInfo.
      if (!check.ok) return { ...base, attributeStatus: 'Rejected', attributeStatusInfo: { reasonCode: check.reasonCode, additionalInfo: check.additionalInfo } };
      // [B05.FR.09] ReadOnly (not able to set) -> Rejected.
      if (attr.mutability === 'ReadOnly') return { ...base, attributeStatus: 'Rejected', attributeStatusInfo: { reasonCode: 'ReadOnly' } };
      let status: 'Accepted' | 'RebootRequired' | undefined;
      for (const guard of this.guards) {
        const g = guard({ component: l.entry.component, variable: l.entry.variable, attributeType, value: item.attributeValue });
        if (g && 'reasonCode' in g) return { ...base, attributeStatus: 'Rejected', attributeStatusInfo: g.additionalInfo ? { reasonCode: g.reasonCode, additionalInfo: g.additionalInfo } : { reasonCode: g.reasonCode } };
        if (g) status = g.status;
      }
      const previous = attr.value;
      attr.value = item.attributeValue;
      const rebootRequired = status ? status === 'RebootRequired' : l.entry.rebootRequired === true;
      changes.push({ ...echo(l.entry.component, l.entry.variable), attributeType, value: item.attributeValue, previous, rebootRequired });
      // [B05.FR.10] Accepted; RebootRequired when the value only takes effect after a reboot.
      return { ...base, attributeStatus: rebootRequired ? 'RebootRequired' : 'Accepted' };
    });
    for (const c of changes) for (const fn of this.listeners) fn(c);
    return results;
  }

  private numeric(component: ComponentType, variable: VariableType): number | undefined {
    const v = this.value(component, variable);
    return v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
  }

  private ordered(): VariableEntry[] {
    return [...this.entries.values()].map((e) => {
      const r = this.readers.get(entryKey(e.component, e.variable));
      if (!r || !e.attributes.Actual) return e;
      return { ...e, attributes: { ...e.attributes, Actual: { ...e.attributes.Actual, value: r() } } };
    });
  }

  /** [B07.FR.02] / [B07.FR.12] whether a GetBaseReport reportBase is supported (else NotSupported). */
  supportsReportBase(base: string): base is ReportBaseEnumType {
    return (SUPPORTED_REPORT_BASES as readonly string[]).includes(base);
  }

  /** [B08.FR.02] whether all criteria of a GetReport are supported (else NotSupported). */
  supportsCriteria(criteria: readonly string[] = []): boolean {
    return criteria.every((c) => (SUPPORTED_CRITERIA as readonly string[]).includes(c));
  }

  report(base: ReportBaseEnumType): ReportDataType[] {
    return baseReportEntries(this.ordered(), base).map(toReportData);
  }

  customReport(criteria?: ComponentCriterionEnumType[], componentVariable?: ComponentVariableType[]): ReportDataType[] {
    return customReportEntries(this.ordered(), criteria, componentVariable).map(toReportData);
  }

  /** GetReportResponse status: NotSupported [B08.FR.02], EmptyResultSet [B08.FR.15] or Accepted [B08.FR.01]. */
  customReportStatus(criteria?: ComponentCriterionEnumType[], componentVariable?: ComponentVariableType[]): 'Accepted' | 'NotSupported' | 'EmptyResultSet' {
    if (!this.supportsCriteria(criteria)) return 'NotSupported';
    return this.customReport(criteria, componentVariable).length === 0 ? 'EmptyResultSet' : 'Accepted';
  }

  /** Split into NotifyReport parts using DeviceDataCtrlr.ItemsPerMessage[GetReport] unless given. */
  paginate(reportData: ReportDataType[], itemsPerMessage?: number): ReportPart[] {
    const n = itemsPerMessage ?? this.numeric({ name: 'DeviceDataCtrlr' }, { name: 'ItemsPerMessage', instance: 'GetReport' }) ?? 100;
    return paginate(reportData, n);
  }

  toJSON(): DeviceModelJSON {
    return { version: 1, entries: [...this.entries.values()].map((e) => structuredClone(e)) };
  }

  static fromJSON(json: unknown): DeviceModel {
    const j = json as Partial<DeviceModelJSON> | undefined;
    if (!j || j.version !== 1 || !Array.isArray(j.entries)) throw new DeviceModelError('OCPP_ERR_DM_BAD_FILE', 'not a device model JSON (version 1)');
    return new DeviceModel(j.entries);
  }

  /** Atomically persist (temp file + rename). */
  saveTo(path: string): void {
    writeFileAtomic(path, JSON.stringify(this.toJSON(), null, 2) + '\n');
  }

  /** Load a saved model; when the file does not exist, build from `profile` (first start). */
  static loadFrom(path: string, profile?: StationProfile): DeviceModel {
    const json = readJsonIfExists(path);
    if (json === undefined) {
      if (!profile) throw new DeviceModelError('OCPP_ERR_DM_BAD_FILE', `no device model at ${path}`);
      return DeviceModel.fromProfile(profile);
    }
    const dm = DeviceModel.fromJSON(json);
    dm.bindReader({ name: 'ClockCtrlr' }, { name: 'DateTime' }, () => new Date().toISOString());
    return dm;
  }
}
