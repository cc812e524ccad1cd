// Sign-in: a bad token is refused with what to do; the token's role (GET /api/me) decides whether
// command buttons exist; the token lives in sessionStorage.
import { describe, expect, test, beforeEach } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from './app.tsx';
import { FakeEventSource, mockFetch, type Route } from './test-support.ts';

const station = { id: 'CS1', online: true, securityProfile: 0, hasPassword: false, createdAt: '2026-01-01T00:00:00Z', connectors: [], session: { version: '2.1', connectedAt: '2026-01-01T00:00:00Z', lastSeen: '2026-01-01T00:00:00Z', securityProfile: 0 } };

const api: Route = (r) => {
  const token = r.headers['authorization']?.replace('Bearer ', '');
  if (token !== 'cw_admin' && token !== 'cw_reader') return { status: 401, body: { error: { code: 'API_ERR_UNAUTHORIZED', message: 'invalid bearer token' } } };
  if (r.url === '/api/me') return { status: 200, body: token === 'cw_admin' ? { name: 'ops admin', role: 'admin' } : { name: 'wall screen', role: 'readonly' } };
  if (r.url === '/api/overview') return { status: 200, body: { stations: { total: 1, online: 1, offline: 0 }, connectors: { total: 0, byStatus: {} }, transactions: { active: 0 }, energyTodayWh: 0, messages: { lastMinute: 0, perSecond: 0 }, at: '2026-01-01T00:00:00Z' } };
  if (r.url.startsWith('/api/stations?')) return { status: 200, body: { items: [station], total: 1, limit: 1000, offset: 0 } };
  if (r.url === '/api/stations/CS1') return { status: 200, body: station };
  return undefined;
};

async function signIn(token: string) {
  fireEvent.change(screen.getByLabelText('API token'), { target: { value: token } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('sign-in', () => {
  beforeEach(() => {
    sessionStorage.clear();
    history.replaceState(null, '', '/');
  });

  test('an unknown token is refused with a hint, and nothing is stored', async () => {
    mockFetch(api);
    render(<App eventSource={(u) => new FakeEventSource(u)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByRole('alert').textContent).toMatch(/Enter an API token/);
    await signIn('cw_wrong');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/invalid bearer token.*Sign in again/));
    expect(sessionStorage.getItem('chargewire.token')).toBeNull();
  });

  test('an admin token signs in, is kept in sessionStorage and sees the command tab', async () => {
    const calls = mockFetch(api);
    render(<App eventSource={(u) => new FakeEventSource(u)} />);
    await signIn('cw_admin');
    await screen.findByRole('heading', { name: 'Overview' });
    expect(sessionStorage.getItem('chargewire.token')).toBe('cw_admin');
    expect(document.querySelector('[data-role]')!.textContent).toBe('admin');
    expect(screen.getByTestId('token-name').textContent).toBe('ops admin');
    expect(calls.some((c) => c.url === '/api/me')).toBe(true);
    expect(calls.some((c) => c.url.startsWith('/api/tokens'))).toBe(false); // no probing of admin-only routes
    expect(FakeEventSource.last!.url).toBe('/api/events?token=cw_admin');
    fireEvent.click(screen.getByRole('link', { name: 'Stations' }));
    fireEvent.click(await screen.findByRole('link', { name: 'CS1' }));
    await screen.findByRole('tab', { name: 'Journal' });
    expect(screen.queryByRole('tab', { name: 'Commands' })).not.toBeNull();
  });

  test('a read-only token sees no command buttons', async () => {
    mockFetch(api);
    render(<App eventSource={(u) => new FakeEventSource(u)} />);
    await signIn('cw_reader');
    await screen.findByRole('heading', { name: 'Overview' });
    expect(document.querySelector('[data-role]')!.textContent).toBe('read-only');
    history.pushState(null, '', '/stations/CS1');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await screen.findByRole('tab', { name: 'Journal' });
    expect(screen.queryByRole('tab', { name: 'Commands' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Send/ })).toBeNull();
  });

  test('a CSMS without /api/me (catch-all 404): the token is checked with a read and treated as read-only', async () => {
    const calls = mockFetch((r) => (r.url === '/api/me' ? undefined : api(r)));
    render(<App eventSource={(u) => new FakeEventSource(u)} />);
    await signIn('cw_admin');
    await screen.findByRole('heading', { name: 'Overview' });
    expect(document.querySelector('[data-role]')!.textContent).toBe('read-only');
    expect(screen.queryByTestId('token-name')).toBeNull();
    expect(calls.some((c) => c.url.startsWith('/api/tokens'))).toBe(false);
  });

  test('a saved token is reused after a reload; sign out forgets it', async () => {
    mockFetch(api);
    sessionStorage.setItem('chargewire.token', 'cw_admin');
    render(<App eventSource={(u) => new FakeEventSource(u)} />);
    await screen.findByRole('heading', { name: 'Overview' });
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(screen.getByLabelText('API token')).toBeTruthy();
    expect(sessionStorage.getItem('chargewire.token')).toBeNull();
  });
});
