// One station: live connectors, boot info, recent events, device model, journal, command panel.
import { useState } from 'react';
import { get } from '../api/client.ts';
import type { StationDetail } from '../api/types.ts';
import { useCanWrite } from '../auth.tsx';
import { useLive, useLiveEvents } from '../live/live-context.tsx';
import { Badge, ErrorBox, Loading, Time } from '../components/status.tsx';
import { useFetch } from '../components/use-fetch.ts';
import { RecentList } from '../pages/overview.tsx';
import { DeviceModel } from './device-model.tsx';
import { Journal } from './journal.tsx';
import { StoredEvents } from './stored-events.tsx';
import { CommandPanel } from './command-panel.tsx';
import { LocalListPanel } from './local-list.tsx';
import { RemoteStart } from './remote-start.tsx';

const TABS = ['Status', 'Device model', 'Journal', 'Events', 'Commands', 'Local list'] as const;
type Tab = (typeof TABS)[number];

export function StationPage({ id }: { id: string }) {
  const canWrite = useCanWrite();
  const [tab, setTab] = useState<Tab>('Status');
  const detail = useFetch(() => get<StationDetail>(`/api/stations/${encodeURIComponent(id)}`), [id]);
  const live = useLive();
  useLiveEvents((e) => {
    if (e.stationId === id && (e.type === 'station.connected' || e.type === 'station.disconnected' || e.type === 'station.booted')) detail.reload();
  }, [id, detail.reload]);

  if (detail.loading && !detail.data) return <Loading what={`station ${id}`} />;
  if (!detail.data) return <ErrorBox error={detail.error} retry={detail.reload} />;
  const s = detail.data;
  const l = live.stations.get(id);
  const online = l?.online ?? s.online;
  const tabs = TABS.filter((t) => t !== 'Commands' || canWrite);
  return (
    <section aria-label={`Station ${id}`}>
      <h1>
        {id} <Badge value={online ? 'online' : 'offline'} />
      </h1>
      {s.description && <p className="muted">{s.description}</p>}
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'active' : ''} onClick={() => setTab(t)}>
            {t}
          </button>
        ))}
      </div>
      {tab === 'Status' && <StatusTab station={s} online={online} />}
      {tab === 'Device model' && <DeviceModel stationId={id} online={online} />}
      {tab === 'Journal' && <Journal stationId={id} />}
      {tab === 'Events' && <StoredEvents stationId={id} />}
      {tab === 'Commands' && canWrite && <CommandPanel stationId={id} version={s.session?.version ?? s.ocppVersion?.replace(/^ocpp/, '')} online={online} />}
      {tab === 'Local list' && <LocalListPanel stationId={id} />}
    </section>
  );
}

function StatusTab({ station, online }: { station: StationDetail; online: boolean }) {
  const live = useLive();
  const canWrite = useCanWrite();
  const connectors = new Map<string, { evseId: number; connectorId: number; status: string; at: string }>();
  for (const c of station.connectors) connectors.set(`${c.evseId}/${c.connectorId}`, c);
  for (const c of live.connectors.values()) if (c.stationId === station.id) connectors.set(`${c.evseId}/${c.connectorId}`, c);
  const evses = new Map<number, Array<{ connectorId: number; status: string; at: string }>>();
  for (const c of [...connectors.values()].sort((a, b) => a.evseId - b.evseId || a.connectorId - b.connectorId)) {
    evses.set(c.evseId, [...(evses.get(c.evseId) ?? []), c]);
  }
  const boot = station.lastBoot;
  return (
    <div className="grid2">
      <div>
        <h2>EVSEs and connectors</h2>
        {evses.size === 0 ? (
          <div className="empty">No connector has reported a status yet. Stations send StatusNotification after boot.</div>
        ) : (
          <div className="evses">
            {[...evses].map(([evseId, list]) => (
              <div className="evse" key={evseId} data-evse={evseId}>
                <div className="label">EVSE {evseId}</div>
                {list.map((c) => (
                  <div className="connector" key={c.connectorId} data-connector={`${evseId}/${c.connectorId}`}>
                    Connector {c.connectorId} <Badge value={c.status} /> <small className="muted">since <Time at={c.at} /></small>
                  </div>
                ))}
              </div>
            ))}
          </div>
        )}
        {canWrite && <RemoteStart stationId={station.id} online={online} />}
        <h2>Recent events</h2>
        <RecentList showStation={false} events={live.recent.filter((e) => e.stationId === station.id && e.type !== 'message').slice(0, 20)} />
      </div>
      <div>
        <h2>Connection</h2>
        <dl className="kv">
          <dt>Status</dt>
          <dd>{online ? `online since ${station.session ? new Date(station.session.connectedAt).toLocaleString() : '—'}` : 'offline'}</dd>
          <dt>OCPP version</dt>
          <dd>{station.session?.version ?? station.ocppVersion ?? '—'}</dd>
          <dt>Security profile</dt>
          <dd>{station.securityProfile}</dd>
          <dt>Last seen</dt>
          <dd><Time at={live.stations.get(station.id)?.lastSeen ?? station.lastSeen} /></dd>
          <dt>Registered</dt>
          <dd><Time at={station.createdAt} /></dd>
        </dl>
        <h2>Boot</h2>
        {boot ? (
          <dl className="kv" data-testid="boot-info">
            <dt>Vendor / model</dt>
            <dd>{boot.chargingStation.vendorName} {boot.chargingStation.model}</dd>
            <dt>Firmware</dt>
            <dd>{boot.chargingStation.firmwareVersion ?? '—'}</dd>
            <dt>Serial number</dt>
            <dd>{boot.chargingStation.serialNumber ?? '—'}</dd>
            <dt>Reason</dt>
            <dd>{boot.reason}</dd>
            <dt>Answer</dt>
            <dd><Badge value={boot.status} /> interval {boot.interval} s</dd>
            <dt>At</dt>
            <dd><Time at={boot.at} /></dd>
          </dl>
        ) : (
          <div className="empty">The station has not sent a BootNotification yet.</div>
        )}
      </div>
    </div>
  );
}
