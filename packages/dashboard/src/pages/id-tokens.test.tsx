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

describe('id tokens: KeyCode PINs and delete', () => {
  const pinToken = { idToken: 'pin-sha256:abc', type: 'KeyCode', status: 'Accepted', hasPin: true, updatedAt: '2026-01-01T00:00:00Z' };
  const list = (items: unknown[]) => ({ status: 200, body: { items, total: items.length, limit: 200, offset: 0 } });

  test('a new KeyCode token with a PIN: PUT with { pin }, no clear id token asked, no existence probe', async () => {
    const calls = mockFetch((r) => {
      if (r.method === 'GET' && r.url.startsWith('/api/id-tokens?')) return list([]);
      if (r.method === 'PUT' && r.url === '/api/id-tokens/KeyCode/pin') return { status: 200, body: { ...pinToken, status: (r.body as { status: string }).status } };
      return undefined;
    });
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'New id token' }));
    fireEvent.change(document.getElementById('tok-type')!, { target: { value: 'KeyCode' } });
    fireEvent.change(screen.getByLabelText('PIN'), { target: { value: '4711' } });
    expect(document.getElementById('tok-id')).toBeNull(); // the PIN is the token
    expect((screen.getByLabelText('PIN') as HTMLInputElement).type).toBe('password');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'New id token' })).toBeNull());
    const puts = calls.filter((c) => c.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0]!.body).toEqual({ status: 'Accepted', pin: '4711' });
    expect(calls.some((c) => c.method === 'GET' && c.url.startsWith('/api/id-tokens/'))).toBe(false);
  });

  test('a KeyCode token needs a PIN or a key code; PINs longer than 36 characters are refused', async () => {
    const calls = mockFetch((r) => (r.method === 'GET' && r.url.startsWith('/api/id-tokens?') ? list([]) : undefined));
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'New id token' }));
    fireEvent.change(document.getElementById('tok-type')!, { target: { value: 'KeyCode' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/enter a PIN/);
    fireEvent.change(screen.getByLabelText('PIN'), { target: { value: '1'.repeat(37) } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toBe('at most 36 characters');
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  test('PIN tokens are listed as "PIN", never by hash; changing the PIN replaces the old key', async () => {
    const calls = mockFetch((r) => {
      if (r.method === 'GET' && r.url.startsWith('/api/id-tokens?')) return list([pinToken]);
      if (r.method === 'PUT' && r.url === '/api/id-tokens/KeyCode/pin-sha256%3Aabc') return { status: 200, body: { ...pinToken, idToken: 'pin-sha256:def' } };
      if (r.method === 'DELETE' && r.url === '/api/id-tokens/KeyCode/pin-sha256%3Aabc') return { status: 204 };
      return undefined;
    });
    renderPage();
    const row = await screen.findByText('PIN');
    expect(row.closest('tr')!.textContent).not.toMatch(/pin-sha256/);
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    expect(screen.getByText('Leave empty to keep the current PIN.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('New PIN'), { target: { value: '9999' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({ status: 'Accepted', pin: '9999' });
  });

  test('delete asks for confirmation, then sends DELETE /api/id-tokens/:type/:idToken', async () => {
    let items: unknown[] = [tag];
    const calls = mockFetch((r) => {
      if (r.method === 'GET' && r.url.startsWith('/api/id-tokens?')) return list(items);
      if (r.method === 'DELETE' && r.url === '/api/id-tokens/ISO14443/TAG1') {
        items = [];
        return { status: 204 };
      }
      return undefined;
    });
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    const confirm = screen.getByRole('group', { name: 'Confirm deleting ISO14443 token TAG1' });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(confirm.isConnected).toBe(false);
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete' }));
    expect(await screen.findByText(/No id tokens yet/)).toBeTruthy();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual(['/api/id-tokens/ISO14443/TAG1']);
  });

  test('read-only sessions see neither delete nor PIN entry (no edit buttons at all)', async () => {
    mockFetch((r) => (r.method === 'GET' && r.url.startsWith('/api/id-tokens?') ? list([tag, pinToken]) : undefined));
    render(
      <SessionContext.Provider value={{ token: 'cw_reader', role: 'readonly', signOut() {} }}>
        <IdTokens />
      </SessionContext.Provider>,
    );
    await screen.findByText('TAG1');
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'New id token' })).toBeNull();
    expect(screen.queryByLabelText(/PIN/)).toBeNull();
  });
});
