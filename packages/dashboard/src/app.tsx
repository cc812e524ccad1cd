// The app shell: sign-in gate, live store, navigation and routes.
import { useEffect, useMemo, useState } from 'react';
import { explain, getToken, setToken, setUnauthorizedHandler, whoAmI } from './api/client.ts';
import { SessionContext, SignIn, type Session } from './auth.tsx';
import { LiveContext, useLive } from './live/live-context.tsx';
import { LiveStore, type EventSourceFactory } from './live/live-store.ts';
import { Link, match, useLocation } from './components/router.tsx';
import { Loading } from './components/status.tsx';
import { Overview } from './pages/overview.tsx';
import { StationList } from './pages/station-list.tsx';
import { StationPage } from './station/station-page.tsx';
import { TransactionList } from './pages/transaction-list.tsx';
import { TransactionPage } from './pages/transaction-page.tsx';
import { IdTokens } from './pages/id-tokens.tsx';

export function App({ eventSource }: { eventSource?: EventSourceFactory }) {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => getToken() !== null);
  const [notice, setNotice] = useState<string | undefined>();

  useEffect(() => {
    const saved = getToken();
    if (!saved) return;
    whoAmI(saved).then(
      (me) => setSession({ token: saved, ...me }),
      (err: unknown) => {
        setToken(null);
        setNotice(`Your saved token no longer works: ${explain(err)}`);
      },
    ).finally(() => setRestoring(false));
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setToken(null);
      setSession(null);
      setNotice('The CSMS no longer accepts your token (revoked?). Sign in again.');
    });
    return () => setUnauthorizedHandler(undefined);
  }, []);

  if (restoring) return <Loading what="your session" />;
  if (!session) return <SignIn notice={notice} onSignedIn={(s) => { setNotice(undefined); setSession(s); }} />;
  const signOut = () => {
    setToken(null);
    setSession(null);
  };
  return (
    <SessionContext.Provider value={{ ...session, signOut }}>
      <Live token={session.token} eventSource={eventSource} />
    </SessionContext.Provider>
  );
}

function Live({ token, eventSource }: { token: string; eventSource?: EventSourceFactory }) {
  const store = useMemo(() => new LiveStore(eventSource), [eventSource]);
  useEffect(() => {
    store.start(token);
    void store.load();
    return () => store.stop();
  }, [store, token]);
  return (
    <LiveContext.Provider value={store}>
      <Shell />
    </LiveContext.Provider>
  );
}

function Shell() {
  const { path } = useLocation();
  const live = useLive();
  const nav = [
    ['/', 'Overview'],
    ['/stations', 'Stations'],
    ['/transactions', 'Transactions'],
    ['/id-tokens', 'Id tokens'],
  ] as const;
  const active = (to: string) => (to === '/' ? path === '/' : path.startsWith(to));
  return (
    <div className="shell">
      <header className="top">
        <span className="brand">⚡ Chargewire</span>
        <nav>
          {nav.map(([to, label]) => (
            <Link key={to} to={to} className={active(to) ? 'active' : ''}>
              {label}
            </Link>
          ))}
        </nav>
        <SessionBar stream={live.stream} />
      </header>
      <main className="content">
        <Routes path={path} />
      </main>
    </div>
  );
}

function SessionBar({ stream }: { stream: string }) {
  return (
    <SessionContext.Consumer>
      {(s) => (
        <div className="session">
          <span className={`dot ${stream}`} title={`live updates: ${stream}`} aria-label={`live updates ${stream}`} />
          {s?.name && <span className="muted small" data-testid="token-name">{s.name}</span>}
          <span className="role" data-role={s?.role}>{s?.role === 'admin' ? 'admin' : 'read-only'}</span>
          <button type="button" className="link" onClick={() => s?.signOut()}>
            Sign out
          </button>
        </div>
      )}
    </SessionContext.Consumer>
  );
}

function Routes({ path }: { path: string }) {
  let m;
  if (path === '/' || path === '') return <Overview />;
  if (match('/stations', path)) return <StationList />;
  if ((m = match('/stations/:id', path))) return <StationPage id={m['id']!} />;
  if (match('/transactions', path)) return <TransactionList />;
  if ((m = match('/transactions/:stationId/:transactionId', path))) return <TransactionPage stationId={m['stationId']!} transactionId={m['transactionId']!} />;
  if (match('/id-tokens', path)) return <IdTokens />;
  return (
    <div className="empty">
      No page at <code>{path}</code>. <Link to="/">Go to the overview</Link>.
    </div>
  );
}
