// Vitest helpers: a scripted fetch (routes → JSON answers) and a fake EventSource.
import { vi } from 'vitest';
import type { EventSourceLike } from './live/live-store.ts';

export type Route = (req: { method: string; url: string; body: unknown; headers: Record<string, string> }) => { status: number; body?: unknown } | undefined;

export function mockFetch(route: Route) {
  const calls: Array<{ method: string; url: string; body: unknown; headers: Record<string, string> }> = [];
  const fn = vi.fn(async (input: string, init: RequestInit = {}) => {
    const req = { method: init.method ?? 'GET', url: String(input), body: init.body ? JSON.parse(String(init.body)) : undefined, headers: (init.headers ?? {}) as Record<string, string> };
    calls.push(req);
    const res = route(req) ?? { status: 404, body: { error: { code: 'API_ERR_NOT_FOUND', message: `no route ${req.method} ${req.url}` } } };
    return new Response(res.body === undefined ? null : JSON.stringify(res.body), { status: res.status, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fn);
  return calls;
}

export class FakeEventSource implements EventSourceLike {
  static last: FakeEventSource | undefined;
  onopen: ((ev: Event) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  closed = false;
  private readonly handlers = new Map<string, Array<(ev: MessageEvent) => void>>();
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, fn: (ev: MessageEvent) => void): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), fn]);
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.onopen?.(new Event('open'));
  }
  emit(data: { type: string } & Record<string, unknown>): void {
    for (const fn of this.handlers.get(data.type) ?? []) fn(new MessageEvent(data.type, { data: JSON.stringify(data) }));
  }
}
