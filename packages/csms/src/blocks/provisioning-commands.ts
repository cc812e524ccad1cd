// Block B, CSMS-initiated use cases as helpers the REST API (and tests) call: B05 SetVariables,
// B06 GetVariables, B07 GetBaseReport, B08 GetReport, B09 SetNetworkProfile, B11/B12 Reset.
import type {
  ComponentCriterionEnumType, ComponentVariableType, GetBaseReportResponse, GetReportResponse, GetVariableDataType,
  GetVariableResultType, NetworkConnectionProfileType, ReportBaseEnumType, ResetEnumType, ResetResponse,
  SetNetworkProfileResponse, SetVariableDataType, SetVariableResultType,
} from '@chargewire/ocpp/types';
import type { CsmsRuntime } from '../runtime.ts';
import { CsmsError } from '../errors.ts';
import { expectReport, newRequestId, type ReportSummary } from './report-collector.ts';

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
  // [B05.FR.11] never more SetVariableData per request than ItemsPerMessage[SetVariables]
  const batches = chunks(data, await itemsPerMessage(runtime, stationId, 'SetVariables'));
  const results: SetVariableResultType[] = [];
  for (const batch of batches) {
    const res = await runtime.callStation(stationId, 'SetVariables', { setVariableData: batch });
    results.push(...res.setVariableResult);
    await runtime.store.setVariableValues(stationId, res.setVariableResult.map((r) => {
      const sent = batch.find((d) => cvKey(d) === cvKey(r));
      return { component: r.component, variable: r.variable, attributeType: r.attributeType ?? 'Actual', value: sent?.attributeValue ?? '', status: r.attributeStatus };
    }));
  }
  return results;
}

/** [B09.FR.21] (2.1) no SetVariables for a NetworkConfiguration instance listed in NetworkConfigurationPriority. */
async function refuseActiveNetworkConfiguration(runtime: CsmsRuntime, stationId: string, data: SetVariableDataType[]): Promise<void> {
  const targets = data.filter((d) => d.component.name === 'NetworkConfiguration' && d.component.instance !== undefined);
  if (!targets.length || runtime.sessions.get(stationId)?.version !== '2.1') return;
  const page = await runtime.store.listVariables(stationId, { component: 'OCPPCommCtrlr', variable: 'NetworkConfigurationPriority', limit: 10, offset: 0 });
  const prio = page.items.find((r) => r.attributeType === 'Actual')?.value;
  if (!prio) return;
  const active = new Set(prio.split(',').map((s) => s.trim()));
  const hit = targets.find((d) => active.has(d.component.instance!));
  if (hit) {
    throw new CsmsError('CSMS_ERR_ACTIVE_NETWORK_PROFILE', `NetworkConfiguration instance ${hit.component.instance} is in NetworkConfigurationPriority (${prio}); use SetNetworkProfile for another slot`);
  }
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

/** B11/B12: reset the station (or one EVSE). With a transaction ongoing, OnIdle answers Scheduled (B12). */
export function reset(runtime: CsmsRuntime, stationId: string, type: ResetEnumType, evseId?: number): Promise<ResetResponse> {
  return runtime.callStation(stationId, 'Reset', { type, ...(evseId !== undefined ? { evseId } : {}) });
}
