// The station's functional blocks; the dispatch table is derived from these (design habit 1).
import type { Block } from '../block.ts';
import { block as provisioning } from './provisioning.ts';
import { block as authorization } from './authorization.ts';
import { block as iso15118Auth } from './iso15118-auth.ts';
import { block as localAuthList } from './local-auth-list.ts';
import { block as transactions } from './transactions.ts';
import { block as remoteControl } from './remote-control.ts';
import { block as availability } from './availability.ts';
import { block as meterValues } from './meter-values.ts';
import { block as dataTransfer } from './data-transfer.ts';
import { block as security } from './security.ts';
import { block as networkProfiles } from './network-profiles.ts';
import { block as firmware } from './firmware.ts';
import { block as certificates } from './certificates.ts';
import { block as diagnostics } from './diagnostics.ts';
import { block as reservation } from './reservation.ts';
import { block as smartCharging } from './smart-charging.ts';
import { block as payments } from './payments.ts';
import { block as tariffs } from './tariffs.ts';

export const BLOCKS: readonly Block[] = [provisioning, authorization, iso15118Auth, localAuthList, transactions, remoteControl, availability, meterValues, dataTransfer, security, networkProfiles, reservation, firmware, certificates, diagnostics, smartCharging, payments, tariffs];
