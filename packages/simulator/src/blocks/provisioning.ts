// B — Provisioning, station side: BootNotification with Pending/Rejected handling (B01–B04),
// Get/SetVariables (B05/B06), GetBaseReport/GetReport + NotifyReport (B07/B08), Reset (B11/B12, B13).
import { RpcError, type OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { Station } from '../station.ts';
import { endTx } from '../tx-engine.ts';
import { canResumeAfterReset, resetAndResume } from '../reset-resume.ts';
import type { EvseState } from '../evse.ts';
import { reportStatuses, sendStatus } from './availability.ts';
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
      ...(o.serialNumber ? { serialNumber: o.serialNumber } : {}), ...(st.firmwareVersion ? { firmwareVersion: st.firmwareVersion } : {}),
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
  // [B01.FR.06] adopt the CSMS time when ClockCtrlr.TimeSource uses Heartbeat.
  syncClock(st, resp.currentTime);
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
  if (resp.status === 'Rejected' && st.opts.closeWhileRejected && !triggered) {
    // [B03.FR.04] Rejected: close the connection until the next BootNotification is due; the new connection boots
    // again (the registration is not Accepted). Station.stop() clears the timer.
    st.bootTimer = st.clock.setTimeout(() => { if (st.registration !== 'Accepted') void st.goOnline(); }, wait);
    void st.goOffline();
    return resp;
  }
  st.bootTimer = st.clock.setTimeout(() => { if (st.connected && st.registration !== 'Accepted') void boot(st); }, wait);
  return resp;
}

/** [B01.FR.06] [G02.FR.06] set the station clock to the CSMS time when TimeSource lists Heartbeat. */
export function syncClock(st: Station, currentTime: string | undefined): void {
  const t = currentTime ? Date.parse(currentTime) : Number.NaN;
  if (!Number.isFinite(t) || !st.list('ClockCtrlr', 'TimeSource').includes('Heartbeat')) return;
  st.clock.setTime?.(t);
  const seen = lastSent.get(st);
  const now = st.clock.now();
  if (seen) { seen.any = Math.min(seen.any, now); seen.heartbeat = Math.min(seen.heartbeat, now); }
}

/** Last time (station clock) a message went to the CSMS / a Heartbeat was sent, per station. */
const lastSent = new WeakMap<Station, { any: number; heartbeat: number }>();
const DAY_MS = 24 * 3600_000;

/**
 * [G02] Heartbeat every OCPPCommCtrlr.HeartbeatInterval seconds while Accepted and connected.
 * [G02.FR.05] the timer restarts whenever another message was sent; [G02.FR.07] still at least one
 * Heartbeat every 24 hours when Heartbeat is the time source.
 */
export function startHeartbeat(st: Station): void {
  st.stopHeartbeat?.();
  st.stopHeartbeat = undefined;
  // [G02.FR.01] [G02.FR.02] interval from the device model (set from the BootNotificationResponse, B01.FR.04).
  const intervalMs = st.num('OCPPCommCtrlr', 'HeartbeatInterval', 300) * 1000;
  if (intervalMs <= 0) return;
  let seen = lastSent.get(st);
  if (!seen) {
    const s = { any: st.clock.now(), heartbeat: st.clock.now() };
    lastSent.set(st, seen = s);
    st.on('sent', (m) => {
      if (m.error) return;
      s.any = st.clock.now();
      if (m.action === 'Heartbeat') s.heartbeat = s.any;
    });
  }
  const state = seen;
  state.any = Math.max(state.any, st.clock.now());
  let timer: ReturnType<Station['clock']['setTimeout']> | undefined;
  let stopped = false;
  const arm = (ms: number): void => { timer = st.clock.setTimeout(fire, Math.max(1, ms)); };
  const fire = (): void => {
    if (stopped) return;
    const now = st.clock.now();
    const idle = now - state.any;
    const daily = st.list('ClockCtrlr', 'TimeSource').includes('Heartbeat') && now - state.heartbeat >= DAY_MS;
    if (idle < intervalMs && !daily) { arm(intervalMs - idle); return; }
    arm(intervalMs);
    if (st.connected) {
      state.heartbeat = now;
      void st.call('Heartbeat', {}).then((r) => syncClock(st, r?.currentTime)); // [G02.FR.06]
    }
  };
  arm(intervalMs);
  st.stopHeartbeat = () => { stopped = true; st.clock.clearTimeout(timer); };
}

