// @chargewire/simulator: a spec-conformant OCPP 2.1 / 2.0.1 charging station in software.
export { createStation, Station } from './station.ts';
// Driver, EV and test-bench actions are Station methods (station-actions.ts), e.g. pressStartButton, driveIn / driveOut,
// setLockFailure, setTemporarilyUnable, allowUnsignedFirmware, setLogUploadMethod; these are their argument types.
export type { FaultReason } from './connector-fault.ts';
export type { UnableTo } from './blocks/provisioning.ts';
export type { TransactionLimit } from './evse.ts';
export type { StationOptions, StationEvents, StationSnapshot, StationLink, EvseOptions, ConnectorOptions, Registration } from './station-types.ts';
export { MemoryLink } from './memory-link.ts';
export { ManualClock, SystemClock, WheelClock, settle, type Clock } from './clock.ts';
export { Meter, deliveredPower } from './meter.ts';
export { DurableQueue } from './offline-queue.ts';
export { dataTransfer } from './blocks/data-transfer.ts';
export { checkContract, contractAuthorization, type EvContract, type ContractResult, type ContractCheck } from './blocks/iso15118-auth.ts';
export { BLOCKS } from './blocks/index.ts';
export { ScriptedCsms } from './testing/scripted-csms.ts';
export { runScenario, loadScenario, type Scenario, type ScenarioStep } from './scenario.ts';
export { runSwarm, type SwarmOptions } from './swarm.ts';
export { PaymentTerminal, type PaymentCard, type PaymentOptions, type TerminalOptions } from './payment-terminal.ts';
export { paymentTerminal, paymentDisplay } from './blocks/payments.ts';
export { totpV1, verifyTotpV1, type QrLimits } from './web-payment-qr.ts';
