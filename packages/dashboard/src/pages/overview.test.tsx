// The overview loads its counters with one GET /api/overview (no per-station calls), then follows the
// SSE events: exact deltas when the previous state is known, one debounced GET /api/overview when not.
import { describe, expect, test, beforeEach, vi, afterEach } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import { LiveStore, RESYNC_DELAY_MS } from '../live/live-store.ts';
import { LiveContext } from '../live/live-context.tsx';
import { Overview } from './overview.tsx';
import { FakeEventSource, mockFetch } from '../test-support.ts';

const card = (id: string) => screen.getByTestId(id).querySelector('.value')!.textContent;
const stationRow = (id: string, online: boolean) => ({ id, online, securityProfile: 0, hasPassword: false, createdAt: '2026-01-01T00:00:00Z' });
const overview = (patch: { online?: number; offline?: number; byStatus?: Record<string, number>; active?: number; energy?: number; perSecond?: number } = {}) => ({
  stations: { total: (patch.online ?? 1) + (patch.offline ?? 1), online: patch.online ?? 1, offline: patch.offline ?? 1 },
  connectors: { total: 1, byStatus: { Available: 1, Occupied: 0, Reserved: 0, Unavailable: 0, Faulted: 0, ...patch.byStatus } },
  transactions: { active: patch.active ?? 0 },
  energyTodayWh: patch.energy ?? 0,
  messages: { lastMinute: (patch.perSecond ?? 0) * 60, perSecond: patch.perSecond ?? 0 },
  at: new Date().toISOString(),
});

function renderOverview(store: LiveStore) {
  return render(
    <LiveContext.Provider value={store}>
      <Overview />
    </LiveContext.Provider>,
  );
}

