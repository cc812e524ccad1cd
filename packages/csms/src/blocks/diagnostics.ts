// Block N, Diagnostics, basics on the CSMS side: NotifyEvent stored and queryable (full monitoring comes
// later), LogStatusNotification (N01 upload status, also the answer to TriggerMessage LogStatusNotification),
// and SecurityEventNotification (A04, kept here until a security block exists).
import type {
  LogStatusNotificationRequest, LogStatusNotificationResponse, NotifyEventRequest, NotifyEventResponse, SecurityEventNotificationRequest, SecurityEventNotificationResponse,
} from '@chargewire/ocpp/types';
import type { Block, BlockContext } from '../runtime.ts';
import { applyAvailabilityEvents } from './availability.ts';

export async function notifyEvent(ctx: BlockContext, req: NotifyEventRequest): Promise<NotifyEventResponse> {
  // Stored (durably) before we answer.
  await ctx.csms.store.appendEvents(ctx.stationId, req.generatedAt, req.seqNo, req.eventData);
  // 2.1 connector status form (B01.FR.05, G01.FR.03–07): NotifyEvent(Connector.AvailabilityState)
  await applyAvailabilityEvents(ctx.csms, ctx.stationId, req.eventData);
  for (const e of req.eventData) {
    if (e.component.name === 'ConnectorPlugRetentionLock' && e.variable.name === 'Problem' && e.actualValue.toLowerCase() === 'true') {
      // G05: the connector could not be locked; the station will not start charging (G05.FR.01)
      ctx.log.warn({ evse: e.component.evse }, 'connector lock failure reported');
    }
  }
  ctx.csms.bus.publish({ type: 'station.event', stationId: ctx.stationId, count: req.eventData.length, at: new Date().toISOString() });
  // [G05.FR.03] the CSMS responds with a NotifyEventResponse (also for a lock failure)
  return {};
}

export async function securityEventNotification(ctx: BlockContext, req: SecurityEventNotificationRequest): Promise<SecurityEventNotificationResponse> {
  await ctx.csms.store.appendSecurityEvent(ctx.stationId, { type: req.type, timestamp: req.timestamp, ...(req.techInfo ? { techInfo: req.techInfo } : {}) });
  ctx.log.info({ type: req.type }, 'security event');
  // [A04.FR.03] confirm receipt with SecurityEventNotificationResponse
  return {};
}

export async function logStatusNotification(ctx: BlockContext, req: LogStatusNotificationRequest): Promise<LogStatusNotificationResponse> {
  // [F06.FR.14] [F06.FR.15] the station reports its log upload status (N01; Idle when not uploading,
  // TC_F_15_CSMS); the CSMS confirms receipt
  ctx.log.info({ status: req.status, requestId: req.requestId }, 'log upload status');
  return {};
}

export const diagnostics: Block = {
  id: 'N',
  name: 'Diagnostics',
  handlers: {
    NotifyEvent: notifyEvent,
    LogStatusNotification: logStatusNotification,
    SecurityEventNotification: securityEventNotification,
  },
};