/** What the station can be made "temporarily unable" to do (a test hook for the CSMS side of these answers). */
export type UnableTo = 'report' | 'reset';
const unable = new WeakMap<Station, Set<UnableTo>>();

/**
 * Make the station temporarily unable (or able again) to run report requests ([B07.FR.13] [B08.FR.16]:
 * GetBaseReport / GetReport answered Rejected) or resets ([B11.FR.06] [B12.FR.10]: Reset answered Rejected),
 * e.g. to test how a CSMS handles it. The simulator is otherwise always able to do both.
 */
export function setTemporarilyUnable(st: Station, what: UnableTo, on = true): void {
  const set = unable.get(st) ?? new Set<UnableTo>();
  if (on) set.add(what); else set.delete(what);
  unable.set(st, set);
}
const isUnable = (st: Station, what: UnableTo): boolean => unable.get(st)?.has(what) ?? false;

/**
 * [B11.FR.08] reset one EVSE without rebooting the station (its transaction was ended before, B12.FR.04):
 * the EVSE's session state (authorization, EVConnectionTimeOut timer) is cleared and its connectors are
 * Unavailable while it resets (reported with StatusNotification; the optional NotifyEvent AvailabilityState
 * is not sent), then they report their status again.
 */
export async function resetEvse(st: Station, evse: EvseState): Promise<void> {
  st.clock.clearTimeout(evse.evTimeout);
  if (!evse.tx) evse.auth = undefined;
  for (const c of evse.connectors) {
    c.reported = 'Unavailable';
    void sendStatus(st, evse.id, c.id, 'Unavailable');
  }
  await new Promise<void>((r) => setTimeout(r, st.opts.rebootDelayMs ?? 10));
  reportStatuses(st, evse, true);
}

/** Send NotifyReport parts after the response (B07.FR.10 / B08.FR.14 split by ItemsPerMessage). */
function sendReport(st: Station, requestId: number, data: OcppTypes.ReportDataType[]): void {
  st.afterResponse(async () => {
    for (const part of st.dm.paginate(data as never)) {
      // [B07.FR.04] [B08.FR.04] every part carries the requestId of the request.
      await st.call('NotifyReport', {
        requestId, generatedAt: new Date(st.clock.now()).toISOString(), seqNo: part.seqNo,
        ...(part.tbc ? { tbc: true } : {}), reportData: part.reportData as OcppTypes.ReportDataType[],
      }, { triggered: true });
    }
  });
}

/** [B06.FR.16] [B06.FR.17] [B08.FR.18] ItemsPerMessage / BytesPerMessage limits of DeviceDataCtrlr. */
function checkLimits(st: Station, instance: 'GetVariables' | 'GetReport', req: unknown, items: number): void {
  const maxItems = st.num('DeviceDataCtrlr', 'ItemsPerMessage', Number.POSITIVE_INFINITY, instance);
  const maxBytes = st.num('DeviceDataCtrlr', 'BytesPerMessage', Number.POSITIVE_INFINITY, instance);
  if (Buffer.byteLength(JSON.stringify(req)) > maxBytes) throw new RpcError('FormatViolation', `more than BytesPerMessage[${instance}] = ${maxBytes} bytes`);
  if (items > maxItems) throw new RpcError('OccurrenceConstraintViolation', `more than ItemsPerMessage[${instance}] = ${maxItems} items`);
}

