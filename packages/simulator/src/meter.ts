// A meter per EVSE: integrates energy (Wh) from the power actually delivered over clock time.
// Delivered power = min(what the EV draws, the connector's maximum, any active limit), or 0 when the
// power path is open. Every change of power first integrates up to "now", so readings are exact.
import type { Clock } from './clock.ts';

export interface MeterReading {
  energyWh: number;
  powerW: number;
  currentA: number;
  voltageV: number;
  soc: number | undefined;
  timestamp: string;
  /** AC phases of the meter (1 or 3): current, voltage and (per-phase) energy are per phase, balanced. */
  phases: number;
}

export class Meter {
  private energy = 0;
  private power = 0;
  private since: number;
  /** EV battery model for SoC (optional): capacity in Wh and state of charge in % at plug-in. */
  private soc: number | undefined;
  private capacityWh: number | undefined;

  /** AC phases the EV charges on (1..3; 0 for DC). The EV may switch during a session (E02.FR.19). */
  phases: number;

  constructor(private readonly clock: Clock, startWh = 0, phases = 3, readonly voltageV = 230) {
    this.phases = phases;
    this.energy = startWh;
    this.since = clock.now();
  }

  /** Integrate up to now; call before changing the power. */
  private integrate(): void {
    const now = this.clock.now();
    const dtH = (now - this.since) / 3_600_000;
    if (dtH > 0 && this.power > 0) {
      const wh = this.power * dtH;
      this.energy += wh;
      if (this.soc !== undefined && this.capacityWh) this.soc = Math.min(100, this.soc + (wh / this.capacityWh) * 100);
    }
    this.since = now;
  }

  setPower(watts: number): void {
    this.integrate();
    this.power = Math.max(0, watts);
  }

  /** The EV switches the number of phases it charges on (e.g. 3 -> 1 at a low power request). */
  setPhases(n: number): void {
    this.integrate();
    this.phases = n;
  }

  setBattery(socPercent: number | undefined, capacityWh: number | undefined): void {
    this.integrate();
    this.soc = socPercent;
    this.capacityWh = capacityWh;
  }

  get energyWh(): number { this.integrate(); return this.energy; }
  get powerW(): number { return this.power; }
  get socPercent(): number | undefined { this.integrate(); return this.soc; }
  /** Capacity of the EV battery (Wh), when the EV reported one. */
  get batteryWh(): number | undefined { return this.capacityWh; }

  read(): MeterReading {
    this.integrate();
    return {
      energyWh: Math.round(this.energy * 1000) / 1000,
      powerW: this.power,
      currentA: Math.round((this.power / (this.voltageV * this.phases)) * 100) / 100,
      voltageV: this.voltageV,
      soc: this.soc === undefined ? undefined : Math.round(this.soc * 10) / 10,
      timestamp: new Date(this.clock.now()).toISOString(),
      phases: this.phases,
    };
  }
}

/** Power actually delivered: the EV's demand capped by the connector maximum and any limit. */
export function deliveredPower(o: { pathClosed: boolean; evDrawW: number; connectorMaxW: number; limitW?: number }): number {
  if (!o.pathClosed) return 0;
  return Math.max(0, Math.min(o.evDrawW, o.connectorMaxW, o.limitW ?? Number.POSITIVE_INFINITY));
}
