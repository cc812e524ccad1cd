// The message journal: every frame pretty-printed, filtered by action, direction and time, paged.
import { useState } from 'react';
import { get } from '../api/client.ts';
import type { JournalEntry } from '../api/types.ts';
import { Empty, ErrorBox, Loading } from '../components/status.tsx';
import { useFetch } from '../components/use-fetch.ts';
import { useLiveEvents } from '../live/live-context.tsx';

const TYPE = ['', '', 'CALL', 'CALLRESULT', 'CALLERROR', 'CALLRESULTERROR', 'SEND'];

/** Pretty-print a raw OCPP-J frame (JSON text); unparsable text is shown as is. */
export function prettyFrame(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/** `datetime-local` value → ISO, or undefined. */
const iso = (local: string) => (local ? new Date(local).toISOString() : undefined);

export function Journal({ stationId }: { stationId: string }) {
  const [action, setAction] = useState('');
  const [direction, setDirection] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [beforeId, setBeforeId] = useState<number | undefined>();
  const [follow, setFollow] = useState(true);
  const validAction = /^[A-Za-z0-9]{0,64}$/.test(action);
  const page = useFetch(
    () =>
      validAction
        ? get<{ items: JournalEntry[]; nextBeforeId?: number }>(`/api/stations/${encodeURIComponent(stationId)}/journal`, { action, direction, since: iso(since), until: iso(until), beforeId, limit: 50 })
        : Promise.resolve<{ items: JournalEntry[]; nextBeforeId?: number }>({ items: [] }),
    [stationId, action, direction, since, until, beforeId, validAction],
  );
  useLiveEvents((e) => {
    if (follow && beforeId === undefined && e.type === 'message' && e.stationId === stationId) page.reload();
  }, [follow, beforeId, stationId, page.reload]);
  return (
    <div>
      <div className="filters">
        <input aria-label="Action" placeholder="Action (e.g. BootNotification)" value={action} onChange={(e) => { setAction(e.target.value.trim()); setBeforeId(undefined); }} aria-invalid={!validAction || undefined} />
        <select aria-label="Direction" value={direction} onChange={(e) => { setDirection(e.target.value); setBeforeId(undefined); }}>
          <option value="">both directions</option>
          <option value="in">station → CSMS</option>
          <option value="out">CSMS → station</option>
        </select>
        <label className="inline">from <input type="datetime-local" aria-label="Since" value={since} onChange={(e) => { setSince(e.target.value); setBeforeId(undefined); }} /></label>
        <label className="inline">to <input type="datetime-local" aria-label="Until" value={until} onChange={(e) => { setUntil(e.target.value); setBeforeId(undefined); }} /></label>
        <label className="inline"><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow live</label>
      </div>
      {!validAction && <div className="field-error">An action name has only letters and digits.</div>}
      {page.error !== undefined && <ErrorBox error={page.error} retry={page.reload} />}
      {page.loading && !page.data ? (
        <Loading what="the journal" />
      ) : !page.data?.items.length ? (
        <Empty>No frames match. {action || direction || since || until ? 'Loosen the filters.' : 'Frames appear once the station talks to the CSMS.'}</Empty>
      ) : (
        <ol className="journal">
          {page.data.items.map((j) => (
            <li key={j.id} className={j.direction}>
              <div className="journal-head">
                <span className="dir">{j.direction === 'in' ? '← in' : '→ out'}</span>
                <strong>{j.action ?? '(answer)'}</strong>
                <span className="muted">{TYPE[j.messageType] ?? j.messageType}</span>
                <code className="muted">{j.messageId}</code>
                <time dateTime={j.at}>{new Date(j.at).toLocaleString()}</time>
              </div>
              <pre>{prettyFrame(j.payload)}</pre>
            </li>
          ))}
        </ol>
      )}
      <div className="pager">
        <button type="button" disabled={beforeId === undefined} onClick={() => setBeforeId(undefined)}>Newest</button>
        <button type="button" disabled={page.data?.nextBeforeId === undefined} onClick={() => setBeforeId(page.data?.nextBeforeId)}>Older</button>
      </div>
    </div>
  );
}
