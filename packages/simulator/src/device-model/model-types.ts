// Internal device model types: one VariableEntry per component/variable (with its addressing).
import type {
  AttributeEnumType, ComponentType, DataEnumType, MutabilityEnumType, VariableType,
} from './ocpp-shapes.ts';

export interface AttributeState {
  value?: string; // undefined = supported but unset (reported as '' per B06.FR.13)
  mutability: MutabilityEnumType;
  persistent?: boolean;
  constant?: boolean;
}

export interface Characteristics {
  dataType: DataEnumType; unit?: string; minLimit?: number; maxLimit?: number; maxElements?: number;
  valuesList?: string; supportsMonitoring: boolean;
}

export interface VariableEntry {
  component: ComponentType;
  variable: VariableType;
  characteristics: Characteristics;
  attributes: Partial<Record<AttributeEnumType, AttributeState>>;
  /** A successful set returns RebootRequired instead of Accepted (value takes effect after reboot). */
  rebootRequired?: boolean;
}

export interface VariableChange {
  component: ComponentType; variable: VariableType; attributeType: AttributeEnumType;
  value: string; previous: string | undefined; rebootRequired: boolean;
}

export const ATTRIBUTE_TYPES: readonly AttributeEnumType[] = ['Actual', 'Target', 'MinSet', 'MaxSet'];

/** Stable identity of a component (name, instance, evse, connector). */
export function componentKey(c: ComponentType): string {
  return `${c.name}|${c.instance ?? ''}|${c.evse?.id ?? ''}|${c.evse?.connectorId ?? ''}`;
}

/** Stable identity of a component-variable pair. */
export function entryKey(c: ComponentType, v: VariableType): string {
  return `${componentKey(c)}|${v.name}|${v.instance ?? ''}`;
}
