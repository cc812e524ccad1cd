// B10 — Migrate to new CSMS, station side: which network profile each connection attempt uses.
// After a (re)boot the station begins with the first entry of OCPPCommCtrlr.NetworkConfigurationPriority
// (B10.FR.04) and makes NetworkProfileConnectionAttempts attempts per entry (B10.FR.03); when every entry
// failed it keeps reconnecting with the profile of the last successful connection (B10.FR.07), or with
// all entries again when there is none (B10.FR.08), never giving up (B10.FR.09). The delay between
// attempts is the Part 4 §5.4 back-off of the OcppClient (RetryBackOff*), which keeps growing across
// profile switches until a connection succeeds.
import { OcppClient, type OcppClientOptions, type OcppTypes } from '@chargewire/ocpp';
import type { Station } from '../station.ts';
import { NETWORK_SLOTS } from '../device-model/defaults.ts';
import { networkGuard, onSecurityCtrlrChange, persistQuietly, priority, profileValues, seedOptionsSlot, slotValue, writeSlot } from './network-profiles.ts';

export class NetworkConnector {
  /** The slot the current / next connection attempt uses (undefined: the StationOptions as given). */
  slot: string | undefined;
  private order: string[] = [];
  private idx = 0;
  private tries = 0;
  private lost = false;
  private fallback = false;
  /** Slot of the last successful connection (B10.FR.07); survives restarts as ActiveNetworkProfile. */
  private lastGood: string | undefined;
  private connectedSlot: string | undefined;

  constructor(private readonly st: Station) {
    seedOptionsSlot(st);
    st.dm.addSetGuard(networkGuard(st));
    st.dm.onChange((c) => { if (c.component.name === 'SecurityCtrlr') onSecurityCtrlrChange(st, c.variable.name); });
    const active = st.str('OCPPCommCtrlr', 'ActiveNetworkProfile', '');
    if (NETWORK_SLOTS.includes(active)) this.lastGood = active;
    // Registered before the station's own 'open' listener: B10.FR.10 resets the registration first.
    st.link.on('open', () => this.onOpen());
    st.link.on('close', () => { this.lost = true; });
    st.link.on('reconnecting', () => this.onRetry());
  }

  /** Slots that can be dialled (a URL is set), in priority order. */
  private usable(slots: string[]): string[] {
    return slots.filter((s) => NETWORK_SLOTS.includes(s) && slotValue(this.st, s, 'OcppCsmsUrl') !== undefined);
  }

  private attempts(): number {
    return Math.max(1, this.st.num('OCPPCommCtrlr', 'NetworkProfileConnectionAttempts', 3));
  }

  /** [B10.FR.04] [A05.FR.05] after a (re)boot: begin with the first entry of NetworkConfigurationPriority. */
  beginCycle(): void {
    this.order = this.usable(priority(this.st));
    // An empty priority list (every slot removed, B09.FR.20): the last working profile.
    if (this.order.length === 0 && this.lastGood !== undefined) this.order = this.usable([this.lastGood]);
    this.idx = 0;
    this.tries = 0;
    this.lost = false;
    this.fallback = false;
    this.apply(this.order[0]);
  }

  /** The OcppClient is about to dial again (a failed attempt, or the connection was lost). */
  private onRetry(): void {
    if (this.lost) {
      // [B10.FR.03] connection lost: the attempts per entry again, starting with the profile in use.
      this.lost = false;
      const prio = this.usable(priority(this.st));
      const cur = this.connectedSlot;
      this.order = cur !== undefined && prio.includes(cur) ? [cur, ...prio.filter((s) => s !== cur)] : prio;
      if (this.order.length === 0 && cur !== undefined) this.order = this.usable([cur]);
      this.idx = 0;
      this.tries = 0;
      this.fallback = false;
    } else if (!this.fallback && this.order.length > 0) {
      // [B10.FR.03] NetworkProfileConnectionAttempts attempts per entry, then the next entry.
      this.tries += 1;
      if (this.tries >= this.attempts()) { this.idx += 1; this.tries = 0; }
      if (this.idx >= this.order.length) {
        // [B10.FR.09] every entry failed: do not stop. [B10.FR.07] fall back to the profile of the last
        // successful connection and keep reconnecting with it; [B10.FR.08] all entries again if none.
        const last = this.lastGood !== undefined ? this.usable([this.lastGood]) : [];
        if (last.length) { this.order = last; this.fallback = true; }
        this.idx = 0;
      }
    }
    this.apply(this.order[this.idx]);
  }

