// The dispatch table is derived from the block objects (design habit 1): no central switch. For each
// connection, every handler of every block is registered, wrapped to apply the B01–B03 gate and to
// build the BlockContext.
import { RpcError, type Action, type CallContext, type OcppEndpoint } from '@chargewire/ocpp';
import type { Block, BlockContext, BlockHandler, CsmsRuntime } from './runtime.ts';
import type { LiveSession } from './station-session.ts';

/** action -> [block, handler]; throws when two blocks claim the same action. */
export function buildDispatchTable(blocks: readonly Block[]): Map<Action, { block: Block; handler: BlockHandler<Action> }> {
  const table = new Map<Action, { block: Block; handler: BlockHandler<Action> }>();
  for (const block of blocks) {
    for (const [action, handler] of Object.entries(block.handlers)) {
      if (!handler) continue;
      const prev = table.get(action as Action);
      if (prev) throw new Error(`action ${action} is handled by both block ${prev.block.id} and block ${block.id}`);
      table.set(action as Action, { block, handler: handler as BlockHandler<Action> });
    }
  }
  return table;
}

export function blockContext(csms: CsmsRuntime, session: LiveSession, messageId: string): BlockContext {
  return { csms, session, stationId: session.stationId, version: session.version, messageId, log: session.log };
}

/**
 * Run one block handler for one inbound CALL: first the boot gate, then the handler with its
 * BlockContext. Not async: a refusal throws, and the endpoint answers a throw with the same CALLERROR
 * as a rejection. Shared by registerHandlers and the shared handler table (station-session.ts).
 */
export function runGated(
  csms: CsmsRuntime,
  session: LiveSession,
  action: Action,
  handler: BlockHandler<Action>,
  cctx: CallContext,
  request: unknown,
  track: (running: Promise<unknown>) => void,
): Promise<unknown> {
  // [FR.04] [B01.FR.10] [B02.FR.09] [B03.FR.07] only allowed messages pass before Accepted
  const fr = session.gate.refusal(action, request);
  if (fr) {
    session.log.warn({ action, messageId: cctx.messageId, bootStatus: session.bootStatus, rule: fr }, 'message refused before boot was accepted');
    throw new RpcError('SecurityError', `${action} not allowed while the station is ${session.bootStatus ?? 'not booted'} (${fr})`);
  }
  const running = handler(blockContext(csms, session, cctx.messageId), request as never);
  track(running);
  return running;
}

/** Register every handler of the table on one station's endpoint. */
export function registerHandlers(
  endpoint: OcppEndpoint,
  table: ReturnType<typeof buildDispatchTable>,
  csms: CsmsRuntime,
  session: LiveSession,
  track: (running: Promise<unknown>) => void = () => {},
): void {
  for (const [action, { handler }] of table) {
    endpoint.handle(action, (cctx: CallContext, request: unknown) => runGated(csms, session, action, handler, cctx, request, track) as never);
  }
}
