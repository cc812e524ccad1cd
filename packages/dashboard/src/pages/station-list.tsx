// Stations: search (server side) and filters (status, model, firmware, OCPP version, last seen).
import { useMemo, useState } from 'react';
import { get } from '../api/client.ts';
import type { Page, Station } from '../api/types.ts';
import { useLive, useLiveEvents } from '../live/live-context.tsx';
import { Link } from '../components/router.tsx';
import { Badge, Empty, ErrorBox, Loading, Time } from '../components/status.tsx';
import { useFetch } from '../components/use-fetch.ts';

const SEEN = { any: 0, '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3 } as const;

export function StationList() {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<'any' | 'online' | 'offline'>('any');
  const [model, setModel] = useState('');
  const [firmware, setFirmware] = useState('');
  const [version, setVersion] = useState('');
  const [seen, setSeen] = useState<keyof typeof SEEN | 'never'>('any');
  const page = useFetch(() => get<Page<Station>>('/api/stations', { search: search.trim(), limit: 1000 }), [search]);
  const live = useLive();
  useLiveEvents((e) => {
    if ((e.type === 'station.booted' || e.type === 'station.connected') && !live.stations.has(e.stationId)) page.reload();
  }, [page.reload, live.stations]);

  const rows = useMemo(() => {
    return (page.data?.items ?? []).map((s) => {
      const l = live.stations.get(s.id);
      const cs = s.lastBoot?.chargingStation;
      return {
        id: s.id,
        description: s.description,
        online: l?.online ?? s.online,
        model: l?.model ?? cs?.model ?? '',
        vendor: l?.vendor ?? cs?.vendorName ?? '',
        firmware: l?.firmware ?? cs?.firmwareVersion ?? '',
        version: l?.version ?? s.ocppVersion?.replace(/^ocpp/, '') ?? '',
        lastSeen: l?.lastSeen ?? s.lastSeen,
      };
    });
  }, [page.data, live.stations]);
  const models = [...new Set(rows.map((r) => r.model).filter(Boolean))].sort();
  const firmwares = [...new Set(rows.map((r) => r.firmware).filter(Boolean))].sort();
  const now = Date.now();
  const shown = rows.filter(
    (r) =>
      (status === 'any' || (status === 'online') === r.online) &&
      (!model || r.model === model) &&
      (!firmware || r.firmware === firmware) &&
      (!version || r.version === version) &&
      (seen === 'any' || (seen === 'never' ? !r.lastSeen : r.lastSeen !== undefined && now - Date.parse(r.lastSeen) <= SEEN[seen])),
  );

  return (
    <section aria-label="Stations">
      <h1>Stations</h1>
      <div className="filters">
        <input type="search" placeholder="Search id or description" aria-label="Search stations" value={search} onChange={(e) => setSearch(e.target.value)} />
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="any">any status</option>
          <option value="online">online</option>
          <option value="offline">offline</option>
        </select>
        <select aria-label="Model" value={model} onChange={(e) => setModel(e.target.value)}>
          <option value="">any model</option>
          {models.map((m) => <option key={m}>{m}</option>)}
        </select>
        <select aria-label="Firmware" value={firmware} onChange={(e) => setFirmware(e.target.value)}>
          <option value="">any firmware</option>
          {firmwares.map((m) => <option key={m}>{m}</option>)}
        </select>
        <select aria-label="OCPP version" value={version} onChange={(e) => setVersion(e.target.value)}>
          <option value="">any version</option>
          <option value="2.1">2.1</option>
          <option value="2.0.1">2.0.1</option>
        </select>
        <select aria-label="Last seen" value={seen} onChange={(e) => setSeen(e.target.value as typeof seen)}>
          <option value="any">seen any time</option>
          <option value="1h">seen in the last hour</option>
          <option value="24h">seen in the last 24 h</option>
          <option value="7d">seen in the last 7 days</option>
          <option value="never">never seen</option>
        </select>
      </div>
      {page.error !== undefined && <ErrorBox error={page.error} retry={page.reload} />}
      {page.loading && !page.data ? (
        <Loading what="stations" />
      ) : rows.length === 0 ? (
        <Empty>{search ? `No station matches “${search}”.` : 'No stations registered yet. Stations appear here when they connect (quick-start mode) or after POST /api/stations.'}</Empty>
      ) : shown.length === 0 ? (
        <Empty>No station matches these filters. Clear a filter to see more.</Empty>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th>Station</th>
              <th>Status</th>
              <th>Model</th>
              <th>Firmware</th>
              <th>OCPP</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.id} data-station={r.id}>
                <td>
                  <Link to={`/stations/${encodeURIComponent(r.id)}`}>{r.id}</Link>
                  {r.description && <div className="muted small">{r.description}</div>}
                </td>
                <td>
                  <Badge value={r.online ? 'online' : 'offline'} />
                </td>
                <td>{r.vendor ? `${r.vendor} ${r.model}` : r.model || <span className="muted">—</span>}</td>
                <td>{r.firmware || <span className="muted">—</span>}</td>
                <td>{r.version || <span className="muted">—</span>}</td>
                <td>
                  <Time at={r.lastSeen} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.data && <p className="muted small">{shown.length} of {page.data.total} stations</p>}
    </section>
  );
}
