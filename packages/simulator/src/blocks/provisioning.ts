// B — Provisioning, station side: BootNotification with Pending/Rejected handling (B01–B04),
// Get/SetVariables (B05/B06), GetBaseReport/GetReport + NotifyReport (B07/B08), Reset (B11/B12).
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import { every } from '../clock.ts';
import type { Station } from '../station.ts';
import { endTx } from '../tx-engine.ts';
import { reportStatuses } from './availability.ts';
import { flushSecurityEvents } from './security.ts';

/** Fallback retry interval when the CSMS answers interval = 0 (B02.FR.07, B03.FR.05). */
export const DEFAULT_BOOT_RETRY_S = 30;

export async function boot(st: Station, triggered = false): Promise<OcppTypes.BootNotificationResponse | undefined> {
  st.clock.clearTimeout(st.bootTimer);
  const wasAccepted = st.registration === 'Accepted';
  if (!triggered) st.registration = 'Booting';
  const o = st.opts;
  // [B01.FR.01] [B01.FR.03] BootNotification after (re)start; [B01.FR.09] with the reason.
  const resp = await st.call('BootNotification', {
    chargingStation: {
      vendorName: o.vendorName ?? 'Chargewire', model: o.model ?? 'SimStation',
      ...(o.serialNumber ? { serialNumber: o.serialNumber } : {}), ...(o.firmwareVersion ? { firmwareVersion: o.firmwareVersion } : {}),
    },
    reason: triggered ? 'Triggered' : st.bootReason,
  });
  if (!resp) {
    if (!wasAccepted) st.registration = 'Unknown';
    // No answer (timeout): try again after the default interval if still connected.
    if (st.connected && !wasAccepted) st.bootTimer = st.clock.setTimeout(() => void boot(st), DEFAULT_BOOT_RETRY_S * 1000);
    return undefined;
  }
  st.registration = resp.status;
  st.emit('registration', { status: resp.status, interval: resp.interval });
  if (resp.status === 'Accepted') {
    // [B01.FR.04] adopt the heartbeat interval from the response.
    if (resp.interval > 0) st.dm.setInternal({ name: 'OCPPCommCtrlr' }, { name: 'HeartbeatInterval' }, String(resp.interval));
    st.bootReason = 'PowerUp';
    startHeartbeat(st);
    // [B01.FR.05] report every connector's status (StatusNotification, still allowed in 2.1).
    for (const e of st.evses) reportStatuses(st, e, true);
    // [B01.FR.08] only now the queued transaction messages from earlier sessions go out.
    st.outbox.kick();
    void flushSecurityEvents(st); // [A04] security events raised while not connected
    return resp;
  }
  // [B02.FR.04] [B02.FR.08] [B03.FR.06] retry after the interval; [B02.FR.07] [B03.FR.05] own choice when 0.
  const wait = (resp.interval > 0 ? resp.interval : DEFAULT_BOOT_RETRY_S) * 1000;
  st.bootTimer = st.clock.setTimeout(() => { if (st.connected && st.registration !== 'Accepted') void boot(st); }, wait);
  return resp;
}

/** [G02] Heartbeat every OCPPCommCtrlr.HeartbeatInterval seconds while Accepted and connected. */
export function startHeartbeat(st: Station): void {
  st.stopHeartbeat?.();
  const s = st.num('OCPPCommCtrlr', 'HeartbeatInterval', 300);
  st.stopHeartbeat = s > 0 ? every(st.clock, s * 1000, () => { if (st.connected) void st.call('Heartbeat', {}); }) : undefined;
}

/** Send NotifyReport parts after the response (B07.FR.10 / B08.FR.14 split by ItemsPerMessage). */
function sendReport(st: Station, requestId: number, data: OcppTypes.ReportDataType[]): void {
  st.afterResponse(async () => {
    for (const part of st.dm.paginate(data as never)) {
      await st.call('NotifyReport', {
        requestId, generatedAt: new Date(st.clock.now()).toISOString(), seqNo: part.seqNo,
        ...(part.tbc ? { tbc: true } : {}), reportData: part.reportData as OcppTypes.ReportDataType[],
      }, { triggered: true });
    }
  });
}

export const block: Block = {
  id: 'B',
  name: 'Provisioning',
  handlers: {
    // [B02.FR.01] answered while Pending as well.
    GetVariables: (st, req) => ({ getVariableResult: st.dm.getVariables(req.getVariableData as never) as OcppTypes.GetVariableResultType[] }),
    SetVariables: (st, req) => ({ setVariableResult: st.dm.setVariables(req.setVariableData as never) as OcppTypes.SetVariableResultType[] }),
    GetBaseReport: (st, req) => {
      // [B07.FR.02] unsupported reportBase -> NotSupported.
      if (!st.dm.supportsReportBase(req.reportBase)) return { status: 'NotSupported' };
      sendReport(st, req.requestId, st.dm.report(req.reportBase) as OcppTypes.ReportDataType[]);
      return { status: 'Accepted' };
    },
    GetReport: (st, req) => {
      const status = st.dm.customReportStatus(req.componentCriteria as never, req.componentVariable as never);
      if (status === 'Accepted') sendReport(st, req.requestId, st.dm.customReport(req.componentCriteria as never, req.componentVariable as never) as OcppTypes.ReportDataType[]);
      return { status };
    },
    Reset: (st, req) => {
      const targets = req.evseId !== undefined ? st.evses.filter((e) => e.id === req.evseId) : st.evses;
      // [B11.FR.09] unknown EVSE -> Rejected.
      if (req.evseId !== undefined && targets.length === 0) return { status: 'Rejected' };
      const busy = targets.filter((e) => e.tx);
      if (busy.length && req.type === 'OnIdle') {
        // [B12.FR.01] OnIdle with a transaction: Scheduled, reset after the transactions end.
        st.pendingReset = req;
        return { status: 'Scheduled' };
      }
      st.afterResponse(async () => {
        // [B12.FR.04] [B12.FR.08] Immediate: end transactions with ResetCommand / ImmediateReset first.
        for (const e of busy) { endTx(st, e, 'ResetCommand', 'ImmediateReset'); st.refresh(e, 'ResetCommand'); }
        // [B11.FR.03] [B11.FR.04] whole station: reboot and boot again (B01); an EVSE reset only ends its transaction.
        if (req.evseId === undefined) {
          // Give the Ended events a moment to go out; whatever is left stays queued (B12.FR.05).
          await st.rebootWhenDelivered('RemoteReset');
        }
      });
      // [B11.FR.01] [B12.FR.02] Accepted.
      return { status: 'Accepted' };
    },
  },
};
