// P — Data Transfer, station side: answer incoming DataTransfer (P01) and send our own (P02).
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { Station } from '../station.ts';

/** The simulator's own vendor extension (reversed DNS, P01.FR.02): messageId Echo returns the data. */
export const SIM_VENDOR_ID = 'org.chargewire.sim';
const SIM_MESSAGES: Record<string, (data: unknown) => OcppTypes.DataTransferResponse> = {
  Echo: (data) => ({ status: 'Accepted', ...(data !== undefined ? { data } : {}) }),
};

/** A name from the reversed DNS namespace: two or more dot-separated DNS labels (letters, digits, inner hyphens). */
const REVERSED_DNS = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$/;
export const isReversedDns = (vendorId: string): boolean => vendorId.length <= 255 && REVERSED_DNS.test(vendorId);

/**
 * [P02] station-initiated DataTransfer, only when the application asks for it ([P01.FR.01] [P02.FR.02]:
 * the station never uses it for OCPP functions); [P02.FR.04] optional messageId. Undefined when offline or not Accepted.
 * [P02.FR.03] the vendorId must be reversed DNS (e.g. com.example.charger): anything else is refused (RangeError),
 * nothing is sent. Which vendor extensions exist is the caller's business (P02.FR.01: it names its own vendorId).
 */
export function dataTransfer(st: Station, vendorId: string, messageId?: string, data?: unknown): Promise<OcppTypes.DataTransferResponse | undefined> {
  if (!isReversedDns(vendorId)) return Promise.reject(new RangeError(`vendorId ${JSON.stringify(vendorId)} is not a reversed DNS name (P02.FR.03)`));
  return st.call('DataTransfer', { vendorId, ...(messageId ? { messageId } : {}), ...(data !== undefined ? { data } : {}) });
}

/** Built-in answer: [P01.FR.05] unknown vendorId -> UnknownVendorId; [P01.FR.06] unknown messageId -> UnknownMessageId. */
export function builtInDataTransfer(req: OcppTypes.DataTransferRequest): OcppTypes.DataTransferResponse {
  if (req.vendorId !== SIM_VENDOR_ID) return { status: 'UnknownVendorId' };
  const fn = req.messageId !== undefined ? SIM_MESSAGES[req.messageId] : undefined;
  return fn ? fn(req.data) : { status: 'UnknownMessageId' };
}

export const block: Block = {
  id: 'P',
  name: 'Data Transfer',
  handlers: {
    // A custom handler (StationOptions.dataTransfer) replaces the built-in vendor.
    DataTransfer: (st, req) => (st.opts.dataTransfer ? st.opts.dataTransfer(req) : builtInDataTransfer(req)),
  },
};
