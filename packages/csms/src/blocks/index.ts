// Every functional block the CSMS registers; the dispatch table is derived from this list
// (design habit 1). Add a block by importing it here; never a central switch.
import type { Block } from '../runtime.ts';
import { provisioning } from './provisioning.ts';
import { availability } from './availability.ts';
import { dataTransferBlock } from './data-transfer.ts';
import { diagnostics } from './diagnostics.ts';
import { authorization } from './authorization.ts';
import { localAuthList } from './local-auth-list.ts';
import { transactions } from './transactions.ts';
import { remoteControl } from './remote-control.ts';
import { meterValuesBlock } from './meter-values.ts';
import { certificates } from './certificates.ts';
import { firmware } from './firmware.ts';

export const blocks: readonly Block[] = [provisioning, availability, diagnostics, dataTransferBlock,
  authorization, localAuthList, transactions, remoteControl, meterValuesBlock, certificates, firmware];
