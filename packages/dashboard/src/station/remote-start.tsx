// Remote start (F01/F02): POST /api/stations/:id/transactions/start with an id token and EVSE; the answer
// carries the remoteStartId, and GET /api/stations/:id/remote-starts/:remoteStartId finds the transaction
// once the station reports it (404 until then): the form looks again on each transaction event of the
// station (SSE) until it has the transaction.
import { useState, type FormEvent } from 'react';
import { get, isNotFound, post } from '../api/client.ts';
import type { RemoteStartAnswer, Transaction } from '../api/types.ts';
import { Link } from '../components/router.tsx';
import { Badge, ErrorBox } from '../components/status.tsx';
import { useLiveEvents } from '../live/live-context.tsx';

const TYPES = ['ISO14443', 'ISO15693', 'Central', 'eMAID', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'];

export function RemoteStart({ stationId, online }: { stationId: string; online: boolean }) {
  const [idToken, setIdToken] = useState('');
  const [type, setType] = useState('ISO14443');
  const [evseId, setEvseId] = useState('1');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<RemoteStartAnswer>();
  const [tx, setTx] = useState<Transaction | undefined>();
  const [error, setError] = useState<unknown>();
  const base = `/api/stations/${encodeURIComponent(stationId)}`;

  const lookup = async (remoteStartId: number) => {
    try {
      setTx((await get<{ transaction: Transaction }>(`${base}/remote-starts/${remoteStartId}`)).transaction);
    } catch (err) {
      if (!isNotFound(err)) setError(err); // 404: the station has not reported the transaction yet
    }
  };
  const waiting = answer?.response.status === 'Accepted' && !tx ? answer.remoteStartId : undefined;
  useLiveEvents((e) => {
    if (waiting !== undefined && e.stationId === stationId && e.type.startsWith('transaction.')) void lookup(waiting);
  }, [waiting, stationId]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAnswer(undefined);
    setTx(undefined);
    setError(undefined);
    setBusy(true);
    try {
      const evse = Number(evseId);
      const r = await post<RemoteStartAnswer>(`${base}/transactions/start`, { idToken: { idToken: idToken.trim(), type }, ...(evseId && Number.isInteger(evse) && evse > 0 ? { evseId: evse } : {}) });
      setAnswer(r);
      if (r.response.status === 'Accepted') await lookup(r.remoteStartId);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const txId = tx?.transactionId ?? answer?.response.transactionId;
  return (
    <form className="panel" aria-label="Start transaction" onSubmit={submit}>
      <strong>Start a transaction</strong>
      <div className="filters">
        <input aria-label="Id token to start with" placeholder="Id token" value={idToken} required maxLength={255} onChange={(e) => setIdToken(e.target.value)} />
        <select aria-label="Id token type" value={type} onChange={(e) => setType(e.target.value)}>{TYPES.map((t) => <option key={t}>{t}</option>)}</select>
        <input aria-label="EVSE" type="number" min={1} value={evseId} onChange={(e) => setEvseId(e.target.value)} style={{ width: '5em' }} />
        <button type="submit" disabled={busy || !online || !idToken.trim()}>{busy ? 'Waiting for the station…' : 'Start'}</button>
      </div>
      {answer && (
        <p role="status">
          RequestStartTransaction <Badge value={answer.response.status} /> remoteStartId {answer.remoteStartId}
          {txId ? <> · <Link to={`/transactions/${encodeURIComponent(stationId)}/${encodeURIComponent(txId)}`}>transaction {txId}</Link></> : answer.response.status === 'Accepted' ? <> · <button type="button" className="link" onClick={() => void lookup(answer.remoteStartId)}>Find the transaction</button></> : null}
        </p>
      )}
      {error !== undefined && <ErrorBox error={error} />}
    </form>
  );
}
