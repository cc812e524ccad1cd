// Overview: stations online/offline, connectors by status, active transactions, energy today and
// messages per second. First load from GET /api/overview (one call), then kept current by the SSE
// stream (LiveStore), so it changes without reloads.
import { useLive } from '../live/live-context.tsx';
import { Link } from '../components/router.tsx';
import { Badge, Empty, ErrorBox, formatWh, Loading } from '../components/status.tsx';
import type { LiveEvent } from '../live/live-store.ts';

const STATUSES = ['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted'];
const NA = 'n/a';

export function Overview() {
  const live = useLive();
  if (!live.loaded) return <Loading what="the network" />;
  const c = live.counts;
  const statuses = [...new Set([...STATUSES, ...Object.keys(c?.connectorsByStatus ?? {})])];
  const noStations = c ? c.stationsOnline + c.stationsOffline === 0 : live.stations.size === 0;
  return (
    <section aria-label="Overview">
      <h1>Overview</h1>
      {live.loadError && <ErrorBox error={new Error(`Could not load the overview: ${live.loadError}`)} />}
      {!live.overviewApi && (
        <p className="notice">This CSMS does not offer GET /api/overview yet: the counters are not available. Update the CSMS; the activity below is still live.</p>
      )}
      <div className="cards">
        <Card label="Stations online" value={c?.stationsOnline ?? NA} testId="stations-online" />
        <Card label="Stations offline" value={c?.stationsOffline ?? NA} testId="stations-offline" />
        <Card label="Active transactions" value={c?.activeTransactions ?? NA} testId="active-transactions" />
        <Card label="Energy today" value={c ? formatWh(c.energyTodayWh) : NA} testId="energy-today" />
        <Card label="Messages / s" value={live.messagesPerSecond} testId="messages-per-second" />
      </div>
      <h2>Connectors by status</h2>
      <div className="cards small">
        {statuses.map((s) => (
          <Card key={s} label={s} value={c ? (c.connectorsByStatus[s] ?? 0) : NA} testId={`connectors-${s}`} />
        ))}
      </div>
      {noStations && (
        <Empty>
          No stations yet. Point a charging station (or <code>npx chargewire-sim</code>) at <code>ws://&lt;this host&gt;:9000/ocpp/&lt;id&gt;</code>, or register one under{' '}
          <Link to="/stations">Stations</Link>.
        </Empty>
      )}
      <h2>Recent activity</h2>
      <RecentList events={live.recent.filter((e) => e.type !== 'message' && e.type !== 'station.heartbeat').slice(0, 15)} />
    </section>
  );
}

function Card({ label, value, testId }: { label: string; value: number | string; testId: string }) {
  return (
    <div className="card" data-testid={testId}>
      <div className="value">{value}</div>
      <div className="label">{label}</div>
    </div>
  );
}

export function describeEvent(e: LiveEvent): string {
  switch (e.type) {
    case 'station.connected':
      return `connected (OCPP ${e.version})`;
    case 'station.disconnected':
      return `disconnected (${e.code}${e.reason ? ` ${e.reason}` : ''})`;
    case 'station.booted':
      return `booted: ${e.vendorName} ${e.model}, ${e.status}`;
    case 'station.heartbeat':
      return 'heartbeat';
    case 'connector.status':
      return `EVSE ${e.evseId} connector ${e.connectorId} → ${e.status}`;
    case 'station.event':
      return `${e.count} event${e.count === 1 ? '' : 's'} reported`;
    case 'transaction.started':
    case 'transaction.updated':
    case 'transaction.ended':
      return `transaction ${e.transactionId} ${e.type.split('.')[1]}${e.energyWh !== undefined ? ` (${formatWh(e.energyWh)})` : ''}`;
    case 'meter.values':
      return `${e.count} meter value${e.count === 1 ? '' : 's'}${e.transactionId ? ` for ${e.transactionId}` : ''}`;
    case 'message':
      return `${e.direction === 'in' ? '←' : '→'} ${e.action ?? 'message'}`;
  }
}

export function RecentList({ events, showStation = true }: { events: readonly LiveEvent[]; showStation?: boolean }) {
  if (events.length === 0) return <Empty>Nothing has happened since this page opened. Events appear here as they arrive.</Empty>;
  return (
    <ul className="recent">
      {events.map((e, i) => (
        <li key={`${e.at}-${i}`}>
          <time dateTime={e.at}>{new Date(e.at).toLocaleTimeString()}</time>
          {showStation && <Link to={`/stations/${encodeURIComponent(e.stationId)}`}>{e.stationId}</Link>}
          <span>{describeEvent(e)}</span>
          {e.type === 'connector.status' && <Badge value={e.status} />}
        </li>
      ))}
    </ul>
  );
}
