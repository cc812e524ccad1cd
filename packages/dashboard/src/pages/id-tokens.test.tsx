// Id tokens are created and updated with PUT /api/id-tokens/:type/:idToken (there is no POST); the key
// is in the path, never in the body; "New" does not overwrite an existing token.
import { describe, expect, test } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { SessionContext } from '../auth.tsx';
import { mockFetch, type Route } from '../test-support.ts';
import { IdTokens } from './id-tokens.tsx';

const tag = { idToken: 'TAG1', type: 'ISO14443', status: 'Accepted', hasPin: false, updatedAt: '2026-01-01T00:00:00Z', evseIds: [1] };
const notFound = (t: string) => ({ status: 404, body: { error: { code: 'API_ERR_NOT_FOUND', message: `id token ${t} not found`, field: 'idToken' } } });

function renderPage() {
  return render(
    <SessionContext.Provider value={{ token: 'cw_admin', role: 'admin', signOut() {} }}>
      <IdTokens />
    </SessionContext.Provider>,
  );
}

describe('id tokens', () => {
  test('block sends PUT /api/id-tokens/:type/:idToken with the record minus key and server fields', async () => {
    const calls = mockFetch((r) => {
      if (r.method === 'GET' && r.url.startsWith('/api/id-tokens?')) return { status: 200, body: { items: [tag], total: 1, limit: 200, offset: 0 } };
      if (r.method === 'PUT' && r.url === '/api/id-tokens/ISO14443/TAG1') return { status: 200, body: { ...tag, ...(r.body as object) } };
      return undefined;
    });
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'Block' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.url).toBe('/api/id-tokens/ISO14443/TAG1');
    expect(put.body).toEqual({ status: 'Blocked', evseIds: [1] });
  });

  test('"New id token" checks the key is free (404), then PUTs it; no POST', async () => {
    const route: Route = (r) => {
      if (r.method === 'GET' && r.url.startsWith('/api/id-tokens?')) return { status: 200, body: { items: [], total: 0, limit: 200, offset: 0 } };
      if (r.method === 'GET' && r.url === '/api/id-tokens/Central/NEW%201') return notFound('Central/NEW 1');
      if (r.method === 'PUT' && r.url === '/api/id-tokens/Central/NEW%201') return { status: 200, body: { idToken: 'NEW 1', type: 'Central', status: 'Accepted', updatedAt: '2026-01-01T00:00:00Z' } };
      return undefined;
    };
    const calls = mockFetch(route);
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'New id token' }));
    fireEvent.change(document.getElementById('tok-id')!, { target: { value: 'NEW 1' } });
    fireEvent.change(document.getElementById('tok-type')!, { target: { value: 'Central' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'New id token' })).toBeNull());
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.body).toEqual({ status: 'Accepted' });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  test('"New id token" refuses to overwrite an existing token', async () => {
    const calls = mockFetch((r) => {
      if (r.method === 'GET' && r.url.startsWith('/api/id-tokens?')) return { status: 200, body: { items: [], total: 0, limit: 200, offset: 0 } };
      if (r.method === 'GET' && r.url === '/api/id-tokens/ISO14443/TAG1') return { status: 200, body: tag };
      return undefined;
    });
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'New id token' }));
    fireEvent.change(document.getElementById('tok-id')!, { target: { value: 'TAG1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/ISO14443 token TAG1 already exists/);
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  test('a CSMS without /api/id-tokens shows the "not served yet" notice', async () => {
    mockFetch(() => undefined);
    renderPage();
    expect(await screen.findByText(/does not serve id tokens yet/)).toBeTruthy();
  });
});
