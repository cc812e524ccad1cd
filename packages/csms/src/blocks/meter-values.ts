// Block J, Meter Values, CSMS side: MeterValues (J01, clock-aligned and sampled data outside transaction
// events) stored through store.appendMeterValues (group commit: one DB transaction per tick for all
// stations), every measurand/phase/location/unit as sent and signed values verbatim. Transaction meter
// values (J02) arrive in TransactionEvent and are stored by store.applyTransactionEvent (transactions.ts).
import { RpcError } from '@chargewire/ocpp';
import type { MeterValuesRequest, MeterValuesResponse } from '@chargewire/ocpp/types';
import type { Block, BlockContext, CsmsRuntime } from '../runtime.ts';
import { StoreError, type MeterValueRow } from '../store/store.ts';
import { busWants } from '../bus/memory.ts';

export async function meterValues(ctx: BlockContext, req: MeterValuesRequest): Promise<MeterValuesResponse> {
  const { csms, stationId } = ctx;
  try {
    // [J01.FR.05] [J01.FR.06] [J01.FR.17] each MeterValue has its timestamp and one or more SampledValues
    // (schema-validated); every SampledValue is stored with its MeterValue's timestamp. [J01.FR.07]–[J01.FR.10]
    // [J01.FR.08] measurand (default Energy.Active.Import.Register)/context/location/phase are stored as sent,
    // [J02.FR.21]/[J01.FR.21] signedMeterValue verbatim. evseId 0 = the main meter (J01.FR.04).
    await csms.store.appendMeterValues(stationId, req.evseId, req.meterValue);
  } catch (err) {
    ctx.log.error({ err, evseId: req.evseId }, 'MeterValues not stored');
    if (err instanceof StoreError && err.code === 'STORE_ERR_INVALID') throw new RpcError('PropertyConstraintViolation', err.message, { field: err.details['field'] });
    throw new RpcError('InternalError', 'meter values could not be stored; retry later');
  }
  if (busWants(csms.bus, 'meter.values')) {
    const count = req.meterValue.reduce((n, mv) => n + mv.sampledValue.length, 0);
    csms.bus.publish({ type: 'meter.values', stationId, evseId: req.evseId, count, at: new Date().toISOString() });
  }
  // [J01.FR.18] the CSMS answers MeterValuesResponse (only after the values are committed)
  return {};
}

export interface MeterSeriesQuery {
  transactionId?: string;
  evseId?: number;
  measurand?: string;
  since?: string;
  until?: string;
  limit?: number;
}

/** A time series (oldest first) grouped by measurand/phase/location, for charts and verification. */
export async function meterSeries(runtime: CsmsRuntime, stationId: string, q: MeterSeriesQuery = {}): Promise<{ key: string; measurand: string; phase?: string; location?: string; unit?: string; points: Pick<MeterValueRow, 'timestamp' | 'value' | 'context' | 'signedMeterValue' | 'multiplier'>[] }[]> {
  const rows = await runtime.store.listMeterValues({
    stationId, limit: q.limit ?? 10_000,
    ...(q.transactionId !== undefined && { transactionId: q.transactionId }),
    ...(q.evseId !== undefined && { evseId: q.evseId }),
    ...(q.measurand !== undefined && { measurand: q.measurand }),
    ...(q.since !== undefined && { since: q.since }),
    ...(q.until !== undefined && { until: q.until }),
  });
  const series = new Map<string, { key: string; measurand: string; phase?: string; location?: string; unit?: string; points: Pick<MeterValueRow, 'timestamp' | 'value' | 'context' | 'signedMeterValue' | 'multiplier'>[] }>();
  for (const r of rows) {
    const key = [r.measurand, r.phase ?? '', r.location ?? 'Outlet'].join('/');
    let s = series.get(key);
    if (!s) series.set(key, (s = { key, measurand: r.measurand, ...(r.phase && { phase: r.phase }), ...(r.location && { location: r.location }), ...(r.unit && { unit: r.unit }), points: [] }));
    s.points.push({ timestamp: r.timestamp, value: r.value, ...(r.context && { context: r.context }), ...(r.multiplier !== undefined && { multiplier: r.multiplier }), ...(r.signedMeterValue && { signedMeterValue: r.signedMeterValue }) });
  }
  return [...series.values()];
}

export const meterValuesBlock: Block = {
  id: 'J',
  name: 'MeterValues',
  handlers: { MeterValues: meterValues },
};
