// @chargewire/csms: the CSMS server. `createCsms(config)` runs one; `loadConfig()` builds the config.
export { createCsms, openConfiguredStore, type Csms, type CsmsAddresses, type CreateCsmsOptions } from './csms.ts';
export { loadConfig, defaultConfig, helpText, options as configOptions, type CsmsConfig, type DeepPartial } from './config.ts';
export { CsmsError, csmsErrorCodes, type CsmsErrorCode } from './errors.ts';
export type { CsmsRuntime, StationSession, BlockContext, BlockHandler, Block } from './runtime.ts';
export type { EventBus, CsmsEvent } from './bus/bus.ts';
export { createMemoryBus } from './bus/memory.ts';
export { createMemoryStore } from './store/memory.ts';
export { hashPassword, verifyPassword } from './password.ts';
export { blocks } from './blocks/index.ts';
export { requestReport, requestCustomReport, setVariables, getVariables, setNetworkProfile, reset } from './blocks/provisioning-commands.ts';
export { changeAvailability } from './blocks/availability.ts';
export { registerVendorHandler, sendDataTransfer, type VendorHandler } from './blocks/data-transfer.ts';
