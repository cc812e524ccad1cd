export { DeviceModel, DeviceModelError, type DeviceModelJSON, type ChangeListener, type ValueReader, type SetGuard } from './device-model.ts';
export { type StationProfile, DEFAULT_CONTROLLERS, CONTROLLER_DEFAULTS, buildEntries, parseShortcut, NETWORK_SLOTS } from './defaults.ts';
export { paginate, type ReportPart, SUPPORTED_REPORT_BASES, SUPPORTED_CRITERIA } from './report.ts';
export { validateValue } from './validate.ts';
export type { VariableEntry, VariableChange, AttributeState, Characteristics } from './model-types.ts';
export * from './standard-variables.ts';
