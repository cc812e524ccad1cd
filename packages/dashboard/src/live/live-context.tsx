// React glue for the LiveStore: a context and hooks.
import { createContext, useContext, useEffect, useSyncExternalStore } from 'react';
import type { LiveEvent, LiveSnapshot, LiveStore } from './live-store.ts';

export const LiveContext = createContext<LiveStore | null>(null);

export function useLiveStore(): LiveStore {
  const store = useContext(LiveContext);
  if (!store) throw new Error('useLive outside <LiveContext.Provider>');
  return store;
}

export function useLive(): LiveSnapshot {
  const store = useLiveStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** Call `fn` on every live event that passes `filter` (e.g. to refetch a page). */
export function useLiveEvents(fn: (e: LiveEvent) => void, deps: unknown[]): void {
  const store = useLiveStore();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => store.onEvent(fn), [store, ...deps]);
}
