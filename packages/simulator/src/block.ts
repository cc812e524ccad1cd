// A functional block of the station: the CSMS-to-station actions it answers (design habit 1/7).
import type { Action, ActionMap, OcppTypes } from '@chargewire/ocpp';
import type { EvseState } from './evse.ts';
import type { Station } from './station.ts';

export type BlockHandler<A extends Action> = (
  st: Station,
  req: ActionMap[A]['request'],
) => Promise<ActionMap[A]['response']> | ActionMap[A]['response'];

export interface Block {
  id: string;
  name: string;
  handlers: { [A in Action]?: BlockHandler<A> };
  /** Called once at the end of the Station constructor (listeners, state restored from the data dir). */
  init?: (st: Station) => void;
  /**
   * Called by tx-engine sendTxEvent for every TransactionEvent it builds, before it is queued: the block adds its own
   * fields (e.g. reservationId, transactionLimit, tariffId / costDetails). The event is complete otherwise (idToken,
   * offline, meterValue); blocks are called in BLOCKS order (blocks/index.ts), so a later block sees what an earlier one added.
   */
  decorateTxEvent?: (st: Station, evse: EvseState, ev: OcppTypes.TransactionEventRequest) => void;
}
