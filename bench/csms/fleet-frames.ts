// The CALLs of a station fleet, as pre-serialisable payloads: valid OCPP 2.1 (the smoke test checks
// them against the schemas) and accepted by the CSMS handlers (NoAuthorization tokens, own transaction ids).

export const bootRequest = {
  reason: 'PowerUp',
  chargingStation: { model: 'CW-Fleet-22kW', vendorName: 'Chargewire', serialNumber: 'CW-FLEET', firmwareVersion: '1.4.2-bench' },
};

const sv = (measurand: string, value: number, unit: string, phase?: string): Record<string, unknown> => ({
  value, measurand, ...(phase ? { phase } : {}), context: 'Sample.Periodic', location: 'Outlet', unitOfMeasure: { unit },
});

export function meterValue(energyWh: number, at: string): Record<string, unknown>[] {
  return [{
    timestamp: at,
    sampledValue: [
      sv('Energy.Active.Import.Register', energyWh, 'Wh'),
      sv('Power.Active.Import', 11040, 'W'),
      sv('Current.Import', 16.02, 'A', 'L1'),
      sv('Current.Import', 15.98, 'A', 'L2'),
      sv('Current.Import', 16.01, 'A', 'L3'),
      sv('SoC', 54, 'Percent'),
    ],
  }];
}

export type FleetAction = 'Heartbeat' | 'StatusNotification' | 'TransactionEvent';

export const heartbeat = (): Record<string, unknown> => ({});

export const status = (connectorStatus: 'Available' | 'Occupied', at: string): Record<string, unknown> => ({
  timestamp: at, connectorStatus, evseId: 1, connectorId: 1,
});

export function txStarted(transactionId: string, at: string): Record<string, unknown> {
  return {
    eventType: 'Started', timestamp: at, triggerReason: 'Authorized', seqNo: 0,
    transactionInfo: { transactionId, chargingState: 'Charging' },
    idToken: { idToken: '', type: 'NoAuthorization' }, evse: { id: 1, connectorId: 1 },
    meterValue: meterValue(0, at),
  };
}

export function txUpdated(transactionId: string, seqNo: number, energyWh: number, at: string): Record<string, unknown> {
  return {
    eventType: 'Updated', timestamp: at, triggerReason: 'MeterValuePeriodic', seqNo,
    transactionInfo: { transactionId, chargingState: 'Charging' }, meterValue: meterValue(energyWh, at),
  };
}

export function txEnded(transactionId: string, seqNo: number, energyWh: number, at: string): Record<string, unknown> {
  return {
    eventType: 'Ended', timestamp: at, triggerReason: 'EVCommunicationLost', seqNo,
    transactionInfo: { transactionId, chargingState: 'Idle', stoppedReason: 'EVDisconnected' }, meterValue: meterValue(energyWh, at),
  };
}

/**
 * Mean CALLs per station-second of the fleet mix of fleet-child.ts, uncompressed: a charging cycle is
 * 4 + 25 CALLs over 25 × 37.5 s + 165 s of idling on average, plus a Heartbeat every 300 s.
 */
export const mixRatePerStation = 29 / (25 * 37.5 + 165) + 1 / 300;

/**
 * The mix's random numbers: Math.random, or with CHARGEWIRE_BENCH_SEED set a seeded generator (mulberry32),
 * so that runs of `instructions` offer the same sequence of CALLs.
 */
export const random: () => number = (() => {
  const seed = process.env['CHARGEWIRE_BENCH_SEED'];
  if (seed === undefined || seed === '') return Math.random;
  let a = Number(seed) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();

export const uniform = (lo: number, hi: number): number => lo + random() * (hi - lo);

/** A station's charging-cycle state (fleet-child.ts keeps one per station). */
export interface CycleState { identity: string; tx?: { id: string; seqNo: number; left: number; energy: number }; txCount: number }

/**
 * The CALLs of a station's next charging-cycle step and the (uncompressed) seconds until the step after:
 * StatusNotification Occupied + TransactionEvent Started, then 10–40 TransactionEvent Updated (15–60 s
 * apart), then TransactionEvent Ended + StatusNotification Available and 30–300 s of idling.
 */
export function cycleStep(s: CycleState): { calls: Array<[string, Record<string, unknown>]>; waitS: number } {
  const at = new Date().toISOString();
  if (!s.tx) {
    const id = `${s.identity}-${++s.txCount}`;
    s.tx = { id, seqNo: 0, left: Math.floor(uniform(10, 41)), energy: 0 };
    return { calls: [['StatusNotification', status('Occupied', at)], ['TransactionEvent', txStarted(id, at)]], waitS: uniform(15, 60) };
  }
  if (s.tx.left > 0) {
    s.tx.left--;
    s.tx.energy += 100;
    return { calls: [['TransactionEvent', txUpdated(s.tx.id, ++s.tx.seqNo, s.tx.energy, at)]], waitS: uniform(15, 60) };
  }
  const calls: Array<[string, Record<string, unknown>]> = [['TransactionEvent', txEnded(s.tx.id, ++s.tx.seqNo, s.tx.energy, at)], ['StatusNotification', status('Available', at)]];
  s.tx = undefined;
  return { calls, waitS: uniform(30, 300) };
}
