// Minimal structural OCPP 2.1 shapes used by the device model, matching the official JSON schemas
// (GetVariablesRequest/Response, SetVariablesRequest/Response, NotifyReportRequest, GetReportRequest).
// When packages/ocpp/src/generated/types.ts exists, these can be swapped for
// `import type { ... } from '@chargewire/ocpp/types'` without changing any other file.
export interface CustomDataType { vendorId: string; [k: string]: unknown }
export type AttributeEnumType = 'Actual' | 'Target' | 'MinSet' | 'MaxSet';
export type MutabilityEnumType = 'ReadOnly' | 'WriteOnly' | 'ReadWrite';
export type DataEnumType = 'string' | 'decimal' | 'integer' | 'dateTime' | 'boolean' | 'OptionList' | 'SequenceList' | 'MemberList';
export type GetVariableStatusEnumType = 'Accepted' | 'Rejected' | 'UnknownComponent' | 'UnknownVariable' | 'NotSupportedAttributeType';
export type SetVariableStatusEnumType = GetVariableStatusEnumType | 'RebootRequired';
export type ComponentCriterionEnumType = 'Active' | 'Available' | 'Enabled' | 'Problem';
export type ReportBaseEnumType = 'ConfigurationInventory' | 'FullInventory' | 'SummaryInventory';

export interface EVSEType { id: number; connectorId?: number; customData?: CustomDataType }
export interface ComponentType { name: string; instance?: string; evse?: EVSEType; customData?: CustomDataType }
export interface VariableType { name: string; instance?: string; customData?: CustomDataType }
export interface StatusInfoType { reasonCode: string; additionalInfo?: string; customData?: CustomDataType }

export interface GetVariableDataType { attributeType?: AttributeEnumType; component: ComponentType; variable: VariableType; customData?: CustomDataType }
export interface GetVariableResultType {
  attributeStatus: GetVariableStatusEnumType; attributeStatusInfo?: StatusInfoType; attributeType?: AttributeEnumType;
  attributeValue?: string; component: ComponentType; variable: VariableType; customData?: CustomDataType;
}
export interface SetVariableDataType { attributeType?: AttributeEnumType; attributeValue: string; component: ComponentType; variable: VariableType; customData?: CustomDataType }
export interface SetVariableResultType {
  attributeType?: AttributeEnumType; attributeStatus: SetVariableStatusEnumType; attributeStatusInfo?: StatusInfoType;
  component: ComponentType; variable: VariableType; customData?: CustomDataType;
}
export interface VariableAttributeType {
  type?: AttributeEnumType; value?: string; mutability?: MutabilityEnumType; persistent?: boolean; constant?: boolean; customData?: CustomDataType;
}
export interface VariableCharacteristicsType {
  unit?: string; dataType: DataEnumType; minLimit?: number; maxLimit?: number; maxElements?: number; valuesList?: string;
  supportsMonitoring: boolean; customData?: CustomDataType;
}
export interface ReportDataType {
  component: ComponentType; variable: VariableType; variableAttribute: VariableAttributeType[];
  variableCharacteristics?: VariableCharacteristicsType; customData?: CustomDataType;
}
export interface ComponentVariableType { component: ComponentType; variable?: VariableType; customData?: CustomDataType }
