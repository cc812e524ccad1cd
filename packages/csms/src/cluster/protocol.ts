// The wire format between CSMS nodes (JSON over NATS), and how call errors cross it.
//   <prefix>.cmd.<nodeId>   request/reply: a CSMS-to-station CALL for a station held by <nodeId>
//   <prefix>.presence       broadcast: up / down / hb (heartbeat) / bye / sync / snap
// The `v` field versions the format; a node drops messages of another version (CLUSTER_ERR_BAD_MESSAGE).
import { OcppError, RpcError, isRpcErrorCode, ocppErrorCodes, type OcppErrorCode, type OcppVersion } from '@chargewire/ocpp';
import { CsmsError, csmsErrorCodes, type CsmsErrorCode } from '../errors.ts';
import { ClusterError, clusterErrorCodes, type ClusterErrorCode } from './errors.ts';

export const WIRE_VERSION = 1;

export const commandSubject = (prefix: string, nodeId: string): string => `${prefix}.cmd.${nodeId}`;
export const presenceSubject = (prefix: string): string => `${prefix}.presence`;

export interface CommandRequest {
  v: 1;
  /** The requesting node (logs). */
  from: string;
  stationId: string;
  action: string;
  payload: unknown;
  timeoutMs: number;
}

export type WireError =
  | { kind: 'rpc'; code: string; message: string; details: Record<string, unknown>; remote: boolean }
  | { kind: 'ocpp'; code: string; message: string }
  | { kind: 'csms'; code: string; message: string }
  | { kind: 'cluster'; code: string; message: string };

export type CommandReply = { v: 1; ok: true; response: unknown } | { v: 1; ok: false; error: WireError };

export type PresenceMessage =
  | { v: 1; t: 'up'; node: string; id: string; ver: OcppVersion; at: number }
  | { v: 1; t: 'down'; node: string; id: string }
  /** Heartbeat; `n` = how many stations the node holds (a receiver whose count differs asks for a snapshot). */
  | { v: 1; t: 'hb'; node: string; n: number }
  /** Graceful stop: every station of the node is offline now. */
  | { v: 1; t: 'bye'; node: string }
  /** Ask `target` (or every node when absent) for a snapshot. */
  | { v: 1; t: 'sync'; node: string; target?: string }
  /** One part of a node's full station list; the receiver replaces the node's entries once all parts arrived. */
  | { v: 1; t: 'snap'; node: string; epoch: number; part: number; parts: number; list: Array<[string, OcppVersion, number]> };

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encode(msg: CommandRequest | CommandReply | PresenceMessage): Uint8Array {
  return enc.encode(JSON.stringify(msg));
}

function decodeObject(data: Uint8Array): Record<string, unknown> {
  let m: unknown;
  try {
    m = JSON.parse(dec.decode(data));
  } catch {
    throw new ClusterError('CLUSTER_ERR_BAD_MESSAGE', 'cluster message is not JSON');
  }
  if (m === null || typeof m !== 'object' || Array.isArray(m)) throw new ClusterError('CLUSTER_ERR_BAD_MESSAGE', 'cluster message is not an object');
  const o = m as Record<string, unknown>;
  if (o['v'] !== WIRE_VERSION) throw new ClusterError('CLUSTER_ERR_BAD_MESSAGE', `cluster message of format version ${String(o['v'])}, expected ${WIRE_VERSION}`);
  return o;
}

const isStr = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 256;

export function decodeRequest(data: Uint8Array): CommandRequest {
  const o = decodeObject(data);
  if (!isStr(o['from']) || !isStr(o['stationId']) || !isStr(o['action']) || typeof o['timeoutMs'] !== 'number' || !(o['timeoutMs'] > 0)) {
    throw new ClusterError('CLUSTER_ERR_BAD_MESSAGE', 'malformed cluster command');
  }
  return o as unknown as CommandRequest;
}

export function decodeReply(data: Uint8Array): CommandReply {
  const o = decodeObject(data);
  if (o['ok'] === true) return o as unknown as CommandReply;
  const e = o['error'] as Record<string, unknown> | undefined;
  if (o['ok'] !== false || !e || typeof e !== 'object' || !isStr(e['kind']) || !isStr(e['code']) || typeof e['message'] !== 'string') {
    throw new ClusterError('CLUSTER_ERR_BAD_MESSAGE', 'malformed cluster reply');
  }
  return o as unknown as CommandReply;
}

const presenceTypes = new Set(['up', 'down', 'hb', 'bye', 'sync', 'snap']);

export function decodePresence(data: Uint8Array): PresenceMessage {
  const o = decodeObject(data);
  if (!isStr(o['t']) || !presenceTypes.has(o['t']) || !isStr(o['node'])) throw new ClusterError('CLUSTER_ERR_BAD_MESSAGE', 'malformed presence message');
  const t = o['t'];
  if ((t === 'up' || t === 'down') && !isStr(o['id'])) throw new ClusterError('CLUSTER_ERR_BAD_MESSAGE', `presence ${t} without station id`);
  if (t === 'up' && (typeof o['at'] !== 'number' || (o['ver'] !== '2.1' && o['ver'] !== '2.0.1'))) throw new ClusterError('CLUSTER_ERR_BAD_MESSAGE', 'presence up without version/at');
  if (t === 'hb' && typeof o['n'] !== 'number') throw new ClusterError('CLUSTER_ERR_BAD_MESSAGE', 'heartbeat without station count');
  if (t === 'snap' && (!Array.isArray(o['list']) || typeof o['epoch'] !== 'number' || typeof o['part'] !== 'number' || typeof o['parts'] !== 'number')) {
    throw new ClusterError('CLUSTER_ERR_BAD_MESSAGE', 'malformed snapshot part');
  }
  return o as unknown as PresenceMessage;
}

/** A call error as it travels back to the requesting node. */
export function errorToWire(err: unknown): WireError {
  if (err instanceof RpcError) return { kind: 'rpc', code: err.code, message: err.message, details: jsonSafe(err.details), remote: err.remote };
  if (err instanceof OcppError) return { kind: 'ocpp', code: err.code, message: err.message };
  if (err instanceof CsmsError) return { kind: 'csms', code: err.code, message: err.message };
  if (err instanceof ClusterError) return { kind: 'cluster', code: err.code, message: err.message };
  return { kind: 'cluster', code: 'CLUSTER_ERR_REMOTE', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}

/** The error the requesting node throws: the same class and code the owner's local call raised. */
export function wireToError(e: WireError, where: string): Error {
  switch (e.kind) {
    case 'rpc':
      if (isRpcErrorCode(e.code)) return new RpcError(e.code, e.message, e.details ?? {}, e.remote === true);
      break;
    case 'ocpp':
      if (Object.hasOwn(ocppErrorCodes, e.code)) return new OcppError(e.code as OcppErrorCode, e.message);
      break;
    case 'csms':
      if (Object.hasOwn(csmsErrorCodes, e.code)) return new CsmsError(e.code as CsmsErrorCode, e.message, { node: where });
      break;
    case 'cluster':
      if (Object.hasOwn(clusterErrorCodes, e.code)) return new ClusterError(e.code as ClusterErrorCode, `${where}: ${e.message}`);
      break;
  }
  return new ClusterError('CLUSTER_ERR_REMOTE', `${where}: ${e.kind} error ${e.code}: ${e.message}`);
}

function jsonSafe(details: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  } catch {
    return {};
  }
}
