// Who is signed in: the API token (sessionStorage) and its role. Read-only tokens get no command buttons.
import { createContext, useContext, useState, type FormEvent } from 'react';
import { explain, setToken, whoAmI, type Role } from './api/client.ts';

export interface Session {
  token: string;
  role: Role;
  /** The token's name (GET /api/me); absent when the CSMS has no /api/me. */
  name?: string;
}

export const SessionContext = createContext<(Session & { signOut(): void }) | null>(null);

export function useSession(): Session & { signOut(): void } {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionContext');
  return s;
}

export const useCanWrite = () => useSession().role === 'admin';

export function SignIn({ onSignedIn, notice }: { onSignedIn: (s: Session) => void; notice?: string }) {
  const [token, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const t = token.trim();
    if (!t) {
      setError('Enter an API token. `npm start` prints the admin token on first start; admins create more under POST /api/tokens.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const me = await whoAmI(t);
      setToken(t);
      onSignedIn({ token: t, ...me });
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-label="Sign in">
        <h1>Chargewire</h1>
        <p className="muted">Sign in with an API token of this CSMS.</p>
        {notice && <div className="notice">{notice}</div>}
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" value={token} onChange={(e) => setValue(e.target.value)} placeholder="cw_…" autoFocus />
        {error && (
          <div className="error-box" role="alert">
            {error}
          </div>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
