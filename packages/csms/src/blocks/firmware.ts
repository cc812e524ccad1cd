// Block L, Firmware Management, CSMS side: FirmwareStatusNotification (L01/L02 status reports, and the answer
// to TriggerMessage FirmwareStatusNotification, F06.FR.16 / TC_F_18_CSMS) is answered and logged.
// UpdateFirmware (L01/L02) and PublishFirmware (L03) are not offered by the CSMS yet.
import type { FirmwareStatusNotificationRequest, FirmwareStatusNotificationResponse } from '@chargewire/ocpp/types';
import type { Block, BlockContext } from '../runtime.ts';

export async function firmwareStatusNotification(ctx: BlockContext, req: FirmwareStatusNotificationRequest): Promise<FirmwareStatusNotificationResponse> {
  // [L01.FR.01] [L02.FR.01] every new status of the update process is reported; the CSMS confirms receipt
  ctx.log.info({ status: req.status, requestId: req.requestId }, 'firmware status');
  return {};
}

export const firmware: Block = {
  id: 'L',
  name: 'FirmwareManagement',
  handlers: { FirmwareStatusNotification: firmwareStatusNotification },
};
