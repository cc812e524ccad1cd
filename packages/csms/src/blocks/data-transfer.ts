// Block P, DataTransfer, both directions. Vendor extensions register a handler per vendorId; a
// vendorId without one gets UnknownVendorId (P02.FR.06), never a fake Accepted.
import type { DataTransferRequest, DataTransferResponse } from '@chargewire/ocpp/types';
import type { Block, BlockContext, CsmsRuntime } from '../runtime.ts';
import { CsmsError } from '../errors.ts';

/**
 * Answers one vendor's DataTransfers. Return UnknownMessageId for a messageId it does not implement
 * (P02.FR.07); Accepted/Rejected and `data` are the vendor agreement's business (P02.FR.08).
 */
export type VendorHandler = (ctx: BlockContext, req: DataTransferRequest) => DataTransferResponse | Promise<DataTransferResponse>;

const registries = new WeakMap<CsmsRuntime, Map<string, VendorHandler>>();

function vendorsOf(runtime: CsmsRuntime): Map<string, VendorHandler> {
  let m = registries.get(runtime);
  if (!m) registries.set(runtime, (m = new Map()));
  return m;
}

/** Register the handler for `vendorId` (exact match). Returns a function that unregisters it. */
export function registerVendorHandler(runtime: CsmsRuntime, vendorId: string, handler: VendorHandler): () => void {
  const m = vendorsOf(runtime);
  // [P02.FR.01] one implementation per vendorId (exact match)
  if (m.has(vendorId)) throw new CsmsError('CSMS_ERR_VENDOR_EXISTS', `a DataTransfer handler for vendorId ${vendorId} is already registered`);
  m.set(vendorId, handler);
  return () => void (m.get(vendorId) === handler && m.delete(vendorId));
}

export async function dataTransfer(ctx: BlockContext, req: DataTransferRequest): Promise<DataTransferResponse> {
  const handler = vendorsOf(ctx.csms).get(req.vendorId);
  if (!handler) {
    ctx.log.info({ vendorId: req.vendorId, messageId: req.messageId }, 'DataTransfer for an unknown vendorId');
    // [P02.FR.06] no implementation for this vendorId -> UnknownVendorId
    return { status: 'UnknownVendorId' };
  }
  // [P02.FR.07] [P02.FR.08] [P02.FR.04] [P02.FR.05] [P01.FR.07] messageId matching, Accepted/Rejected and data
  // (any size or shape) belong to the vendor handler; the CSMS passes them through unchanged
  return handler(ctx, req);
}

/** P01: DataTransfer to the station; its answer (incl. UnknownVendorId/UnknownMessageId, P01.FR.05/06) is returned as is. */
// [P01.FR.03] [P01.FR.04] messageId and data go out as given (no length or shape imposed)
export function sendDataTransfer(runtime: CsmsRuntime, stationId: string, req: DataTransferRequest): Promise<DataTransferResponse> {
  return runtime.callStation(stationId, 'DataTransfer', req);
}

export const dataTransferBlock: Block = {
  id: 'P',
  name: 'Data Transfer',
  handlers: { DataTransfer: dataTransfer },
};
