// Block B, CSMS-initiated use cases as helpers the REST API (and tests) call: B05 SetVariables,
// B06 GetVariables, B07 GetBaseReport, B08 GetReport, B09 SetNetworkProfile, B11/B12 Reset.
import type {
  ChangeAvailabilityResponse, ComponentCriterionEnumType, ComponentVariableType, GetBaseReportResponse, GetReportResponse, GetVariableDataType,
  GetVariableResultType, NetworkConnectionProfileType, ReportBaseEnumType, ResetEnumType, ResetResponse,
  SetNetworkProfileResponse, SetVariableDataType, SetVariableResultType,
} from '@chargewire/ocpp/types';
import type { CsmsRuntime } from '../runtime.ts';
import { CsmsError } from '../errors.ts';
import { expectReport, newRequestId, type ReportSummary } from './report-collector.ts';
import { stationVersion } from '../runtime.ts';

/** DeviceDataCtrlr.ItemsPerMessage[instance] as the station reported it (undefined when unknown). */
export async function itemsPerMessage(runtime: CsmsRuntime, stationId: string, instance: 'SetVariables' | 'GetVariables' | 'GetReport'): Promise<number | undefined> {
  const page = await runtime.store.listVariables(stationId, { component: 'DeviceDataCtrlr', variable: 'ItemsPerMessage', limit: 50, offset: 0 });
  const v = page.items.find((r) => r.variableInstance === instance && r.attributeType === 'Actual' && !r.componentInstance);
  const n = v?.value !== undefined ? Number(v.value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function chunks<T>(items: T[], size: number | undefined): T[][] {
  if (!size || items.length <= size) return [items];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const cvKey = (d: { component: SetVariableDataType['component']; variable: SetVariableDataType['variable']; attributeType?: string }): string =>
  JSON.stringify([d.component.name, d.component.instance ?? '', d.component.evse?.id ?? '', d.component.evse?.connectorId ?? '', d.variable.name, d.variable.instance ?? '', d.attributeType ?? 'Actual']);

/** B05: set variables; results are stored (the value only when Accepted). */
export async function setVariables(runtime: CsmsRuntime, stationId: string, data: SetVariableDataType[]): Promise<SetVariableResultType[]> {
  const seen = new Set<string>();
  for (const d of data) {
    const k = cvKey(d);
    // [B05.FR.13] no two SetVariableData with the same component, variable and attributeType (omitted = Actual)
    if (seen.has(k)) throw new CsmsError('CSMS_ERR_DUPLICATE_VARIABLE', `duplicate SetVariableData for ${d.component.name}.${d.variable.name} (${d.attributeType ?? 'Actual'})`);
    seen.add(k);
  }
  await refuseActiveNetworkConfiguration(runtime, stationId, data);
  if (stationVersion(runtime, stationId) === '2.1') data = withApnVpnEnabled(data);
  // [B05.FR.11] never more SetVariableData per request than ItemsPerMessage[SetVariables]
  const batches = chunks(data, await itemsPerMessage(runtime, stationId, 'SetVariables'));
  const results: SetVariableResultType[] = [];
  for (const batch of batches) {
    const res = await runtime.callStation(stationId, 'SetVariables', { setVariableData: batch });
    results.push(...res.setVariableResult);
    await runtime.store.setVariableValues(stationId, res.setVariableResult.map((r) => {
      const sent = batch.find((d) => cvKey(d) === cvKey(r));
      return { component: r.component, variable: r.variable, attributeType: r.attributeType ?? 'Actual', value: storableValue(r.variable.name, sent?.attributeValue ?? ''), status: r.attributeStatus };
    }));
  }
  return results;
}

/** [A01.FR.09] a password set through SetVariables is never stored in clear in the device model. */
export function storableValue(variable: string, value: string): string {
  return variable === 'BasicAuthPassword' ? '***' : value;
}

/** [B09.FR.21] (2.1) no SetVariables for a NetworkConfiguration instance listed in NetworkConfigurationPriority. */
async function refuseActiveNetworkConfiguration(runtime: CsmsRuntime, stationId: string, data: SetVariableDataType[]): Promise<void> {
  const targets = data.filter((d) => d.component.name === 'NetworkConfiguration' && d.component.instance !== undefined);
  if (!targets.length || stationVersion(runtime, stationId) !== '2.1') return;
  const page = await runtime.store.listVariables(stationId, { component: 'OCPPCommCtrlr', variable: 'NetworkConfigurationPriority', limit: 10, offset: 0 });
  const prio = page.items.find((r) => r.attributeType === 'Actual')?.value;
  if (!prio) return;
  const active = new Set(prio.split(',').map((s) => s.trim()));
  const hit = targets.find((d) => active.has(d.component.instance!));
  if (hit) {
    throw new CsmsError('CSMS_ERR_ACTIVE_NETWORK_PROFILE', `NetworkConfiguration instance ${hit.component.instance} is in NetworkConfigurationPriority (${prio}); use SetNetworkProfile for another slot`);
  }
}

const APN_VARIABLES = new Set(['Apn', 'ApnUserName', 'ApnPassword', 'SimPin', 'PreferredNetwork', 'UseOnlyPreferredNetwork', 'ApnAuthentication']);
const VPN_VARIABLES = new Set(['VpnType', 'VpnServer', 'VpnUser', 'VpnGroup', 'VpnPassword', 'VpnKey']);

/**
 * (2.1) When the CSMS configures a NetworkConfiguration slot through SetVariables, it also sets
 * ApnEnabled and VpnEnabled of that slot, unless the caller set them itself:
 * [B09.FR.29] True when APN (resp. VPN) variables are configured for the slot;
 * [B09.FR.30] False when they are not.
 */
export function withApnVpnEnabled(data: SetVariableDataType[]): SetVariableDataType[] {
  const slots = new Map<string, SetVariableDataType[]>();
  for (const d of data) {
    if (d.component.name !== 'NetworkConfiguration' || d.component.instance === undefined) continue;
    (slots.get(d.component.instance) ?? slots.set(d.component.instance, []).get(d.component.instance)!).push(d);
  }
  const added: SetVariableDataType[] = [];
  for (const [instance, items] of slots) {
    const names = new Set(items.filter((d) => (d.attributeType ?? 'Actual') === 'Actual').map((d) => d.variable.name));
    for (const [flag, vars] of [['ApnEnabled', APN_VARIABLES], ['VpnEnabled', VPN_VARIABLES]] as const) {
      if (names.has(flag)) continue; // the caller decided
      const configured = [...names].some((n) => vars.has(n));
      added.push({ component: { name: 'NetworkConfiguration', instance }, variable: { name: flag }, attributeValue: configured ? 'true' : 'false' });
    }
  }
  return added.length ? [...data, ...added] : data;
}

/** B06: get variables; Accepted values are stored in the device model. */
export async function getVariables(runtime: CsmsRuntime, stationId: string, data: GetVariableDataType[]): Promise<GetVariableResultType[]> {
  // [B06.FR.05] never more GetVariableData per request than ItemsPerMessage[GetVariables]
  const batches = chunks(data, await itemsPerMessage(runtime, stationId, 'GetVariables'));
  const results: GetVariableResultType[] = [];
  for (const batch of batches) {
    const res = await runtime.callStation(stationId, 'GetVariables', { getVariableData: batch });
    results.push(...res.getVariableResult);
    const accepted = res.getVariableResult.filter((r) => r.attributeStatus === 'Accepted' && r.attributeValue !== undefined);
    if (accepted.length) {
      await runtime.store.setVariableValues(stationId, accepted.map((r) => ({
        component: r.component, variable: r.variable, attributeType: r.attributeType ?? 'Actual', value: r.attributeValue!, status: 'Accepted' as const,
      })));
    }
  }
  return results;
}

export interface ReportOutcome {
  requestId: number;
  /** The station's answer to GetBaseReport/GetReport. */
  status: GetBaseReportResponse['status'] | GetReportResponse['status'];
  /** Present when Accepted: every part arrived and is stored. */
  report?: ReportSummary;
}

/** B07: GetBaseReport, then wait until every NotifyReport part is stored. */
export async function requestReport(runtime: CsmsRuntime, stationId: string, reportBase: ReportBaseEnumType): Promise<ReportOutcome> {
  const requestId = newRequestId();
  const waiter = expectReport(runtime, stationId, requestId, runtime.config.reports.timeoutMs);
  let res: GetBaseReportResponse;
  try {
    res = await runtime.callStation(stationId, 'GetBaseReport', { requestId, reportBase });
  } catch (err) {
    waiter.cancel();
    throw err;
  }
  if (res.status !== 'Accepted') {
    waiter.cancel();
    return { requestId, status: res.status };
  }
  return { requestId, status: res.status, report: await waiter.done };
}

/** B08: GetReport by criteria and/or component variables; one request per ItemsPerMessage[GetReport] slice. */
export async function requestCustomReport(
  runtime: CsmsRuntime,
  stationId: string,
  q: { componentCriteria?: ComponentCriterionEnumType[]; componentVariable?: ComponentVariableType[] },
): Promise<ReportOutcome[]> {
  // [B08.FR.06] never more componentVariables per GetReportRequest than ItemsPerMessage[GetReport]
  const slices = q.componentVariable?.length ? chunks(q.componentVariable, await itemsPerMessage(runtime, stationId, 'GetReport')) : [undefined];
  const out: ReportOutcome[] = [];
  for (const componentVariable of slices) {
    const requestId = newRequestId();
    const waiter = expectReport(runtime, stationId, requestId, runtime.config.reports.timeoutMs);
    let res: GetReportResponse;
    try {
      res = await runtime.callStation(stationId, 'GetReport', {
        requestId,
        ...(q.componentCriteria?.length ? { componentCriteria: q.componentCriteria } : {}),
        ...(componentVariable ? { componentVariable } : {}),
      });
    } catch (err) {
      waiter.cancel();
      throw err;
    }
    if (res.status !== 'Accepted') {
      waiter.cancel();
      out.push({ requestId, status: res.status });
    } else {
      out.push({ requestId, status: res.status, report: await waiter.done });
    }
  }
  return out;
}

/** B09/B10: store a new network connection profile in a slot (the station answers Accepted/Rejected/Failed). */
export function setNetworkProfile(runtime: CsmsRuntime, stationId: string, configurationSlot: number, connectionData: NetworkConnectionProfileType): Promise<SetNetworkProfileResponse> {
  return runtime.callStation(stationId, 'SetNetworkProfile', { configurationSlot, connectionData });
}

export interface MigrationOptions {
  /** New value of OCPPCommCtrlr.NetworkConfigurationPriority, e.g. "2,1" (B10.FR.01). */
  priority: string;
  /** How often to ask GetTransactionStatus whether transaction messages are still queued (default 2 s). */
  pollMs?: number;
  /** Give up waiting for an empty queue after this long and reset anyway (default 120 s). */
  maxWaitMs?: number;
}

export interface MigrationOutcome {
  /** Done: the station accepted the reset. Otherwise the step that stopped the migration. */
  status: 'Reset' | 'PriorityRejected' | 'ResetRejected';
  priority: SetVariableResultType;
  availability?: ChangeAvailabilityResponse;
  /** GetTransactionStatus calls made before the queue was empty (or maxWaitMs passed). */
  queuePolls: number;
  queueEmpty: boolean;
  reset?: ResetResponse;
}

/**
 * B10 Migrate to new CSMS / NetworkConnectionProfile: set NetworkConfigurationPriority, then, as
 * [B10.FR.05] recommends, make the station Inoperative (no new transactions) and wait until its
 * transaction message queue is empty (GetTransactionStatus.messagesInQueue = false) before the Reset
 * that makes it connect to the first entry of the new priority list (B10.FR.04).
 */
export async function migrateNetworkProfile(runtime: CsmsRuntime, stationId: string, o: MigrationOptions): Promise<MigrationOutcome> {
  const [priority] = await setVariables(runtime, stationId, [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' }, attributeValue: o.priority }]);
  // [B10.FR.01] Accepted or RebootRequired; [B10.FR.02] Rejected when a listed slot is not a valid configuration
  if (!priority || (priority.attributeStatus !== 'Accepted' && priority.attributeStatus !== 'RebootRequired')) {
    return { status: 'PriorityRejected', priority: priority!, queuePolls: 0, queueEmpty: false };
  }
  // [B10.FR.05] Inoperative first, so no new transaction starts on the old CSMS
  const availability = await runtime.callStation(stationId, 'ChangeAvailability', { operationalStatus: 'Inoperative' });
  // [B10.FR.05] then wait for the transaction message queue to drain (GetTransactionStatus without transactionId)
  const pollMs = o.pollMs ?? 2000;
  const deadline = Date.now() + (o.maxWaitMs ?? 120_000);
  let queuePolls = 0;
  let queueEmpty = false;
  for (;;) {
    queuePolls += 1;
    const st = await runtime.callStation(stationId, 'GetTransactionStatus', {});
    if (!st.messagesInQueue) {
      queueEmpty = true;
      break;
    }
    if (Date.now() + pollMs > deadline) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  if (!queueEmpty) runtime.log.warn({ stationId, queuePolls }, 'B10 migration: transaction messages still queued at maxWaitMs; resetting anyway');
  const res = await runtime.callStation(stationId, 'Reset', { type: 'Immediate' });
  return { status: res.status === 'Rejected' ? 'ResetRejected' : 'Reset', priority, availability, queuePolls, queueEmpty, reset: res };
}

/** B11/B12: reset the station (or one EVSE). With a transaction ongoing, OnIdle answers Scheduled (B12). */
export function reset(runtime: CsmsRuntime, stationId: string, type: ResetEnumType, evseId?: number): Promise<ResetResponse> {
  return runtime.callStation(stationId, 'Reset', { type, ...(evseId !== undefined ? { evseId } : {}) });
}
