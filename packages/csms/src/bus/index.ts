// The bus the configuration names (bus.kind): the in-process memory bus, or NATS for several nodes.
import type { CsmsConfig } from '../config.ts';
import type { EventBus } from './bus.ts';
import { createMemoryBus } from './memory.ts';
import { createNatsBus } from './nats.ts';

export function createConfiguredBus(cfg: CsmsConfig, onListenerError?: (err: unknown) => void): EventBus {
  if (cfg.bus.kind === 'nats') {
    return createNatsBus({ url: cfg.bus.natsUrl, subjectPrefix: cfg.bus.subjectPrefix, ...(onListenerError ? { onListenerError } : {}) });
  }
  return createMemoryBus(onListenerError);
}

export { createMemoryBus } from './memory.ts';
export { createNatsBus, type NatsBus, type NatsBusOptions } from './nats.ts';
export { BusError, busErrorCodes, type BusErrorCode, type CsmsEvent, type EventBus } from './bus.ts';