describe('overview', () => {
  beforeEach(() => sessionStorage.setItem('chargewire.token', 'cw_reader'));
  afterEach(() => vi.useRealTimers());

  test('first load: GET /api/stations and GET /api/overview only, counters from the overview', async () => {
    const calls = mockFetch((r) => {
      if (r.url.startsWith('/api/stations?')) return { status: 200, body: { items: [stationRow('CS1', true), stationRow('CS2', false)], total: 2, limit: 1000, offset: 0 } };
      if (r.url === '/api/overview') return { status: 200, body: overview({ online: 1, offline: 1, byStatus: { Available: 3, Faulted: 1 }, active: 2, energy: 12_500, perSecond: 4.5 }) };
      return undefined;
    });
    const store = new LiveStore((url) => new FakeEventSource(url));
    await act(() => store.load());
    renderOverview(store);
    expect(calls.map((c) => c.url)).toEqual(['/api/stations?limit=1000', '/api/overview']);
    expect(card('stations-online')).toBe('1');
    expect(card('stations-offline')).toBe('1');
    expect(card('connectors-Available')).toBe('3');
    expect(card('connectors-Faulted')).toBe('1');
    expect(card('active-transactions')).toBe('2');
    expect(card('energy-today')).toBe('12.50 kWh');
    expect(card('messages-per-second')).toBe('4.5');
  });

  test('live events move the counters; unknown previous state is resynced with one GET /api/overview', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    let answer = overview({ online: 1, offline: 1, byStatus: { Available: 1 } });
    const calls = mockFetch((r) => {
      if (r.url.startsWith('/api/stations?')) return { status: 200, body: { items: [stationRow('CS1', true), stationRow('CS2', false)], total: 2, limit: 1000, offset: 0 } };
      if (r.url === '/api/overview') return { status: 200, body: answer };
      return undefined;
    });
    const store = new LiveStore((url) => new FakeEventSource(url));
    store.start('cw_reader');
    await act(() => store.load());
    renderOverview(store);
    expect(FakeEventSource.last!.url).toBe('/api/events?token=cw_reader');
    const overviewCalls = () => calls.filter((c) => c.url === '/api/overview').length;
    const es = FakeEventSource.last!;
    const at = new Date().toISOString();

    // Known previous state: exact deltas, no REST call.
    act(() => {
      es.open();
      es.emit({ type: 'station.connected', stationId: 'CS2', version: '2.1', at });
      es.emit({ type: 'transaction.started', stationId: 'CS1', transactionId: 'T1', evseId: 1, energyWh: 1000, at });
      es.emit({ type: 'transaction.updated', stationId: 'CS1', transactionId: 'T1', evseId: 1, energyWh: 2500, at });
      for (let i = 0; i < 20; i++) es.emit({ type: 'message', stationId: 'CS1', direction: 'in', action: 'MeterValues', at });
    });
    expect(card('stations-online')).toBe('2');
    expect(card('stations-offline')).toBe('0');
    expect(card('active-transactions')).toBe('1');
    expect(card('energy-today')).toBe('1.50 kWh'); // 2500 - first reading 1000
    expect(card('messages-per-second')).toBe('2');
    await act(() => vi.advanceTimersByTimeAsync(RESYNC_DELAY_MS * 2));
    expect(overviewCalls()).toBe(1);

    // A connector not seen yet: its stored status is unknown here, so the overview is asked again (once).
    answer = overview({ online: 2, offline: 0, byStatus: { Available: 0, Occupied: 1, Faulted: 1 }, active: 1, energy: 1500 });
    act(() => {
      es.emit({ type: 'connector.status', stationId: 'CS1', evseId: 1, connectorId: 1, status: 'Occupied', at });
      es.emit({ type: 'connector.status', stationId: 'CS2', evseId: 1, connectorId: 1, status: 'Faulted', at });
    });
    expect(card('connectors-Occupied')).toBe('0'); // not guessed
    await act(() => vi.advanceTimersByTimeAsync(RESYNC_DELAY_MS + 10));
    expect(overviewCalls()).toBe(2);
    expect(card('connectors-Available')).toBe('0');
    expect(card('connectors-Occupied')).toBe('1');
    expect(card('connectors-Faulted')).toBe('1');
    expect(screen.getByText(/EVSE 1 connector 1 → Faulted/)).toBeTruthy();

    // Now both connectors are known: further changes are exact deltas.
    act(() => {
      es.emit({ type: 'connector.status', stationId: 'CS1', evseId: 1, connectorId: 1, status: 'Available', at });
      es.emit({ type: 'transaction.ended', stationId: 'CS1', transactionId: 'T1', evseId: 1, energyWh: 3000, at });
      es.emit({ type: 'station.disconnected', stationId: 'CS1', code: 1006, reason: '', at });
    });
    expect(card('connectors-Available')).toBe('1');
    expect(card('connectors-Occupied')).toBe('0');
    expect(card('active-transactions')).toBe('0');
    expect(card('energy-today')).toBe('2.00 kWh');
    expect(card('stations-online')).toBe('1');
    await act(() => vi.advanceTimersByTimeAsync(RESYNC_DELAY_MS * 2));
    expect(overviewCalls()).toBe(2);
    expect(calls.some((c) => /^\/api\/stations\/[^?]/.test(c.url) || c.url.startsWith('/api/transactions'))).toBe(false);
    store.stop();
    expect(es.closed).toBe(true);
  });

  test('a transaction that ran before the page opened: its energy is resynced, not guessed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    let answer = overview({ active: 1, energy: 5000 });
    mockFetch((r) => {
      if (r.url.startsWith('/api/stations?')) return { status: 200, body: { items: [stationRow('CS1', true)], total: 1, limit: 1000, offset: 0 } };
      if (r.url === '/api/overview') return { status: 200, body: answer };
      return undefined;
    });
    const store = new LiveStore((url) => new FakeEventSource(url));
    store.start('cw_reader');
    await act(() => store.load());
    renderOverview(store);
    const es = FakeEventSource.last!;
    const at = new Date().toISOString();
    answer = overview({ active: 1, energy: 5200 });
    act(() => es.emit({ type: 'transaction.updated', stationId: 'CS1', transactionId: 'OLD', energyWh: 90_000, at }));
    expect(card('energy-today')).toBe('5.00 kWh');
    expect(card('active-transactions')).toBe('1');
    await act(() => vi.advanceTimersByTimeAsync(RESYNC_DELAY_MS + 10));
    expect(card('energy-today')).toBe('5.20 kWh');
    act(() => es.emit({ type: 'transaction.updated', stationId: 'CS1', transactionId: 'OLD', energyWh: 90_300, at }));
    expect(card('energy-today')).toBe('5.50 kWh');
    store.stop();
  });

  test('a CSMS without /api/overview (catch-all 404): counters say "n/a" and why', async () => {
    mockFetch((r) => (r.url.startsWith('/api/stations?') ? { status: 200, body: { items: [stationRow('CS1', true)], total: 1, limit: 1000, offset: 0 } } : undefined));
    const store = new LiveStore((url) => new FakeEventSource(url));
    await act(() => store.load());
    renderOverview(store);
    expect(screen.getByText(/does not offer GET \/api\/overview yet/)).toBeTruthy();
    expect(card('stations-online')).toBe('n/a');
    expect(card('connectors-Available')).toBe('n/a');
    expect(screen.queryByText(/Could not load/)).toBeNull();
  });

  test('empty network: says how to connect a station', async () => {
    mockFetch((r) => {
      if (r.url.startsWith('/api/stations?')) return { status: 200, body: { items: [], total: 0, limit: 1000, offset: 0 } };
      if (r.url === '/api/overview') return { status: 200, body: overview({ online: 0, offline: 0, byStatus: { Available: 0 } }) };
      return undefined;
    });
    const store = new LiveStore((url) => new FakeEventSource(url));
    await act(() => store.load());
    renderOverview(store);
    expect(screen.getByText(/No stations yet/)).toBeTruthy();
  });
});
