// The station's functional blocks; the dispatch table is derived from these (design habit 1).
import type { Block } from '../block.ts';
import { block as provisioning } from './provisioning.ts';
import { block as authorization } from './authorization.ts';
import { block as localAuthList } from './local-auth-list.ts';
import { block as transactions } from './transactions.ts';
import { block as remoteControl } from './remote-control.ts';
import { block as availability } from './availability.ts';
import { block as meterValues } from './meter-values.ts';
import { block as dataTransfer } from './data-transfer.ts';
import { block as security } from './security.ts';
import { block as networkProfiles } from './network-profiles.ts';

export const BLOCKS: readonly Block[] = [provisioning, authorization, localAuthList, transactions, remoteControl, availability, meterValues, dataTransfer, security, networkProfiles];
