// The station's local authorization list version (D01/D02), from GET /api/stations/:id/local-list.
import { get, isMissingRoute } from '../api/client.ts';
import type { LocalList } from '../api/types.ts';
import { Empty, ErrorBox, Loading, Time } from '../components/status.tsx';
import { useFetch } from '../components/use-fetch.ts';

export function LocalListPanel({ stationId }: { stationId: string }) {
  const list = useFetch(() => get<LocalList>(`/api/stations/${encodeURIComponent(stationId)}/local-list`), [stationId]);
  if (list.loading && !list.data) return <Loading what="the local list" />;
  if (isMissingRoute(list.error)) return <Empty>This CSMS does not serve local lists yet (GET /api/stations/:id/local-list answered 404). Send SendLocalList or GetLocalListVersion from Commands meanwhile.</Empty>;
  if (!list.data) return <ErrorBox error={list.error} retry={list.reload} />;
  const l = list.data;
  return (
    <div>
      <p>
        Version <strong data-testid="local-list-version">{l.version}</strong> · {l.size ?? l.entries.length} entries · updated <Time at={l.updatedAt} />
        {l.limits && <span className="muted small"> · sent in parts of at most {l.limits.itemsPerMessage} entries / {l.limits.bytesPerMessage} bytes</span>}
      </p>
      {l.entries.length === 0 ? <Empty>The local list is empty.</Empty> : (
        <table className="list">
          <thead><tr><th>Id token</th><th>Type</th><th>Status</th></tr></thead>
          <tbody>
            {l.entries.map((e, i) => (
              <tr key={i}><td>{e.idToken.idToken}</td><td>{e.idToken.type}</td><td>{e.idTokenInfo?.status ?? <span className="muted">(removed)</span>}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
