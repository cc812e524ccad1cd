// One transaction: token, state, cost, stop reason and a power/energy chart from its meter values, all from
// GET /api/stations/:id/transactions/:transactionId ({ transaction, events, meterValues: series }).
// Admins can stop an active transaction (POST …/transactions/:transactionId/stop, RequestStopTransaction).
import { useState } from 'react';
import { get, isMissingRoute, isNotFound, post } from '../api/client.ts';
import type { MeterSeries, TransactionDetail, TransactionEventRecord } from '../api/types.ts';
import { useCanWrite } from '../auth.tsx';
import { LineChart, type Series } from '../components/line-chart.tsx';
import { Link } from '../components/router.tsx';
import { Badge, Empty, ErrorBox, formatWh, Loading, Time } from '../components/status.tsx';
import { useFetch } from '../components/use-fetch.ts';
import { useLiveEvents } from '../live/live-context.tsx';
import { txDelivered } from '../live/live-store.ts';

const ENERGY = 'Energy.Active.Import.Register';
const POWER = 'Power.Active.Import';

export const transactionPath = (stationId: string, transactionId: string) =>
  `/api/stations/${encodeURIComponent(stationId)}/transactions/${encodeURIComponent(transactionId)}`;

/** Energy (Wh) and power (W) series from the meter value series (total, no phase, outlet); power derived from energy when absent. */
export function chartSeries(series: MeterSeries[]): Series[] {
  const pick = (m: string) => {
    const s = series.find((x) => x.measurand === m && !x.phase && (!x.location || x.location === 'Outlet'));
    if (!s) return [];
    const k = s.unit === 'kWh' || s.unit === 'kW' ? 1000 : 1;
    return s.points.map((p) => ({ t: Date.parse(p.timestamp), v: p.value * k * 10 ** (p.multiplier ?? 0) })).sort((a, b) => a.t - b.t);
  };
  const energy = pick(ENERGY);
  let power = pick(POWER);
  if (power.length === 0 && energy.length > 1) {
    power = energy.slice(1).map((p, i) => ({ t: p.t, v: Math.max(0, ((p.v - energy[i]!.v) * 3600_000) / Math.max(1, p.t - energy[i]!.t)) }));
  }
  return [
    { name: 'Power', unit: 'W', color: '#e8590c', points: power },
    { name: 'Energy', unit: 'Wh', color: '#1971c2', points: energy },
  ];
}

/** Total cost from the latest event that carries costDetails (OCPP 2.1), e.g. "12.5 EUR". */
export function latestCost(events: TransactionEventRecord[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const tc = events[i]!.request.costDetails?.totalCost;
    const v = tc?.total?.inclTax ?? tc?.total?.exclTax;
    if (v !== undefined) return `${v}${tc?.currency ? ` ${tc.currency}` : ''}`;
  }
  return undefined;
}

export function TransactionPage({ stationId, transactionId }: { stationId: string; transactionId: string }) {
  const path = transactionPath(stationId, transactionId);
  const tx = useFetch(() => get<TransactionDetail>(path), [path]);
  const canWrite = useCanWrite();
  const [stop, setStop] = useState<{ busy: boolean; status?: string; error?: unknown }>({ busy: false });
  useLiveEvents((e) => {
    if (e.stationId !== stationId) return;
    if ((e.type === 'meter.values' || e.type.startsWith('transaction.')) && 'transactionId' in e && e.transactionId === transactionId) tx.reload();
  }, [stationId, transactionId, tx.reload]);

  if (tx.loading && !tx.data) return <Loading what={`transaction ${transactionId}`} />;
  if (isMissingRoute(tx.error)) return <Empty>This CSMS does not serve transactions yet (GET {path} answered 404). Update the CSMS to a version with the transactions API.</Empty>;
  if (!tx.data && isNotFound(tx.error)) {
    return <Empty>Station {stationId} has no transaction {transactionId}. <Link to="/transactions">Back to the transactions</Link>.</Empty>;
  }
  if (!tx.data) return <ErrorBox error={tx.error} retry={tx.reload} />;
  const { transaction: t, events, meterValues } = tx.data;
  const cost = latestCost(events);
  const requestStop = async () => {
    setStop({ busy: true });
    try {
      const r = await post<{ response: { status: string } }>(`${path}/stop`);
      setStop({ busy: false, status: r.response.status });
      tx.reload();
    } catch (error) {
      setStop({ busy: false, error });
    }
  };
  return (
    <section aria-label={`Transaction ${transactionId}`}>
      <h1>Transaction {transactionId} <Badge value={t.state} /></h1>
      <dl className="kv wide">
        <dt>Station</dt><dd><Link to={`/stations/${encodeURIComponent(stationId)}`}>{stationId}</Link> EVSE {t.evseId ?? '—'}{t.connectorId !== undefined ? ` / connector ${t.connectorId}` : ''}</dd>
        <dt>Id token</dt><dd>{t.idToken ? `${t.idToken.idToken} (${t.idToken.type})` : '—'}</dd>
        <dt>Charging state</dt><dd>{t.chargingState ?? '—'}</dd>
        <dt>Started</dt><dd><Time at={t.startedAt} />{t.remoteStartId !== undefined ? ` (remote start ${t.remoteStartId})` : ''}</dd>
        <dt>Ended</dt><dd><Time at={t.endedAt} /></dd>
        <dt>Duration</dt><dd>{t.durationS !== undefined ? formatDuration(t.durationS) : '—'}</dd>
        <dt>Energy</dt><dd data-testid="tx-energy">{formatWh(txDelivered(t))}</dd>
        <dt>Cost</dt><dd>{cost ?? '—'}</dd>
        <dt>Stop reason</dt><dd>{t.stoppedReason ?? (t.state === 'Ended' ? '—' : 'still charging')}</dd>
        <dt>Events</dt><dd>{events.length}{t.offline ? ' (some sent offline)' : ''}</dd>
      </dl>
      {canWrite && t.state !== 'Ended' && (
        <div className="actions">
          <button type="button" disabled={stop.busy} onClick={() => void requestStop()}>{stop.busy ? 'Waiting for the station…' : 'Stop transaction'}</button>
          {stop.status && <span role="status"> RequestStopTransaction: <Badge value={stop.status} /></span>}
        </div>
      )}
      {stop.error !== undefined && <ErrorBox error={stop.error} />}
      <h2>Power and energy</h2>
      <LineChart series={chartSeries(meterValues)} label={`Power and energy of transaction ${transactionId}`} />
    </section>
  );
}

function formatDuration(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}
