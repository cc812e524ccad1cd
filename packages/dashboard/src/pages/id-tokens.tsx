// Id tokens (C01 authorization data): list (GET /api/id-tokens), create / edit / block with
// PUT /api/id-tokens/:type/:idToken (create-or-replace; the body carries neither idToken nor type).
import { useState, type FormEvent } from 'react';
import { explain, get, isMissingRoute, isNotFound, put } from '../api/client.ts';
import type { IdTokenRecord, Page } from '../api/types.ts';
import { useCanWrite } from '../auth.tsx';
import { Badge, Empty, ErrorBox, Loading, Time } from '../components/status.tsx';
import { useFetch } from '../components/use-fetch.ts';

const TYPES = ['Central', 'DirectPayment', 'eMAID', 'EVCCID', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization', 'VIN'];
const STATUSES = ['Accepted', 'Blocked', 'ConcurrentTx', 'Expired', 'Invalid', 'NoCredit', 'NotAllowedTypeEVSE', 'NotAtThisLocation', 'NotAtThisTime', 'Unknown'];

const tokenPath = (t: { idToken: string; type: string }) => `/api/id-tokens/${encodeURIComponent(t.type)}/${encodeURIComponent(t.idToken)}`;

export function IdTokens() {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const page = useFetch(() => get<Page<IdTokenRecord>>('/api/id-tokens', { search: search.trim(), status, limit: 200 }), [search, status]);
  const canWrite = useCanWrite();
  const [editing, setEditing] = useState<IdTokenRecord | 'new' | undefined>();
  const [actionError, setActionError] = useState<unknown>();

  const block = async (t: IdTokenRecord) => {
    setActionError(undefined);
    try {
      await put(tokenPath(t), { ...strip(t), status: t.status === 'Blocked' ? 'Accepted' : 'Blocked' });
      page.reload();
    } catch (err) {
      setActionError(err);
    }
  };

  if (isMissingRoute(page.error)) {
    return (
      <section aria-label="Id tokens">
        <h1>Id tokens</h1>
        <Empty>This CSMS does not serve id tokens yet (GET /api/id-tokens answered 404). Update the CSMS to a version with the id-token API.</Empty>
      </section>
    );
  }
  return (
    <section aria-label="Id tokens">
      <h1>Id tokens</h1>
      <div className="filters">
        <input type="search" aria-label="Search id tokens" placeholder="Search token" value={search} onChange={(e) => setSearch(e.target.value)} />
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">any status</option>
          {STATUSES.map((s) => <option key={s}>{s}</option>)}
        </select>
        {canWrite && <button type="button" onClick={() => setEditing('new')}>New id token</button>}
      </div>
      {editing && <TokenForm initial={editing === 'new' ? undefined : editing} onDone={(changed) => { setEditing(undefined); if (changed) page.reload(); }} />}
      {actionError !== undefined && <ErrorBox error={actionError} />}
      {page.error !== undefined && <ErrorBox error={page.error} retry={page.reload} />}
      {page.loading && !page.data ? <Loading what="id tokens" /> : page.data && page.data.items.length === 0 ? (
        <Empty>{search || status ? 'No id token matches.' : 'No id tokens yet.'} {canWrite ? 'Create one with “New id token”.' : ''}</Empty>
      ) : page.data ? (
        <table className="list">
          <thead><tr><th>Id token</th><th>Type</th><th>Status</th><th>Expires</th><th>Group</th><th>Updated</th>{canWrite && <th />}</tr></thead>
          <tbody>
            {page.data.items.map((t) => (
              <tr key={`${t.type}/${t.idToken}`}>
                <td><code>{t.idToken}</code></td>
                <td>{t.type}</td>
                <td><Badge value={t.status} /></td>
                <td><Time at={t.expiryDate} /></td>
                <td>{t.groupIdToken?.idToken ?? '—'}</td>
                <td><Time at={t.updatedAt} /></td>
                {canWrite && (
                  <td>
                    <button type="button" className="link" onClick={() => setEditing(t)}>Edit</button>{' '}
                    <button type="button" className="link" onClick={() => void block(t)}>{t.status === 'Blocked' ? 'Unblock' : 'Block'}</button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** The PUT body of a record: everything but the key (in the path) and the server-made fields. */
export function strip(t: IdTokenRecord): Omit<IdTokenRecord, 'updatedAt' | 'idToken' | 'type' | 'hasPin'> {
  const { updatedAt: _u, idToken: _i, type: _t, hasPin: _h, ...rest } = t;
  return rest;
}

function TokenForm({ initial, onDone }: { initial: IdTokenRecord | undefined; onDone: (changed: boolean) => void }) {
  const [idToken, setIdToken] = useState(initial?.idToken ?? '');
  const [type, setType] = useState(initial?.type ?? 'ISO14443');
  const [status, setStatus] = useState(initial?.status ?? 'Accepted');
  const [expiry, setExpiry] = useState(initial?.expiryDate?.slice(0, 16) ?? '');
  const [group, setGroup] = useState(initial?.groupIdToken?.idToken ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!idToken.trim()) errs['idToken'] = 'required';
    else if (idToken.length > 255) errs['idToken'] = 'at most 255 characters';
    if (group.length > 255) errs['group'] = 'at most 255 characters';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const key = { idToken: idToken.trim(), type };
    const body = {
      ...(initial ? strip(initial) : {}),
      status,
      ...(expiry ? { expiryDate: new Date(expiry).toISOString() } : {}),
      ...(group ? { groupIdToken: { idToken: group, type: 'Central' } } : {}),
    };
    if (!expiry) delete (body as { expiryDate?: string }).expiryDate;
    if (!group) delete (body as { groupIdToken?: unknown }).groupIdToken;
    try {
      if (!initial) {
        // PUT creates or replaces: do not overwrite an existing token from the "New" form.
        const exists = await get(tokenPath(key)).then(() => true, (err: unknown) => {
          if (isNotFound(err)) return false;
          throw err;
        });
        if (exists) {
          setError(`${key.type} token ${key.idToken} already exists; edit it in the list instead.`);
          return;
        }
      }
      await put(tokenPath(initial ?? key), body);
      onDone(true);
    } catch (err) {
      setError(explain(err));
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={initial ? 'Edit id token' : 'New id token'} noValidate>
      <strong>{initial ? `Edit ${initial.idToken}` : 'New id token'}</strong>
      <div className="field leaf">
        <label htmlFor="tok-id">Id token<span className="req">*</span></label>
        <input id="tok-id" value={idToken} disabled={!!initial} onChange={(e) => setIdToken(e.target.value)} aria-invalid={errors['idToken'] ? true : undefined} />
        {errors['idToken'] && <span className="field-error" role="alert">{errors['idToken']}</span>}
      </div>
      <div className="field leaf">
        <label htmlFor="tok-type">Type</label>
        <select id="tok-type" value={type} disabled={!!initial} onChange={(e) => setType(e.target.value)}>{TYPES.map((t) => <option key={t}>{t}</option>)}</select>
      </div>
      <div className="field leaf">
        <label htmlFor="tok-status">Status</label>
        <select id="tok-status" value={status} onChange={(e) => setStatus(e.target.value)}>{STATUSES.map((t) => <option key={t}>{t}</option>)}</select>
      </div>
      <div className="field leaf">
        <label htmlFor="tok-exp">Expires</label>
        <input id="tok-exp" type="datetime-local" value={expiry} onChange={(e) => setExpiry(e.target.value)} />
      </div>
      <div className="field leaf">
        <label htmlFor="tok-group">Group id token</label>
        <input id="tok-group" value={group} onChange={(e) => setGroup(e.target.value)} />
        {errors['group'] && <span className="field-error" role="alert">{errors['group']}</span>}
      </div>
      <button type="submit">Save</button> <button type="button" className="link" onClick={() => onDone(false)}>Cancel</button>
      {error && <div className="error-box" role="alert">{error}</div>}
    </form>
  );
}
