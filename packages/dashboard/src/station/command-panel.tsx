// Send any CSMS-to-station action: a form generated from the action's request schema (/openapi.json),
// checked field by field before sending; the station's answer (or the refusal) is shown below.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, explain, post } from '../api/client.ts';
import { loadOpenApi } from '../api/openapi.ts';
import { SchemaForm } from '../schema-form/schema-form.tsx';
import { actionRequestSchema, buildValue, commandActions, initDraft, normalizePath, type Draft, type FieldErrors } from '../schema-form/schema.ts';
import { ErrorBox, Loading } from '../components/status.tsx';
import { useFetch } from '../components/use-fetch.ts';

export function CommandPanel({ stationId, version, online }: { stationId: string; version: string | undefined; online: boolean }) {
  const doc = useFetch(loadOpenApi, []);
  if (doc.loading && !doc.data) return <Loading what="the command schemas" />;
  if (!doc.data) return <ErrorBox error={doc.error} retry={doc.reload} />;
  return <CommandForm openapi={doc.data} stationId={stationId} version={version} online={online} />;
}

export function CommandForm({ openapi, stationId, version, online }: { openapi: unknown; stationId: string; version: string | undefined; online: boolean }) {
  const actions = useMemo(() => commandActions(openapi).filter((a) => !version || a.versions.includes(version)), [openapi, version]);
  const [action, setAction] = useState(() => (actions.some((a) => a.action === 'Reset') ? 'Reset' : actions[0]?.action ?? ''));
  const schema = useMemo(() => (action ? actionRequestSchema(openapi, action, version) : undefined), [openapi, action, version]);
  const [draft, setDraft] = useState<Draft>(undefined);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [answer, setAnswer] = useState<unknown>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [showJson, setShowJson] = useState(false);

  useEffect(() => {
    setDraft(schema ? initDraft(schema, openapi) : undefined);
    setErrors({});
    setAnswer(undefined);
    setFailure(undefined);
  }, [schema, openapi]);

  const built = schema ? buildValue(schema, openapi, draft) : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!schema || !built) return;
    setAnswer(undefined);
    setFailure(undefined);
    if (Object.keys(built.errors).length) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const res = await post<{ response: unknown }>(`/api/stations/${encodeURIComponent(stationId)}/ocpp/${action}`, built.value);
      setAnswer(res.response);
    } catch (err) {
      if (err instanceof ApiError && err.field && (err.code === 'API_ERR_INVALID_PAYLOAD' || err.code === 'API_ERR_VALIDATION')) {
        setErrors({ [normalizePath(err.field)]: err.message });
      }
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="command-panel">
      {!online && <div className="notice">The station is offline. You can prepare a command, but sending needs a live connection.</div>}
      <form onSubmit={submit} aria-label="Command" noValidate>
        <div className="filters">
          <label className="inline">
            Action{' '}
            <select aria-label="Action" value={action} onChange={(e) => setAction(e.target.value)}>
              {actions.map((a) => (
                <option key={a.action} value={a.action}>{a.action}</option>
              ))}
            </select>
          </label>
          <span className="muted small">OCPP {version ?? '2.1'} request schema · * = required</span>
        </div>
        {schema ? <SchemaForm schema={schema} root={openapi} draft={draft} errors={errors} onChange={(d) => { setDraft(d); setErrors({}); }} disabled={busy} /> : <p className="muted">No schema for {action}.</p>}
        <div className="actions">
          <button type="submit" disabled={busy || !schema}>{busy ? 'Waiting for the station…' : `Send ${action}`}</button>
          <button type="button" className="link" onClick={() => setShowJson(!showJson)}>{showJson ? 'Hide' : 'Show'} JSON</button>
        </div>
        {Object.keys(errors).length > 0 && !failure && <p className="field-error" role="alert">Fix the marked fields; nothing was sent.</p>}
        {showJson && built && <pre className="json" aria-label="Request JSON">{JSON.stringify(built.value, null, 2)}</pre>}
      </form>
      {failure !== undefined && <ErrorBox error={failure} />}
      {answer !== undefined && (
        <div className="answer" role="status" aria-label="Station answer">
          <strong>{action}Response</strong>
          <pre>{JSON.stringify(answer, null, 2)}</pre>
        </div>
      )}
    </div>
  );
}
