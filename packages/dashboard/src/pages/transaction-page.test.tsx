// The transaction page reads GET /api/stations/:id/transactions/:transactionId (transaction, events,
// meter value series), charts energy and power from the series, stops through
// POST …/:transactionId/stop, and tells a missing transaction apart from a CSMS without the route.
import { describe, expect, test } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { SessionContext } from '../auth.tsx';
import { LiveContext } from '../live/live-context.tsx';
import { LiveStore } from '../live/live-store.ts';
import { FakeEventSource, mockFetch } from '../test-support.ts';
import { chartSeries, TransactionPage } from './transaction-page.tsx';
import type { MeterSeries } from '../api/types.ts';

const energy: MeterSeries = {
  key: 'Energy.Active.Import.Register//Outlet', measurand: 'Energy.Active.Import.Register', unit: 'Wh',
  points: [{ timestamp: '2026-01-01T10:00:00Z', value: 1000 }, { timestamp: '2026-01-01T10:15:00Z', value: 3500 }, { timestamp: '2026-01-01T10:30:00Z', value: 6000 }],
};
const detail = {
  transaction: { stationId: 'CS1', transactionId: 'T1', evseId: 1, connectorId: 1, idToken: { idToken: 'TAG1', type: 'ISO14443' }, state: 'Updated', chargingState: 'Charging', triggerReason: 'MeterValuePeriodic', startedAt: '2026-01-01T10:00:00Z', energyWh: 6000, meterStartWh: 1000, chargedWh: 5000, durationS: 1800, offline: false, eventCount: 3, updatedAt: '2026-01-01T10:30:00Z', remoteStartId: 7 },
  events: [{ id: 1, stationId: 'CS1', transactionId: 'T1', seqNo: 0, eventType: 'Started', triggerReason: 'RemoteStart', timestamp: '2026-01-01T10:00:00Z', offline: false, receivedAt: '2026-01-01T10:00:00Z', messageId: 'm1', request: { costDetails: { totalCost: { currency: 'EUR', total: { inclTax: 2.5 } } } } }],
  meterValues: [energy, { ...energy, key: 'Energy.Active.Import.Register/L1/Outlet', phase: 'L1', points: [{ timestamp: '2026-01-01T10:00:00Z', value: 99999 }] }],
};

function wrap(children: ReactNode, role: 'admin' | 'readonly' = 'admin') {
  const store = new LiveStore((url) => new FakeEventSource(url));
  return (
    <SessionContext.Provider value={{ token: 'cw_admin', role, signOut() {} }}>
      <LiveContext.Provider value={store}>{children}</LiveContext.Provider>
    </SessionContext.Provider>
  );
}

describe('transaction page', () => {
  test('chartSeries: total energy only (no phases), kWh and multiplier scaled, power derived from energy', () => {
    const [power, en] = chartSeries(detail.meterValues);
    expect(en!.points.map((p) => p.v)).toEqual([1000, 3500, 6000]);
    expect(power!.points.map((p) => p.v)).toEqual([10000, 10000]); // 2500 Wh per 15 min = 10 kW
    const kwh = chartSeries([{ ...energy, unit: 'kWh', points: [{ timestamp: '2026-01-01T10:00:00Z', value: 1.5 }, { timestamp: '2026-01-01T10:01:00Z', value: 2, multiplier: 1 }] }]);
    expect(kwh[1]!.points.map((p) => p.v)).toEqual([1500, 20000]);
  });

  test('loads the detail from /api/stations/:id/transactions/:transactionId and charts its series', async () => {
    const calls = mockFetch((r) => (r.method === 'GET' && r.url === '/api/stations/CS1/transactions/T1' ? { status: 200, body: detail } : undefined));
    const { container } = render(wrap(<TransactionPage stationId="CS1" transactionId="T1" />));
    await screen.findByText(/Transaction T1/, { selector: 'h1' });
    expect(screen.getByTestId('tx-energy').textContent).toBe('5.00 kWh');
    expect(screen.getByText('2.5 EUR')).toBeTruthy();
    expect(screen.getByText('TAG1 (ISO14443)')).toBeTruthy();
    expect(container.querySelector('[data-series="Energy"]')!.getAttribute('data-points')).toBe('3');
    expect(container.querySelector('[data-series="Power"]')!.getAttribute('data-points')).toBe('2');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /api/stations/CS1/transactions/T1']);
  });

  test('an admin stops the transaction with POST …/transactions/:transactionId/stop', async () => {
    const calls = mockFetch((r) => {
      if (r.method === 'GET' && r.url === '/api/stations/CS1/transactions/T1') return { status: 200, body: detail };
      if (r.method === 'POST' && r.url === '/api/stations/CS1/transactions/T1/stop') return { status: 200, body: { response: { status: 'Accepted' } } };
      return undefined;
    });
    render(wrap(<TransactionPage stationId="CS1" transactionId="T1" />));
    fireEvent.click(await screen.findByRole('button', { name: 'Stop transaction' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/RequestStopTransaction: Accepted/));
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/stations/CS1/transactions/T1/stop')).toBe(true);
  });

  test('read-only tokens and ended transactions get no stop button', async () => {
    mockFetch((r) => (r.url === '/api/stations/CS1/transactions/T1' ? { status: 200, body: detail } : undefined));
    render(wrap(<TransactionPage stationId="CS1" transactionId="T1" />, 'readonly'));
    await screen.findByText(/Transaction T1/, { selector: 'h1' });
    expect(screen.queryByRole('button', { name: 'Stop transaction' })).toBeNull();
  });

  test('a transaction the station does not have (404 with field) is "not found", not "no transactions API"', async () => {
    mockFetch((r) => (r.url === '/api/stations/CS1/transactions/T9'
      ? { status: 404, body: { error: { code: 'API_ERR_NOT_FOUND', message: 'transaction T9 not found on station CS1', field: 'transactionId' } } }
      : undefined));
    render(wrap(<TransactionPage stationId="CS1" transactionId="T9" />));
    expect((await screen.findByText(/has no transaction T9/)).textContent).toMatch(/Station CS1 has no transaction T9/);
    expect(screen.queryByText(/does not serve transactions/)).toBeNull();
  });

  test('a CSMS without the route (catch-all 404) says the transactions API is missing', async () => {
    mockFetch(() => undefined);
    render(wrap(<TransactionPage stationId="CS1" transactionId="T1" />));
    expect((await screen.findByText(/does not serve transactions yet/)).textContent).toMatch(/GET \/api\/stations\/CS1\/transactions\/T1 answered 404/);
  });
});
