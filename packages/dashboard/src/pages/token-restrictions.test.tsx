// Id token restrictions (stationIds, evses, evseIds, validFrom, schedule) are shown read-only: a compact
// summary in the list, every rule in the edit form, and a save sends them back unchanged.
import { describe, expect, test } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { SessionContext } from '../auth.tsx';
import { mockFetch } from '../test-support.ts';
import type { IdTokenRecord } from '../api/types.ts';
import { IdTokens } from './id-tokens.tsx';
import { dayText, restrictionLines, restrictionSummary } from './token-restrictions.tsx';

const office: IdTokenRecord = {
  idToken: 'OFFICE1', type: 'ISO14443', status: 'Accepted', updatedAt: '2026-01-01T00:00:00Z',
  stationIds: ['CS1', 'CS2'],
  schedule: { timeZone: 'Europe/Amsterdam', windows: [{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: '07:00', to: '19:00' }] },
};
const depot: IdTokenRecord = {
  idToken: 'DEPOT', type: 'ISO14443', status: 'Accepted', updatedAt: '2026-01-01T00:00:00Z',
  stationIds: ['CS2'], evses: [{ stationId: 'CS2', evseIds: [2, 3] }], validFrom: '2026-03-01T07:00:00.000Z',
  schedule: { timeZone: 'UTC', windows: [{ days: ['Sat', 'Sun'], from: '00:00', to: '24:00' }, { days: ['Fri'], from: '22:00', to: '06:00' }] },
};
const plain: IdTokenRecord = { idToken: 'PLAIN', type: 'ISO14443', status: 'Accepted', updatedAt: '2026-01-01T00:00:00Z' };

describe('restriction summary', () => {
  test('"2 stations · Mon–Fri 07:00–19:00 Europe/Amsterdam"', () => {
    expect(restrictionSummary(office)).toBe('2 stations · Mon–Fri 07:00–19:00 Europe/Amsterdam');
  });

  test('per-station EVSEs, validFrom (UTC), a whole day and an overnight window', () => {
    expect(restrictionSummary(depot)).toBe('station CS2 · EVSE 2, 3 at CS2 · from 2026-03-01 07:00 UTC · Sat, Sun all day, Fri 22:00–06:00 UTC');
    expect(restrictionLines(depot)).toEqual([
      'Stations: CS2', 'At CS2: EVSE 2, 3', 'Valid from 2026-03-01 07:00 UTC', 'Schedule: Sat, Sun all day, Fri 22:00–06:00 UTC',
    ]);
  });

  test('empty lists mean "nowhere"; no restriction at all means no summary', () => {
    expect(restrictionSummary({ ...plain, stationIds: [] })).toBe('no station');
    expect(restrictionSummary({ ...plain, evses: [{ stationId: 'CS9', evseIds: [] }], evseIds: [1] })).toBe('not at CS9 · EVSE 1');
    expect(restrictionLines({ ...plain, evses: [{ stationId: 'CS9', evseIds: [] }], evseIds: [1] })).toEqual(['At CS9: not allowed', 'Other stations: 1']);
    expect(restrictionSummary({ ...plain, evses: [{ stationId: 'A', evseIds: [1] }, { stationId: 'B', evseIds: [2] }] })).toBe('EVSE limits at 2 stations');
    expect(restrictionSummary(plain)).toBeUndefined();
  });

  test('days in week order, Monday first; three or more in a row as a range', () => {
    expect(dayText(['Fri', 'Mon', 'Wed', 'Thu'])).toBe('Mon, Wed–Fri');
    expect(dayText(['Sun', 'Sat'])).toBe('Sat, Sun');
    expect(dayText(['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'])).toBe('daily');
  });
});

function renderPage(role: 'admin' | 'readonly' = 'admin') {
  return render(
    <SessionContext.Provider value={{ token: 'cw_x', role, signOut() {} }}>
      <IdTokens />
    </SessionContext.Provider>,
  );
}

describe('id token page: restrictions read-only', () => {
  test('the list shows the summary in a Restrictions column (full text as title), a dash without restrictions', async () => {
    mockFetch((r) => (r.method === 'GET' && r.url.startsWith('/api/id-tokens?') ? { status: 200, body: { items: [office, plain], total: 2, limit: 200, offset: 0 } } : undefined));
    renderPage('readonly');
    await screen.findByText('OFFICE1');
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent);
    const col = headers.indexOf('Restrictions');
    expect(col).toBeGreaterThan(0);
    const row = (id: string) => document.querySelector(`tr[data-token="ISO14443/${id}"]`)!.querySelectorAll('td')[col]!;
    expect(row('OFFICE1').textContent).toBe('2 stations · Mon–Fri 07:00–19:00 Europe/Amsterdam');
    expect(row('OFFICE1').querySelector('span')!.title).toBe('Stations: CS1, CS2\nSchedule: Mon–Fri 07:00–19:00 Europe/Amsterdam');
    expect(row('PLAIN').textContent).toBe('—');
  });

  test('the edit form lists every restriction without inputs for them; Save sends them back unchanged', async () => {
    const calls = mockFetch((r) => {
      if (r.method === 'GET' && r.url.startsWith('/api/id-tokens?')) return { status: 200, body: { items: [depot], total: 1, limit: 200, offset: 0 } };
      if (r.method === 'PUT' && r.url === '/api/id-tokens/ISO14443/DEPOT') return { status: 200, body: { ...depot, ...(r.body as object) } };
      return undefined;
    });
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const form = screen.getByRole('form', { name: 'Edit id token' });
    const group = within(form).getByRole('group', { name: 'Restrictions' });
    expect(within(group).getAllByRole('listitem').map((li) => li.textContent)).toEqual(restrictionLines(depot));
    expect(group.querySelectorAll('input, select, textarea')).toHaveLength(0);
    fireEvent.change(document.getElementById('tok-status')!, { target: { value: 'Blocked' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    const { idToken: _i, type: _t, updatedAt: _u, ...rest } = depot;
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({ ...rest, status: 'Blocked' });
  });

  test('a token without restrictions shows no Restrictions block in the form', async () => {
    mockFetch((r) => (r.method === 'GET' && r.url.startsWith('/api/id-tokens?') ? { status: 200, body: { items: [plain], total: 1, limit: 200, offset: 0 } } : undefined));
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    expect(screen.queryByRole('group', { name: 'Restrictions' })).toBeNull();
  });
});