export const block: Block = {
  id: 'B',
  name: 'Provisioning',
  handlers: {
    // [B02.FR.01] answered while Pending as well.
    GetVariables: (st, req) => {
      checkLimits(st, 'GetVariables', req, req.getVariableData.length);
      return { getVariableResult: st.dm.getVariables(req.getVariableData as never) as OcppTypes.GetVariableResultType[] };
    },
    SetVariables: (st, req) => ({ setVariableResult: st.dm.setVariables(req.setVariableData as never) as OcppTypes.SetVariableResultType[] }),
    GetBaseReport: (st, req) => {
      // [B07.FR.02] unsupported reportBase -> NotSupported.
      // [B07.FR.05] and then no NotifyReport is sent.
      if (!st.dm.supportsReportBase(req.reportBase)) return { status: 'NotSupported' };
      if (isUnable(st, 'report')) return { status: 'Rejected' }; // [B07.FR.13] temporarily unable
      sendReport(st, req.requestId, st.dm.report(req.reportBase) as OcppTypes.ReportDataType[]);
      return { status: 'Accepted' };
    },
    GetReport: (st, req) => {
      // [B08.FR.18] (and ItemsPerMessage[GetReport], B08.FR.17).
      checkLimits(st, 'GetReport', req, req.componentVariable?.length ?? 0);
      if (isUnable(st, 'report')) return { status: 'Rejected' }; // [B08.FR.16] temporarily unable
      const status = st.dm.customReportStatus(req.componentCriteria as never, req.componentVariable as never);
      if (status === 'Accepted') sendReport(st, req.requestId, st.dm.customReport(req.componentCriteria as never, req.componentVariable as never) as OcppTypes.ReportDataType[]);
      return { status };
    },
    Reset: (st, req) => {
      const targets = req.evseId !== undefined ? st.evses.filter((e) => e.id === req.evseId) : st.evses;
      // [B11.FR.09] unknown EVSE -> Rejected.
      if (req.evseId !== undefined && targets.length === 0) return { status: 'Rejected' };
      // [B11.FR.09] [B12.FR.09] an EVSE that cannot be reset individually (EVSE.AllowReset false) -> Rejected.
      if (req.evseId !== undefined && st.dm.value({ name: 'EVSE', evse: { id: req.evseId } }, { name: 'AllowReset' }) === 'false') return { status: 'Rejected' };
      // [B11.FR.06] [B12.FR.10] not able to reset at this moment (setTemporarilyUnable) -> Rejected.
      if (isUnable(st, 'reset')) return { status: 'Rejected' };
      const busy = targets.filter((e) => e.tx);
      if ((req.type as string) === 'ImmediateAndResume') {
        // [B13.FR.01] no transaction resumption (TxCtrlr.ResumptionTimeout absent or 0) -> Rejected.
        if (!canResumeAfterReset(st)) return { status: 'Rejected' };
        // [B13.FR.03] with ongoing transactions: Accepted, reset, resume them (reset-resume.ts).
        if (busy.length) {
          st.afterResponse(() => resetAndResume(st, busy, req.evseId));
          return { status: 'Accepted' };
        }
        // [B13.FR.02] no ongoing transaction: Accepted and as B11 (below).
      }
      if (busy.length && req.type === 'OnIdle') {
        // [B12.FR.01] OnIdle with a transaction: Scheduled, reset after the transactions end.
        st.pendingReset = req;
        return { status: 'Scheduled' };
      }
      st.afterResponse(async () => {
        // [B12.FR.04] [B12.FR.08] Immediate: end transactions with ResetCommand / ImmediateReset first.
        for (const e of busy) { endTx(st, e, 'ResetCommand', 'ImmediateReset'); st.refresh(e, 'ResetCommand'); }
        // [B11.FR.03] [B11.FR.04] whole station: reboot and boot again (B01); [B11.FR.08] an EVSE: reset only that EVSE.
        if (req.evseId === undefined) {
          // Give the Ended events a moment to go out; whatever is left stays queued and is resent after the reboot (B12.FR.05).
          await st.rebootWhenDelivered('RemoteReset');
          st.outbox.retryNow();
        } else await resetEvse(st, targets[0]!);
      });
      // [B11.FR.01] [B12.FR.02] Accepted.
      return { status: 'Accepted' };
    },
  },
};
