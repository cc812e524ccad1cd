// @chargewire/simulator: a spec-conformant OCPP 2.1 / 2.0.1 charging station in software.
export { createStation, Station } from './station.ts';
export type { StationOptions, StationEvents, StationSnapshot, StationLink, EvseOptions, ConnectorOptions, Registration } from './station-types.ts';
export { MemoryLink } from './memory-link.ts';
export { ManualClock, SystemClock, WheelClock, settle, type Clock } from './clock.ts';
export { Meter, deliveredPower } from './meter.ts';
export { DurableQueue } from './offline-queue.ts';
export { dataTransfer } from './blocks/data-transfer.ts';
export { BLOCKS } from './blocks/index.ts';
export { ScriptedCsms } from './testing/scripted-csms.ts';
export { runScenario, loadScenario, type Scenario, type ScenarioStep } from './scenario.ts';
export { runSwarm, type SwarmOptions } from './swarm.ts';
