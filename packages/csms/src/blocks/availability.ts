// Block G, Availability, CSMS side: StatusNotification (G01, the 2.0.1 form), connector status from
// NotifyEvent AvailabilityState (the 2.1 form, B01.FR.05 / G01.FR.03–07), Heartbeat (G02),
// ChangeAvailability (G03/G04) as a helper. Lock failure (G05) arrives as NotifyEvent (diagnostics.ts).
import type {
  ChangeAvailabilityResponse, ConnectorStatusEnumType, EventDataType, EVSEType, HeartbeatRequest, HeartbeatResponse,
  OperationalStatusEnumType, StatusNotificationRequest, StatusNotificationResponse,
} from '@chargewire/ocpp/types';
import type { Block, BlockContext, CsmsRuntime } from '../runtime.ts';
import { isoNow } from '../iso-time.ts';

const CONNECTOR_STATUSES: readonly ConnectorStatusEnumType[] = ['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted'];

async function storeStatus(csms: CsmsRuntime, stationId: string, evseId: number, connectorId: number, status: ConnectorStatusEnumType, at: string): Promise<void> {
  const { applied } = await csms.store.upsertConnectorStatus({ stationId, evseId, connectorId, status, at });
  // An older status (out-of-order delivery after an offline period) is not applied and not announced.
  if (applied) csms.bus.publish({ type: 'connector.status', stationId, evseId, connectorId, status, at });
}

export async function statusNotification(ctx: BlockContext, req: StatusNotificationRequest): Promise<StatusNotificationResponse> {
  // [G01.FR.01] the status is one of ConnectorStatusEnumType (the schema validated it); stored before we answer.
  await storeStatus(ctx.csms, ctx.stationId, req.evseId, req.connectorId, req.connectorStatus, req.timestamp);
  return {};
}

/**
 * The 2.1 form: NotifyEvent with component "Connector", variable "AvailabilityState" (G01.FR.03–07).
 * Returns how many connector statuses it applied. Called by the NotifyEvent handler.
 */
export async function applyAvailabilityEvents(csms: CsmsRuntime, stationId: string, events: EventDataType[]): Promise<number> {
  let n = 0;
  for (const e of events) {
    if (e.variable.name !== 'AvailabilityState' || e.component.name !== 'Connector') continue;
    const evse = e.component.evse;
    const status = e.actualValue as ConnectorStatusEnumType;
    if (!evse || !CONNECTOR_STATUSES.includes(status)) continue;
    await storeStatus(csms, stationId, evse.id, evse.connectorId ?? 1, status, e.timestamp);
    n++;
  }
  return n;
}

export async function heartbeat(ctx: BlockContext, _req: HeartbeatRequest): Promise<HeartbeatResponse> {
  const now = isoNow();
  // [G02.FR.04] any message means the station is available: lastSeen is kept by the session hooks.
  ctx.csms.bus.publish({ type: 'station.heartbeat', stationId: ctx.stationId, at: now });
  // [G02.FR.03] the response carries the CSMS's current time
  return { currentTime: now };
}

/** G03 (EVSE or connector: pass `evse`) / G04 (whole station: omit it). */
export function changeAvailability(runtime: CsmsRuntime, stationId: string, operationalStatus: OperationalStatusEnumType, evse?: EVSEType): Promise<ChangeAvailabilityResponse> {
  return runtime.callStation(stationId, 'ChangeAvailability', { operationalStatus, ...(evse ? { evse } : {}) });
}

export const availability: Block = {
  id: 'G',
  name: 'Availability',
  handlers: {
    StatusNotification: statusNotification,
    Heartbeat: heartbeat,
  },
};