  /** Point the OcppClient at a slot's URL, identity and password. */
  private apply(slot: string | undefined): void {
    this.slot = slot;
    const st = this.st;
    const link = st.link;
    if (slot === undefined || !(link instanceof OcppClient)) return;
    const o = link.opts as OcppClientOptions;
    o.url = slotValue(st, slot, 'OcppCsmsUrl')!;
    // [B09.FR.26] [B09.FR.27] the profile's own identity / password, else the SecurityCtrlr values.
    o.identity = slotValue(st, slot, 'Identity') ?? (st.str('SecurityCtrlr', 'Identity', '') || st.opts.identity);
    const password = slotValue(st, slot, 'BasicAuthPassword') ?? (st.str('SecurityCtrlr', 'BasicAuthPassword', '') || st.opts.password);
    if (password !== undefined) o.password = password; else delete o.password;
  }

  private onOpen(): void {
    const st = this.st;
    const slot = this.slot;
    const previous = this.connectedSlot;
    this.lost = false;
    this.fallback = false;
    this.tries = 0;
    if (slot === undefined) return;
    this.connectedSlot = slot;
    this.lastGood = slot;
    // [B10.FR.10] connected through another profile without a reboot: BootNotification again.
    if (previous !== undefined && previous !== slot && st.registration === 'Accepted') st.registration = 'Unknown';
    const set = (component: string, variable: string, value: string | undefined, instance?: string): void => {
      if (value === undefined) return;
      try { st.dm.setInternal({ name: component }, instance ? { name: variable, instance } : { name: variable }, value); } catch { /* not modelled */ }
    };
    // The slot in use ([B09] ActiveNetworkProfile) and its message timeout (OCPPCommCtrlr.MessageTimeout).
    set('OCPPCommCtrlr', 'ActiveNetworkProfile', slot);
    set('OCPPCommCtrlr', 'MessageTimeout', slotValue(st, slot, 'MessageTimeout'), 'Default');
    // [B09.FR.28] the profile's identity / password become SecurityCtrlr.Identity / BasicAuthPassword.
    set('SecurityCtrlr', 'Identity', slotValue(st, slot, 'Identity'));
    set('SecurityCtrlr', 'BasicAuthPassword', slotValue(st, slot, 'BasicAuthPassword'));
    const sp = Number(slotValue(st, slot, 'SecurityProfile'));
    const before = st.num('SecurityCtrlr', 'SecurityProfile', 1);
    if ([1, 2, 3].includes(sp) && sp !== before) {
      // [A05.FR.06] connected with a higher profile: it becomes SecurityProfile, the profiles with a lower one are
      // removed (their slots emptied) and leave NetworkConfigurationPriority.
      set('SecurityCtrlr', 'SecurityProfile', String(sp));
      if (sp > before) {
        const lower = (s: string): boolean => Number(slotValue(st, s, 'SecurityProfile') ?? 0) < sp;
        set('OCPPCommCtrlr', 'NetworkConfigurationPriority', priority(st).filter((s) => !lower(s)).join(','));
        for (const s of NETWORK_SLOTS) {
          if (s === slot || slotValue(st, s, 'OcppCsmsUrl') === undefined || !lower(s)) continue;
          const empty = Object.entries(profileValues({} as OcppTypes.NetworkConnectionProfileType)).map(([k, v]) => [k, v ?? '']);
          try { writeSlot(st, s, Object.fromEntries(empty)); } catch (err) { st.emit('failure', err as Error); }
        }
      }
    }
    persistQuietly(st);
  }
}
