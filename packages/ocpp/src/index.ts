// @chargewire/ocpp: OCPP-J 2.1 / 2.0.1 protocol library.
export * from './rpc/errors.ts';
export * from './rpc/frame.ts';
export * from './rpc/limits.ts';
export * from './rpc/hooks.ts';
export * from './rpc/endpoint.ts';
export * from './rpc/validate.ts';
export * from './rpc/memory-transport.ts';
export * from './ws/server.ts';
export * from './ws/client.ts';
export * from './ws/backoff.ts';
export * from './ws/identity.ts';
export * from './ws/subprotocol.ts';
export * from './pem.ts';
export * from './mask.ts';
// Also published as the subpaths @chargewire/ocpp/local-time and @chargewire/ocpp/decimal.
export * from './util/local-time.ts';
export * as decimal from './util/decimal.ts';
export { actions, blocks } from './generated/actions.ts';
export type { Action, ActionMap, ActionRequest, ActionResponse, BlockId, Direction } from './generated/actions.ts';
export type * as OcppTypes from './generated/types.ts';
export { loadSchema, schemaFileName } from './schemas.ts';
