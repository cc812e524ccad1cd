// Report building for GetBaseReport (B07) and GetReport (B08), and NotifyReport pagination.
import type {
  ComponentCriterionEnumType, ComponentType, ComponentVariableType, ReportBaseEnumType, ReportDataType, VariableAttributeType,
} from './ocpp-shapes.ts';
import { ATTRIBUTE_TYPES, componentKey, type VariableEntry } from './model-types.ts';

export const SUPPORTED_REPORT_BASES: readonly ReportBaseEnumType[] = ['ConfigurationInventory', 'FullInventory', 'SummaryInventory'];
export const SUPPORTED_CRITERIA: readonly ComponentCriterionEnumType[] = ['Active', 'Available', 'Enabled', 'Problem'];

export function toReportData(e: VariableEntry): ReportDataType {
  const variableAttribute: VariableAttributeType[] = [];
  // [B07.FR.11] all supported attribute types are reported, even if unset.
  for (const type of ATTRIBUTE_TYPES) {
    const a = e.attributes[type];
    if (!a) continue;
    const attr: VariableAttributeType = { type, mutability: a.mutability, persistent: a.persistent ?? false, constant: a.constant ?? false };
    // [B07.FR.03] [B08.FR.03] never report the value of WriteOnly variables.
    if (a.mutability !== 'WriteOnly' && a.value !== undefined) attr.value = a.value;
    variableAttribute.push(attr);
  }
  // [B07.FR.07] [B07.FR.08] [B08.FR.12] variableCharacteristics are always included.
  return { component: structuredClone(e.component), variable: structuredClone(e.variable), variableAttribute, variableCharacteristics: { ...e.characteristics } };
}

function isWritable(e: VariableEntry): boolean {
  return ATTRIBUTE_TYPES.some((t) => { const m = e.attributes[t]?.mutability; return m === 'ReadWrite' || m === 'WriteOnly'; });
}

const ABNORMAL = new Set(['Problem', 'Tripped', 'Overload', 'Fallback']);

export function baseReportEntries(entries: VariableEntry[], base: ReportBaseEnumType): VariableEntry[] {
  switch (base) {
    case 'FullInventory': return entries; // [B07.FR.08]
    case 'ConfigurationInventory': return entries.filter(isWritable); // [B07.FR.07] variables that can be set by the operator
    case 'SummaryInventory': {
      // [B07.FR.09] availability of ChargingStation/EVSE/Connector plus components in an abnormal state.
      const abnormal = new Set(entries.filter((e) => ABNORMAL.has(e.variable.name) && e.attributes.Actual?.value === 'true').map((e) => componentKey(e.component)));
      return entries.filter((e) =>
        (e.variable.name === 'AvailabilityState' && ['ChargingStation', 'EVSE', 'Connector'].includes(e.component.name))
        || (abnormal.has(componentKey(e.component)) && (ABNORMAL.has(e.variable.name) || e.variable.name === 'Active')));
    }
  }
}

/** Does the component match a componentVariable's component (B08.FR.22..25)? */
function componentMatches(want: ComponentType, have: ComponentType): boolean {
  if (want.name !== have.name) return false;
  // [B08.FR.24] instance given -> only that instance; [B08.FR.25] no instance -> every instance (or none).
  if (want.instance !== undefined && want.instance !== have.instance) return false;
  // [B08.FR.23] no evse -> every evse including top-level; [B08.FR.22] evse without connectorId -> every connector.
  if (want.evse) {
    if (have.evse?.id !== want.evse.id) return false;
    if (want.evse.connectorId !== undefined && have.evse.connectorId !== want.evse.connectorId) return false;
  }
  return true;
}

function matchesComponentVariable(e: VariableEntry, cv: ComponentVariableType): boolean {
  if (!componentMatches(cv.component, e.component)) return false;
  if (!cv.variable) return true; // [B08.FR.20] no variable -> every variable of the component
  if (cv.variable.name !== e.variable.name) return false;
  // [B08.FR.21] variable without instance -> every instance of the variable
  return cv.variable.instance === undefined || cv.variable.instance === e.variable.instance;
}

function criterionHolds(compEntries: VariableEntry[], c: ComponentCriterionEnumType): boolean {
  const v = compEntries.find((e) => e.variable.name === c && e.variable.instance === undefined)?.attributes.Actual?.value;
  // [B08.FR.10] Problem: only components where Problem is true.
  if (c === 'Problem') return v === 'true';
  // [B08.FR.07] [B08.FR.08] [B08.FR.09] Active/Available/Enabled: true, or the variable is absent.
  return v === undefined || v === 'true';
}

export function customReportEntries(entries: VariableEntry[], criteria?: ComponentCriterionEnumType[], componentVariables?: ComponentVariableType[]): VariableEntry[] {
  let out = entries;
  if (criteria && criteria.length) {
    const byComp = new Map<string, VariableEntry[]>();
    for (const e of entries) {
      const k = componentKey(e.component);
      byComp.set(k, [...(byComp.get(k) ?? []), e]);
    }
    // [B08.FR.13] more than one criterion -> logical OR.
    const keep = new Set([...byComp].filter(([, es]) => criteria.some((c) => criterionHolds(es, c))).map(([k]) => k));
    out = out.filter((e) => keep.has(componentKey(e.component)));
  }
  // [B08.FR.05] [B08.FR.11] limit to the set of componentVariables (intersection with criteria when both given).
  if (componentVariables && componentVariables.length) out = out.filter((e) => componentVariables.some((cv) => matchesComponentVariable(e, cv)));
  return out;
}

export interface ReportPart { seqNo: number; tbc: boolean; reportData: ReportDataType[] }

/** Splits report data into NotifyReport-sized parts: seqNo 0..n ([B07.FR.10] [B08.FR.14]), tbc true except on the last. */
export function paginate(reportData: ReportDataType[], itemsPerMessage: number): ReportPart[] {
  if (!Number.isInteger(itemsPerMessage) || itemsPerMessage < 1) throw new RangeError(`itemsPerMessage must be a positive integer, got ${itemsPerMessage}`);
  const parts: ReportPart[] = [];
  for (let i = 0; i < reportData.length; i += itemsPerMessage) {
    parts.push({ seqNo: parts.length, tbc: i + itemsPerMessage < reportData.length, reportData: reportData.slice(i, i + itemsPerMessage) });
  }
  return parts;
}
