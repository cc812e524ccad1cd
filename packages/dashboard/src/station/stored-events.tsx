// Stored NotifyEvent and security events of a station, newest first.
import { get } from '../api/client.ts';
import type { NotifyEventRow, SecurityEventRow } from '../api/types.ts';
import { Empty, ErrorBox, Loading, Time } from '../components/status.tsx';
import { useFetch } from '../components/use-fetch.ts';
import { useLiveEvents } from '../live/live-context.tsx';

export function StoredEvents({ stationId }: { stationId: string }) {
  const notify = useFetch(() => get<{ items: NotifyEventRow[] }>('/api/events/notify', { stationId, limit: 100 }), [stationId]);
  const security = useFetch(() => get<{ items: SecurityEventRow[] }>('/api/events/security', { stationId, limit: 100 }), [stationId]);
  useLiveEvents((e) => {
    if (e.stationId === stationId && e.type === 'station.event') notify.reload();
  }, [stationId, notify.reload]);
  return (
    <div className="grid2">
      <div>
        <h2>Notify events</h2>
        {notify.error !== undefined && <ErrorBox error={notify.error} retry={notify.reload} />}
        {notify.loading && !notify.data ? <Loading what="events" /> : !notify.data?.items.length ? <Empty>No NotifyEvent received from this station.</Empty> : (
          <table className="list">
            <thead><tr><th>Generated</th><th>Component / variable</th><th>Trigger</th><th>Value</th></tr></thead>
            <tbody>
              {notify.data.items.map((r) => {
                const ev = r.event as { trigger?: string; actualValue?: string; component?: { name?: string }; variable?: { name?: string } };
                return (
                  <tr key={r.id}>
                    <td><Time at={r.generatedAt} /></td>
                    <td>{ev.component?.name}.{ev.variable?.name}</td>
                    <td>{ev.trigger}</td>
                    <td><code>{ev.actualValue}</code></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
      <div>
        <h2>Security events</h2>
        {security.error !== undefined && <ErrorBox error={security.error} retry={security.reload} />}
        {security.loading && !security.data ? <Loading what="security events" /> : !security.data?.items.length ? <Empty>No security event received from this station.</Empty> : (
          <table className="list">
            <thead><tr><th>At</th><th>Type</th><th>Info</th></tr></thead>
            <tbody>
              {security.data.items.map((r) => (
                <tr key={r.id}><td><Time at={r.timestamp} /></td><td>{r.type}</td><td>{r.techInfo}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
