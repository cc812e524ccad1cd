// Handler types and handler tables of the OCPP endpoint (endpoint.ts): who may send which action (from the
// generated registry) and the checks a handler registration makes, shared by OcppEndpoint.handle() and
// sharedHandlerTable().
import { actions, type Action, type ActionMap } from '../generated/actions.ts';
import { OcppError } from './errors.ts';
import type { OcppVersion } from './frame.ts';
import type { OcppEndpoint } from './endpoint.ts';

export type Role = 'csms' | 'station';

export interface CallContext {
  action: string;
  messageId: string;
  version: OcppVersion;
  identity: string;
  endpoint: OcppEndpoint;
  /** true for a SEND (no response will be sent, whatever the handler returns) */
  isSend: boolean;
}

export type Handler<A extends Action = Action> = (
  ctx: CallContext,
  request: ActionMap[A]['request'],
) => Promise<ActionMap[A]['response'] | void> | ActionMap[A]['response'] | void;

export type HandlerTable = { [A in Action]?: Handler<A> };

type ActionMeta = { direction: 'toCsms' | 'toStation' | 'both'; send: boolean; versions: readonly string[] };
/** The generated registry's entry per action (internal to the endpoint). */
export const meta = actions as unknown as Record<string, ActionMeta>;

/** May `role` send `action` (as CALL or SEND)? From the generated registry. */
export function maySend(role: Role, action: string): boolean {
  const m = meta[action];
  if (!m) return false;
  return m.direction === 'both' || (m.direction === 'toCsms') === (role === 'station');
}

/**
 * A handler table to share between the endpoints of one role (EndpointOptions.handlers), with the
 * checks handle() makes (known action, right direction, one handler per action).
 */
export function sharedHandlerTable(role: Role, entries: Iterable<readonly [string, Handler]>): ReadonlyMap<string, Handler> {
  const table = new Map<string, Handler>();
  for (const [action, fn] of entries) {
    checkHandler(role, table, action);
    table.set(action, fn);
  }
  return table;
}

/** Throws unless `role` may register a handler for `action` in `table` (known, received by that role, not yet registered). */
export function checkHandler(role: Role, table: ReadonlyMap<string, Handler>, action: string): void {
  if (table.has(action)) throw new OcppError('OCPP_ERR_HANDLER_EXISTS', `handler for ${action} already registered`);
  if (!meta[action]) throw new OcppError('OCPP_ERR_UNKNOWN_ACTION', `unknown action ${action}`);
  if (maySend(role, action) && meta[action]?.direction !== 'both') {
    throw new OcppError('OCPP_ERR_WRONG_DIRECTION', `a ${role} does not receive ${action}`);
  }
}
