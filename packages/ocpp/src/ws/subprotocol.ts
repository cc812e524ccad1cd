// Part 4 §3.1.2 / §3.3: OCPP version negotiation through the WebSocket subprotocol.
import type { OcppVersion } from '../rpc/frame.ts';

export const subprotocolOf: Record<OcppVersion, string> = { '2.1': 'ocpp2.1', '2.0.1': 'ocpp2.0.1' };
export const versionOf: Record<string, OcppVersion> = { 'ocpp2.1': '2.1', 'ocpp2.0.1': '2.0.1' };

/** Pick the first of OUR versions (in our order of preference) that the client offered. */
export function chooseSubprotocol(offered: Iterable<string>, ours: readonly OcppVersion[]): string | false {
  const set = new Set(offered);
  for (const v of ours) if (set.has(subprotocolOf[v])) return subprotocolOf[v];
  return false;
}
