// The station's own state outside the device model: the EVSEs built from the options, what survives a restart in
// <dataDir>/station-state.json (availability, G03.FR.08 / G04.FR.09; the energy register; open transactions, E17),
// and the snapshot of it all for dashboards and the CLI (Station.state()).
import { join } from 'node:path';
import type { Clock } from './clock.ts';
import { readJsonIfExists, writeFileAtomic } from './device-model/persistence.ts';
import { connectorStatus, type EvseState } from './evse.ts';
import { Meter } from './meter.ts';
import { persistTx, type PersistedTx } from './tx-engine.ts';
import type { Station } from './station.ts';
import type { EvseOptions, StationSnapshot } from './station-types.ts';

export interface SavedState {
  operative: boolean;
  evses: { id: number; operative: boolean; energyWh: number; connectors: { id: number; operative: boolean }[] }[];
  transactions: PersistedTx[];
  /** When this state was written (E17.FR.02: the last moment the station is known to have been up). */
  aliveAt?: number;
}

const FILE = 'station-state.json';

/** The state saved in `dataDir`, if any. */
export function loadState(dataDir: string | undefined): SavedState | undefined {
  return dataDir ? (readJsonIfExists(join(dataDir, FILE)) as SavedState | undefined) : undefined;
}

/** The EVSEs of `evseOpts` with their saved availability and energy register. */
export function buildEvses(evseOpts: EvseOptions[], clock: Clock, evPowerW: number, saved: SavedState | undefined): EvseState[] {
  return evseOpts.map((e, i): EvseState => {
    const id = i + 1;
    const s = saved?.evses.find((x) => x.id === id);
    const conns = e.connectors?.length ? e.connectors : [{}];
    return {
      id, maxPowerW: e.maxPowerW ?? 22_000, operative: s?.operative ?? true, evDemandW: evPowerW,
      meter: new Meter(clock, s?.energyWh ?? 0, e.phases ?? 3),
      connectors: conns.map((c, j) => ({
        id: j + 1, type: c.type ?? 'cType2', maxPowerW: c.maxPowerW ?? e.maxPowerW ?? 22_000,
        operative: s?.connectors.find((x) => x.id === j + 1)?.operative ?? true,
      })),
    };
  });
}

/** Write the state of `st` (nothing without a dataDir). */
export function saveState(st: Station): void {
  if (!st.opts.dataDir) return;
  const s: SavedState = {
    operative: st.operative,
    evses: st.evses.map((e) => ({ id: e.id, operative: e.operative, energyWh: e.meter.energyWh, connectors: e.connectors.map((c) => ({ id: c.id, operative: c.operative })) })),
    transactions: st.evses.filter((e) => e.tx).map(persistTx), // [E17.FR.01] (tx-resume.ts)
    aliveAt: st.clock.now(),
  };
  writeFileAtomic(join(st.opts.dataDir, FILE), JSON.stringify(s));
}

export function snapshot(st: Station): StationSnapshot {
  return {
    identity: st.opts.identity, connected: st.connected, ...(st.version ? { version: st.version } : {}),
    registration: st.registration, operative: st.operative, queued: st.outbox.size, localListVersion: st.auth.listVersion,
    evses: st.evses.map((e) => {
      const r = e.meter.read();
      return {
        id: e.id, operative: e.operative, powerW: r.powerW, energyWh: r.energyWh,
        chargingState: e.tx?.chargingState ?? (e.plugged ? 'EVConnected' : 'Idle'),
        connectors: e.connectors.map((c) => ({ id: c.id, type: c.type, maxPowerW: c.maxPowerW, status: connectorStatus(e, c, st.operative) })),
        ...(e.plugged !== undefined ? { plugged: e.plugged } : {}),
        ...(e.auth ? { idToken: e.auth.idToken.idToken } : {}),
        ...(e.tx ? { transactionId: e.tx.id, seqNo: e.tx.seqNo } : {}),
      };
    }),
  };
}
