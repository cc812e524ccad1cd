// The stored device model: searchable, with set-variable through SetVariables (admins).
import { useState, type FormEvent } from 'react';
import { explain, get, post } from '../api/client.ts';
import type { Page, Variable } from '../api/types.ts';
import { useCanWrite } from '../auth.tsx';
import { Empty, ErrorBox, Loading, Time } from '../components/status.tsx';
import { useFetch } from '../components/use-fetch.ts';
import { OffsetPager } from '../components/pager.tsx';

export function DeviceModel({ stationId, online }: { stationId: string; online: boolean }) {
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const limit = 100;
  const page = useFetch(() => get<Page<Variable>>(`/api/stations/${encodeURIComponent(stationId)}/variables`, { search: search.trim(), limit, offset }), [stationId, search, offset]);
  const canWrite = useCanWrite();
  const [editing, setEditing] = useState<Variable | undefined>();
  return (
    <div>
      <div className="filters">
        <input type="search" aria-label="Search variables" placeholder="Search component, variable or value" value={search} onChange={(e) => { setSearch(e.target.value); setOffset(0); }} />
      </div>
      {page.error !== undefined && <ErrorBox error={page.error} retry={page.reload} />}
      {editing && <SetVariable stationId={stationId} variable={editing} online={online} onDone={() => { setEditing(undefined); page.reload(); }} />}
      {page.loading && !page.data ? (
        <Loading what="the device model" />
      ) : !page.data?.items.length ? (
        <Empty>{search ? `No variable matches “${search}”.` : 'No device model stored yet. It arrives with the station’s NotifyReport (send GetBaseReport from Commands).'}</Empty>
      ) : (
        <>
          <table className="list">
            <thead>
              <tr><th>Component</th><th>Variable</th><th>Attribute</th><th>Value</th><th>Mutability</th><th>Updated</th>{canWrite && <th />}</tr>
            </thead>
            <tbody>
              {page.data.items.map((v, i) => (
                <tr key={i}>
                  <td>{v.component}{v.componentInstance ? `/${v.componentInstance}` : ''}{v.evseId !== undefined ? ` (EVSE ${v.evseId}${v.connectorId !== undefined ? `/${v.connectorId}` : ''})` : ''}</td>
                  <td>{v.variable}{v.variableInstance ? `/${v.variableInstance}` : ''}</td>
                  <td>{v.attributeType}</td>
                  <td><code>{v.value ?? ''}</code>{v.lastSetStatus && v.lastSetStatus !== 'Accepted' && <small className="muted"> ({v.lastSetStatus})</small>}</td>
                  <td>{v.mutability ?? '—'}</td>
                  <td><Time at={v.updatedAt} /></td>
                  {canWrite && <td>{v.mutability !== 'ReadOnly' && <button type="button" className="link" onClick={() => setEditing(v)}>Set…</button>}</td>}
                </tr>
              ))}
            </tbody>
          </table>
          <OffsetPager offset={offset} limit={limit} shown={page.data.items.length} total={page.data.total} onOffset={setOffset} />
        </>
      )}
    </div>
  );
}

function SetVariable({ stationId, variable, online, onDone }: { stationId: string; variable: Variable; online: boolean; onDone: () => void }) {
  const [value, setValue] = useState(variable.value ?? '');
  const [result, setResult] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (value.length > 2500) return setError('at most 2500 characters (attributeValue)');
    setBusy(true);
    setError(undefined);
    try {
      const component = { name: variable.component, ...(variable.componentInstance ? { instance: variable.componentInstance } : {}), ...(variable.evseId !== undefined ? { evse: { id: variable.evseId, ...(variable.connectorId !== undefined ? { connectorId: variable.connectorId } : {}) } } : {}) };
      const body = { setVariableData: [{ attributeType: variable.attributeType, attributeValue: value, component, variable: { name: variable.variable, ...(variable.variableInstance ? { instance: variable.variableInstance } : {}) } }] };
      const res = await post<{ response: { setVariableResult: Array<{ attributeStatus: string; attributeStatusInfo?: { reasonCode?: string } }> } }>(`/api/stations/${encodeURIComponent(stationId)}/variables/set`, body);
      const r = res.response.setVariableResult[0];
      setResult(`${r?.attributeStatus ?? 'no result'}${r?.attributeStatusInfo?.reasonCode ? ` (${r.attributeStatusInfo.reasonCode})` : ''}`);
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-label="Set variable">
      <strong>Set {variable.component}.{variable.variable} ({variable.attributeType})</strong>
      {!online && <p className="notice">The station is offline; SetVariables needs a live connection.</p>}
      <input aria-label="New value" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" disabled={busy || !online}>{busy ? 'Sending…' : 'Send SetVariables'}</button>
      <button type="button" className="link" onClick={onDone}>Close</button>
      {result && <p role="status">Station answered: <strong>{result}</strong></p>}
      {error && <div className="error-box" role="alert">{error}</div>}
    </form>
  );
}
