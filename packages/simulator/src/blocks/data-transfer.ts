// P — Data Transfer, station side: answer incoming DataTransfer (P01) and send our own (P02).
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { Station } from '../station.ts';

/** [P02] station-initiated DataTransfer; undefined when offline or not Accepted. */
export function dataTransfer(st: Station, vendorId: string, messageId?: string, data?: unknown): Promise<OcppTypes.DataTransferResponse | undefined> {
  return st.call('DataTransfer', { vendorId, ...(messageId ? { messageId } : {}), ...(data !== undefined ? { data } : {}) });
}

export const block: Block = {
  id: 'P',
  name: 'Data Transfer',
  handlers: {
    // [P01.FR.05] an unknown vendorId is answered UnknownVendorId (unless a custom handler is configured).
    DataTransfer: (st, req) => (st.opts.dataTransfer ? st.opts.dataTransfer(req) : { status: 'UnknownVendorId' }),
  },
};
