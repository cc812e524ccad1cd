// Block B, Provisioning, CSMS side: BootNotification (B01–B03) and NotifyReport (B07/B08) handlers.
// The CSMS-initiated use cases (B05–B12) are helpers in provisioning-commands.ts.
import { RpcError } from '@chargewire/ocpp';
import type { BootNotificationRequest, BootNotificationResponse, NotifyReportRequest, NotifyReportResponse } from '@chargewire/ocpp/types';
import type { Block, BlockContext } from '../runtime.ts';
import { setBootStatus, type LiveSession } from '../station-session.ts';
import type { AuthContext } from '../auth.ts';
import { reportPart } from './report-collector.ts';
import { requestReport } from './provisioning-commands.ts';

export async function bootNotification(ctx: BlockContext, req: BootNotificationRequest): Promise<BootNotificationResponse> {
  const { csms, stationId } = ctx;
  // [B01.FR.11] with security profile 3, the SerialNumber must equal the certificate's CN
  const auth = ctx.session.connection.context as Partial<AuthContext> | undefined;
  const expiredCert = auth?.certificateExpired === true;
  if (ctx.session.securityProfile === 3) {
    const cn = (ctx.session as Partial<LiveSession>).certificateCN ?? auth?.certificateCN;
    if (req.chargingStation.serialNumber !== cn) {
      ctx.log.warn({ serialNumber: req.chargingStation.serialNumber, certificateCN: cn }, 'BootNotification serialNumber does not match the certificate CN; closing');
      // [B01.FR.12] mismatch: close the WebSocket connection
      ctx.session.connection.endpoint.close(1008, 'serialNumber does not match the client certificate');
      throw new RpcError('SecurityError', 'serialNumber does not match the client certificate CN');
    }
  }
  const station = await csms.store.getStation(stationId);
  const firstBoot = !station?.lastBoot;
  // [B07.FR.14] a different firmware version than at the previous boot: the device model may have changed
  const firmwareChanged = !firstBoot && station!.lastBoot!.chargingStation.firmwareVersion !== req.chargingStation.firmwareVersion;
  // [B01.FR.02] answer whether we accept the station: its own policy, else the configured default
  const policy = station?.bootPolicy ?? csms.config.boot.defaultStatus;
  // [A00.FR.429] admitted with an expired certificate: Pending (B02) until the certificate is renewed
  const status = expiredCert && policy === 'Accepted' ? 'Pending' : policy;
  // Accepted: the heartbeat interval; Pending/Rejected: when to retry the boot (B02.FR.08, B03.FR.06).
  const interval = status === 'Accepted' ? csms.config.boot.heartbeatIntervalS : csms.config.boot.retryIntervalS;
  const now = new Date();
  // Durable before the station hears the answer.
  await csms.store.recordBoot({ stationId, at: now, reason: req.reason, chargingStation: req.chargingStation, status, interval });
  // [B02.FR.06] Pending keeps the connection open; the gate now admits only allowed messages.
  setBootStatus(ctx.session, status);
  csms.bus.publish({
    type: 'station.booted', stationId, status, reason: req.reason, model: req.chargingStation.model,
    vendorName: req.chargingStation.vendorName,
    ...(req.chargingStation.firmwareVersion ? { firmwareVersion: req.chargingStation.firmwareVersion } : {}),
    at: now.toISOString(),
  });
  ctx.log.info({ status, reason: req.reason, model: req.chargingStation.model, vendor: req.chargingStation.vendorName }, 'boot');
  if (expiredCert && status === 'Pending') {
    // [A00.FR.429] then immediately A02: ask the station to start the certificate update (TriggerMessage is
    // allowed while Pending, B02.FR.01), after our answer has gone out.
    setImmediate(() => {
      csms.callStation(stationId, 'TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' }).then(
        (r) => ctx.log.info({ status: r.status }, 'certificate renewal requested (A00.FR.429)'),
        (err: Error) => ctx.log.warn({ err: err.message }, 'certificate renewal request failed (A00.FR.429)'),
      );
    });
  }
  if (csms.config.boot.fetchInventory && (firstBoot || firmwareChanged) && status !== 'Rejected') {
    // [B07.FR.14] first connection, or new firmware (device model may have changed): fetch the full device
    // model (after our answer has gone out).
    // [B02.FR.01] allowed while Pending too.
    setTimeout(() => {
      requestReport(csms, stationId, 'FullInventory').then(
        (r) => ctx.log.info({ ...r }, 'device model inventory received'),
        (err: Error) => ctx.log.info({ err: err.message }, 'device model inventory not retrieved'),
      );
    }, 0).unref?.();
  }
  return { currentTime: now.toISOString(), interval, status };
}

export async function notifyReport(ctx: BlockContext, req: NotifyReportRequest): Promise<NotifyReportResponse> {
  // Each part goes into the stored device model as it arrives, before we answer.
  if (req.reportData?.length) await ctx.csms.store.applyReport(ctx.stationId, req.requestId, req.reportData);
  reportPart(ctx.csms, ctx.stationId, req);
  return {};
}

export const provisioning: Block = {
  id: 'B',
  name: 'Provisioning',
  handlers: {
    BootNotification: bootNotification,
    NotifyReport: notifyReport,
  },
};
