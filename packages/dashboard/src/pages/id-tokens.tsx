// Id tokens (C01 authorization data): list (GET /api/id-tokens), create / edit / block with
// PUT /api/id-tokens/:type/:idToken (create-or-replace; the body carries neither idToken nor type),
// delete with DELETE /api/id-tokens/:type/:idToken after a confirmation. KeyCode tokens take a PIN:
// PUT …/KeyCode/<any label> with { pin } and the CSMS stores the token under the PIN's hash (C04.FR.04),
// so the list shows such tokens as "PIN" and never a clear code. Read-only sessions get no buttons.
// Location/time restrictions are shown read-only (token-restrictions.tsx) and kept by every save.
import { useState, type FormEvent } from 'react';
import { del, explain, get, isMissingRoute, isNotFound, put } from '../api/client.ts';
import type { IdTokenRecord, Page } from '../api/types.ts';
import { useCanWrite } from '../auth.tsx';
import { Badge, Empty, ErrorBox, Loading, Time } from '../components/status.tsx';
import { useFetch } from '../components/use-fetch.ts';
import { RestrictionCell, RestrictionDetail } from './token-restrictions.tsx';

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
  const [confirming, setConfirming] = useState<string | undefined>();

  const remove = async (t: IdTokenRecord) => {
    setActionError(undefined);
    try {
      await del(tokenPath(t));
      setConfirming(undefined);
      page.reload();
    } catch (err) {
      setConfirming(undefined);
      setActionError(err);
    }
  };

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
          <thead><tr><th>Id token</th><th>Type</th><th>Status</th><th>Expires</th><th>Group</th><th>Restrictions</th><th>Updated</th>{canWrite && <th />}</tr></thead>
          <tbody>
            {page.data.items.map((t) => (
              <tr key={`${t.type}/${t.idToken}`} data-token={`${t.type}/${t.idToken}`}>
                <td>{t.hasPin ? <span>PIN <small className="muted">(stored hashed)</small></span> : <code>{t.idToken}</code>}</td>
                <td>{t.type}</td>
                <td><Badge value={t.status} /></td>
                <td><Time at={t.expiryDate} /></td>
                <td>{t.groupIdToken?.idToken ?? '—'}</td>
                <td><RestrictionCell token={t} /></td>
                <td><Time at={t.updatedAt} /></td>
                {canWrite && (
                  <td>
                    {confirming === `${t.type}/${t.idToken}` ? (
                      <span role="group" aria-label={`Confirm deleting ${label(t)}`}>
                        Delete {label(t)}?{' '}
                        <button type="button" className="danger" onClick={() => void remove(t)}>Yes, delete</button>{' '}
                        <button type="button" className="link" onClick={() => setConfirming(undefined)}>Cancel</button>
                      </span>
                    ) : (
                      <>
                        <button type="button" className="link" onClick={() => setEditing(t)}>Edit</button>{' '}
                        <button type="button" className="link" onClick={() => void block(t)}>{t.status === 'Blocked' ? 'Unblock' : 'Block'}</button>{' '}
                        <button type="button" className="link" onClick={() => setConfirming(`${t.type}/${t.idToken}`)}>Delete</button>
                      </>
                    )}
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

/** How a token is named to the operator: PIN tokens never by their hash. */
const label = (t: IdTokenRecord) => (t.hasPin ? `${t.type} PIN token` : `${t.type} token ${t.idToken}`);

/** PUT path segment for a new PIN token: the CSMS replaces it with the PIN's hash. */
const PIN_LABEL = 'pin';

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
  const [pin, setPin] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const withPin = type === 'KeyCode' && pin !== '';
    if (withPin) {
      if (pin.length > 36) errs['pin'] = 'at most 36 characters';
    } else if (!idToken.trim()) {
      if (type === 'KeyCode') errs['pin'] = 'enter a PIN (or a key code to store in clear)';
      else errs['idToken'] = 'required';
    } else if (idToken.length > 255) errs['idToken'] = 'at most 255 characters';
    if (group.length > 255) errs['group'] = 'at most 255 characters';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const key = { idToken: withPin && !initial ? PIN_LABEL : idToken.trim(), type };
    const body = {
      ...(initial ? strip(initial) : {}),
      status,
      ...(expiry ? { expiryDate: new Date(expiry).toISOString() } : {}),
      ...(group ? { groupIdToken: { idToken: group, type: 'Central' } } : {}),
      ...(withPin ? { pin } : {}),
    };
    if (!expiry) delete (body as { expiryDate?: string }).expiryDate;
    if (!group) delete (body as { groupIdToken?: unknown }).groupIdToken;
    try {
      if (!initial && !withPin) {
        // PUT creates or replaces: do not overwrite an existing token from the "New" form. (A PIN token's
        // key is the PIN's hash, made by the CSMS: there is nothing to look up beforehand.)
        const exists = await get(tokenPath(key)).then(() => true, (err: unknown) => {
          if (isNotFound(err)) return false;
          throw err;
        });
        if (exists) {
          setError(`${key.type} token ${key.idToken} already exists; edit it in the list instead.`);
          return;
        }
      }
      const saved = await put<IdTokenRecord>(tokenPath(initial ?? key), body);
      // A new PIN is a new key (its hash): the record under the old key is removed.
      if (initial && withPin && saved.idToken !== initial.idToken) await del(tokenPath(initial));
      onDone(true);
    } catch (err) {
      setError(explain(err));
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={initial ? 'Edit id token' : 'New id token'} noValidate>
      <strong>{initial ? `Edit ${label(initial)}` : 'New id token'}</strong>
      <div className="field leaf">
        <label htmlFor="tok-type">Type</label>
        <select id="tok-type" value={type} disabled={!!initial} onChange={(e) => setType(e.target.value)}>{TYPES.map((t) => <option key={t}>{t}</option>)}</select>
      </div>
      {type === 'KeyCode' && (
        <div className="field leaf">
          <label htmlFor="tok-pin">{initial?.hasPin ? 'New PIN' : 'PIN'}</label>
          <input id="tok-pin" type="password" autoComplete="off" inputMode="numeric" value={pin} onChange={(e) => setPin(e.target.value)} aria-invalid={errors['pin'] ? true : undefined} aria-describedby="tok-pin-help" />
          <span id="tok-pin-help" className="muted small">
            {initial?.hasPin ? 'Leave empty to keep the current PIN.' : 'Stored only as a hash; the CSMS never shows it again.'}
          </span>
          {errors['pin'] && <span className="field-error" role="alert">{errors['pin']}</span>}
        </div>
      )}
      {!(type === 'KeyCode' && (pin !== '' || initial?.hasPin)) && (
        <div className="field leaf">
          <label htmlFor="tok-id">Id token{type !== 'KeyCode' && <span className="req">*</span>}</label>
          <input id="tok-id" value={idToken} disabled={!!initial} onChange={(e) => setIdToken(e.target.value)} aria-invalid={errors['idToken'] ? true : undefined} />
          {errors['idToken'] && <span className="field-error" role="alert">{errors['idToken']}</span>}
        </div>
      )}
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
      {initial && <RestrictionDetail token={initial} />}
      <button type="submit">Save</button> <button type="button" className="link" onClick={() => onDone(false)}>Cancel</button>
      {error && <div className="error-box" role="alert">{error}</div>}
    </form>
  );
}
