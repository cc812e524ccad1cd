// A functional block of the station: the CSMS-to-station actions it answers (design habit 1/7).
import type { Action, ActionMap } from '@chargewire/ocpp';
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
}
