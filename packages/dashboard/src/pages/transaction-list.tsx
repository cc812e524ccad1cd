// Transactions with filters (station, id token, state, time), from GET /api/transactions.
import { useState } from 'react';
import { get, isMissingRoute } from '../api/client.ts';
import type { Page, Transaction } from '../api/types.ts';
import { Link } from '../components/router.tsx';
import { Badge, Empty, ErrorBox, formatWh, Loading, Time } from '../components/status.tsx';
import { useFetch } from '../components/use-fetch.ts';
import { OffsetPager } from '../components/pager.tsx';
import { useLiveEvents } from '../live/live-context.tsx';
import { txDelivered } from '../live/live-store.ts';

export function TransactionList() {
  const [stationId, setStationId] = useState('');
  const [idToken, setIdToken] = useState('');
  const [state, setState] = useState('');
  const [since, setSince] = useState('');
  const [offset, setOffset] = useState(0);
  const limit = 50;
  const page = useFetch(
    () => get<Page<Transaction>>('/api/transactions', { stationId: stationId.trim(), idToken: idToken.trim(), state, since: since ? new Date(since).toISOString() : undefined, limit, offset }),
    [stationId, idToken, state, since, offset],
  );
  useLiveEvents((e) => {
    if (e.type.startsWith('transaction.') && offset === 0) page.reload();
  }, [offset, page.reload]);
  const reset = () => setOffset(0);
  return (
    <section aria-label="Transactions">
      <h1>Transactions</h1>
      <div className="filters">
        <input aria-label="Station" placeholder="Station id" value={stationId} onChange={(e) => { setStationId(e.target.value); reset(); }} />
        <input aria-label="Id token" placeholder="Id token" value={idToken} onChange={(e) => { setIdToken(e.target.value); reset(); }} />
        <select aria-label="State" value={state} onChange={(e) => { setState(e.target.value); reset(); }}>
          <option value="">active and ended</option>
          <option value="active">active</option>
          <option value="ended">ended</option>
        </select>
        <label className="inline">since <input type="datetime-local" aria-label="Since" value={since} onChange={(e) => { setSince(e.target.value); reset(); }} /></label>
      </div>
      {isMissingRoute(page.error) ? (
        <Empty>This CSMS does not serve transactions yet (GET /api/transactions answered 404). Update the CSMS to a version with the transactions API.</Empty>
      ) : page.error !== undefined ? (
        <ErrorBox error={page.error} retry={page.reload} />
      ) : null}
      {page.loading && !page.data ? (
        <Loading what="transactions" />
      ) : page.data && page.data.items.length === 0 ? (
        <Empty>No transactions match. {stationId || idToken || state || since ? 'Clear a filter to see more.' : 'They appear when a station starts charging.'}</Empty>
      ) : page.data ? (
        <>
          <table className="list">
            <thead><tr><th>Transaction</th><th>Station</th><th>EVSE</th><th>Id token</th><th>State</th><th>Started</th><th>Ended</th><th>Energy</th><th>Stop reason</th></tr></thead>
            <tbody>
              {page.data.items.map((t) => (
                <tr key={`${t.stationId}/${t.transactionId}`}>
                  <td><Link to={`/transactions/${encodeURIComponent(t.stationId)}/${encodeURIComponent(t.transactionId)}`}>{t.transactionId}</Link></td>
                  <td><Link to={`/stations/${encodeURIComponent(t.stationId)}`}>{t.stationId}</Link></td>
                  <td>{t.evseId ?? '—'}</td>
                  <td>{t.idToken?.idToken ?? '—'}</td>
                  <td><Badge value={t.state} /> {t.chargingState && <small className="muted">{t.chargingState}</small>}</td>
                  <td><Time at={t.startedAt} /></td>
                  <td><Time at={t.endedAt} /></td>
                  <td>{formatWh(txDelivered(t))}</td>
                  <td>{t.stoppedReason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <OffsetPager offset={offset} limit={limit} shown={page.data.items.length} total={page.data.total} onOffset={setOffset} />
        </>
      ) : null}
    </section>
  );
}
