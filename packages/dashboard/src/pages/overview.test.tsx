// The overview updates from SSE events alone: no reload, no extra REST calls.
import { describe, expect, test, beforeEach } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import { LiveStore } from '../live/live-store.ts';
import { LiveContext } from '../live/live-context.tsx';
import { Overview } from './overview.tsx';
import { FakeEventSource, mockFetch } from '../test-support.ts';

const card = (id: string) => screen.getByTestId(id).querySelector('.value')!.textContent;

describe('overview', () => {
  beforeEach(() => sessionStorage.setItem('chargewire.token', 'cw_reader'));

  test('initial counts from the API, then live changes from SSE', async () => {
    const calls = mockFetch((r) => {
      if (r.url.startsWith('/api/stations?')) {
        return { status: 200, body: { items: [{ id: 'CS1', online: true, securityProfile: 0, hasPassword: false, createdAt: '2026-01-01T00:00:00Z' }, { id: 'CS2', online: false, securityProfile: 0, hasPassword: false, createdAt: '2026-01-01T00:00:00Z' }], total: 2, limit: 1000, offset: 0 } };
      }
      if (r.url === '/api/stations/CS1') return { status: 200, body: { id: 'CS1', online: true, connectors: [{ evseId: 1, connectorId: 1, status: 'Available', at: '2026-01-01T00:00:00Z' }] } };
      if (r.url === '/api/stations/CS2') return { status: 200, body: { id: 'CS2', online: false, connectors: [] } };
      return undefined; // /api/transactions: 404 (not there yet)
    });
    const store = new LiveStore((url) => new FakeEventSource(url));
    store.start('cw_reader');
    await act(() => store.load());
    render(
      <LiveContext.Provider value={store}>
        <Overview />
      </LiveContext.Provider>,
    );
    expect(FakeEventSource.last!.url).toBe('/api/events?token=cw_reader');
    expect(card('stations-online')).toBe('1');
    expect(card('stations-offline')).toBe('1');
    expect(card('connectors-Available')).toBe('1');
    expect(card('active-transactions')).toBe('0');
    expect(screen.getByText(/no \/api\/transactions yet/)).toBeTruthy();
    const restCalls = calls.length;

    const es = FakeEventSource.last!;
    const at = new Date().toISOString();
    act(() => {
      es.open();
      es.emit({ type: 'station.connected', stationId: 'CS2', version: '2.1', at });
      es.emit({ type: 'connector.status', stationId: 'CS1', evseId: 1, connectorId: 1, status: 'Occupied', at });
      es.emit({ type: 'connector.status', stationId: 'CS2', evseId: 1, connectorId: 1, status: 'Faulted', at });
      es.emit({ type: 'transaction.started', stationId: 'CS1', transactionId: 'T1', evseId: 1, at });
      es.emit({ type: 'transaction.updated', stationId: 'CS1', transactionId: 'T1', evseId: 1, energyWh: 1500, at });
      for (let i = 0; i < 20; i++) es.emit({ type: 'message', stationId: 'CS1', direction: 'in', action: 'MeterValues', at });
    });
    expect(card('stations-online')).toBe('2');
    expect(card('stations-offline')).toBe('0');
    expect(card('connectors-Available')).toBe('0');
    expect(card('connectors-Occupied')).toBe('1');
    expect(card('connectors-Faulted')).toBe('1');
    expect(card('active-transactions')).toBe('1');
    expect(card('energy-today')).toBe('1.50 kWh');
    expect(card('messages-per-second')).toBe('2');
    expect(screen.getByText(/EVSE 1 connector 1 → Faulted/)).toBeTruthy();

    act(() => {
      es.emit({ type: 'transaction.ended', stationId: 'CS1', transactionId: 'T1', evseId: 1, energyWh: 2000, at });
      es.emit({ type: 'station.disconnected', stationId: 'CS1', code: 1006, reason: '', at });
    });
    expect(card('active-transactions')).toBe('0');
    expect(card('energy-today')).toBe('2.00 kWh');
    expect(card('stations-online')).toBe('1');
    expect(calls.length).toBe(restCalls); // everything above came from SSE
    store.stop();
    expect(es.closed).toBe(true);
  });

  test('empty network: says how to connect a station', async () => {
    mockFetch((r) => (r.url.startsWith('/api/stations?') ? { status: 200, body: { items: [], total: 0, limit: 1000, offset: 0 } } : undefined));
    const store = new LiveStore((url) => new FakeEventSource(url));
    await act(() => store.load());
    render(
      <LiveContext.Provider value={store}>
        <Overview />
      </LiveContext.Provider>,
    );
    expect(screen.getByText(/No stations yet/)).toBeTruthy();
  });
});
