// Small presentational pieces: loading, errors with what to do, empty states, badges.
import type { ReactNode } from 'react';
import { explain } from '../api/client.ts';

export function Loading({ what }: { what: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="error-box" role="alert">
      {explain(error)}
      {retry && (
        <button type="button" className="link" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

const tone: Record<string, string> = {
  Available: 'ok',
  Occupied: 'busy',
  Reserved: 'info',
  Unavailable: 'muted',
  Faulted: 'bad',
  online: 'ok',
  offline: 'muted',
  Accepted: 'ok',
  Pending: 'info',
  Rejected: 'bad',
  Blocked: 'bad',
  Invalid: 'bad',
  Expired: 'muted',
  Started: 'busy',
  Updated: 'busy',
  Ended: 'muted',
};

export function Badge({ value }: { value: string }) {
  return <span className={`badge ${tone[value] ?? 'info'}`}>{value}</span>;
}

export function Time({ at }: { at: string | undefined }) {
  if (!at) return <span className="muted">—</span>;
  const d = new Date(at);
  return <time dateTime={at} title={at}>{d.toLocaleString()}</time>;
}

export function formatWh(wh: number): string {
  if (Math.abs(wh) >= 1_000_000) return `${(wh / 1_000_000).toFixed(2)} MWh`;
  if (Math.abs(wh) >= 1000) return `${(wh / 1000).toFixed(2)} kWh`;
  return `${Math.round(wh)} Wh`;
}
