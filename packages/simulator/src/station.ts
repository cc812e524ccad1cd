// The simulated charging station: lifecycle, connection, registration gating, state and events.
// Behaviour per functional block lives in blocks/*.ts; the transaction state machine in tx-engine.ts.
import { join } from 'node:path';
import { OcppClient, OcppError, RpcError, type Action, type ActionMap, type BackoffConfig, type OcppClientOptions, type OcppTypes } from '@chargewire/ocpp';
import { DeviceModel } from './device-model/index.ts';
import { DEFAULT_CONTROLLERS } from './device-model/defaults.ts';
import { paymentControllers } from './device-model/payment-defaults.ts';
import { SystemClock, every, type Clock, type TimerHandle } from './clock.ts';
import { DurableQueue } from './offline-queue.ts';
import { Outbox } from './outbox.ts';
import { AuthStore } from './auth-store.ts';
import { deliveredW, type EvseState, type TriggerReason } from './evse.ts';
import { evaluate, recoverTransactions, onTxEventDelivered } from './tx-engine.ts';
import { BLOCKS } from './blocks/index.ts';
import type { Block } from './block.ts';
import { boot, resetEvse, startHeartbeat } from './blocks/provisioning.ts';
import { reportStatuses } from './blocks/availability.ts';
import { startAlignedData } from './blocks/meter-values.ts';
import { checkSecurityProfile, flushSecurityEvents, onConnectError, tlsFor, type SecurityEvent } from './blocks/security.ts';
import { NetworkConnector } from './blocks/network-connect.ts';
import { applySmartCharging } from './smart-charging-state.ts';
import type { Registration, StationLink, StationOptions, StationSnapshot } from './station-types.ts';
import { buildEvses, loadState, saveState, snapshot } from './station-state.ts';
import { StationActions } from './station-actions.ts';

/** A simulated charging station; the driver's, the EV's and the test bench's actions are inherited (station-actions.ts). */
export class Station extends StationActions {
  readonly opts: StationOptions;
  /** The installed firmware version (BootNotification): opts.firmwareVersion until an update (L01) installs another. */
  firmwareVersion: string | undefined;
  readonly clock: Clock;
  readonly dm: DeviceModel;
  readonly auth: AuthStore;
  readonly outbox: Outbox;
  readonly link: StationLink;
  readonly evses: EvseState[];
  operative = true;
  scheduledStationAvailability: boolean | undefined;
  registration: Registration = 'Unknown';
  bootReason: OcppTypes.BootReasonEnumType = 'PowerUp';
  pendingReset: OcppTypes.ResetRequest | undefined;
  bootTimer: TimerHandle | undefined;
  stopHeartbeat: (() => void) | undefined;
  stopAligned: (() => void) | undefined;
  offlineSince: number | undefined;
  /** Security events waiting for a connection (A04), e.g. InvalidCsmsCertificate. */
  readonly securityEvents: SecurityEvent[] = [];
  /** B09/B10: the network profile each connection attempt uses (NetworkConfigurationPriority). */
  readonly network: NetworkConnector;
  /** The functional blocks (blocks/index.ts): their handlers, init and decorateTxEvent hooks (tx-engine.ts). */
  readonly blocks: readonly Block[] = BLOCKS;
  private lastTxLatencyMs = 0;
  /** Set from the moment a CALLRESULT arrives until its caller has applied it (see holdIncoming). */
  private settling: Promise<void> | undefined;
  private running = false;
  private offline = false;

  constructor(opts: StationOptions) {
    super();
    checkSecurityProfile(opts);
    this.opts = opts;
    this.firmwareVersion = opts.firmwareVersion;
    this.clock = opts.clock ?? new SystemClock();
    const evseOpts = opts.evses ?? [{ maxPowerW: 22_000, connectors: [{ type: 'cType2', maxPowerW: 22_000 }] }];
    const profile = {
      identity: opts.identity,
      evses: evseOpts.map((e) => ({ connectors: e.connectors?.length ?? 1, maxPowerW: e.maxPowerW ?? 22_000, ...(e.phases ? { phases: e.phases } : {}) })),
      values: { 'SecurityCtrlr.SecurityProfile': String(opts.securityProfile ?? 1), ...opts.variables },
      ...(opts.payments ? { controllers: [...DEFAULT_CONTROLLERS, ...paymentControllers(opts.payments)] } : {}), // C18–C25 (blocks/payments.ts)
    };
    const file = (name: string) => (opts.dataDir ? join(opts.dataDir, name) : undefined);
    const dmPath = file('device-model.json');
    this.dm = dmPath ? DeviceModel.loadFrom(dmPath, profile) : DeviceModel.fromProfile(profile);
    const saved = loadState(opts.dataDir); // station-state.ts
    this.operative = saved?.operative ?? true;
    this.evses = buildEvses(evseOpts, this.clock, opts.evPowerW ?? 11_000, saved);
    for (const e of this.evses) for (const c of e.connectors) {
      try { this.dm.setInternal({ name: 'Connector', evse: { id: e.id, connectorId: c.id } }, { name: 'ConnectorType' }, c.type); } catch { /* not modelled */ }
    }
    // [B01.FR.06] ClockCtrlr.DateTime reads the station clock (synchronised from the CSMS time).
    this.dm.bindReader({ name: 'ClockCtrlr' }, { name: 'DateTime' }, () => new Date(this.clock.now()).toISOString());
    if (dmPath) this.dm.onChange(() => this.dm.saveTo(dmPath));
    this.dm.onChange((c) => this.onVariableChange(c.component.name, c.variable.name));
    this.auth = new AuthStore(file('auth.json'));
    this.outbox = new Outbox(new DurableQueue(file('queue.jsonl')), {
      clock: this.clock,
      canSend: () => this.connected && this.registration === 'Accepted',
      call: async (action, payload) => {
        const ep = this.link.endpoint;
        if (!ep) throw new OcppError('OCPP_ERR_CLOSED', 'not connected');
        const t0 = Date.now();
        try {
          return await (this.holdIncoming(ep.call(action as Action, payload as never, { timeoutMs: this.messageTimeoutMs() })) as Promise<Record<string, unknown>>);
        } finally { this.lastTxLatencyMs = Date.now() - t0; }
      },
      attempts: () => this.num('OCPPCommCtrlr', 'MessageAttempts', 3, 'TransactionEvent'),
      intervalS: () => this.num('OCPPCommCtrlr', 'MessageAttemptInterval', 60, 'TransactionEvent'),
      onDelivered: (m, resp) => {
        this.emit('sent', { action: m.action, payload: m.payload, response: resp, latencyMs: this.lastTxLatencyMs });
        onTxEventDelivered(this, m.payload as unknown as OcppTypes.TransactionEventRequest, resp as OcppTypes.TransactionEventResponse);
      },
      onDiscarded: (m, err) => this.emit('failure', new Error(`discarded ${m.action} after ${m.attempts} attempts: ${err.message}`)),
    });
    this.link = opts.link ?? new OcppClient({
      url: opts.url ?? 'ws://127.0.0.1:9000/ocpp', identity: opts.identity, versions: opts.versions ?? ['2.1', '2.0.1'],
      ...(opts.password !== undefined ? { password: opts.password } : {}), ...(tlsFor(opts) ? { tls: tlsFor(opts)! } : {}),
      reconnect: this.backoff(), compression: opts.compression ?? true, limits: { callTimeoutMs: opts.callTimeoutMs ?? 30_000, pingIntervalMs: this.pingIntervalMs() },
    });
    for (const b of this.blocks) {
      for (const [action, fn] of Object.entries(b.handlers)) {
        this.link.handle(action as Action, async (_ctx, req) => {
          // A response that arrived in the same read as this request is applied first (e.g. the
          // BootNotification response: registration, HeartbeatInterval), then the request is handled.
          while (this.settling) await this.settling;
          // [B03.FR.08] while Rejected, answer every CSMS request with SecurityError.
          if (this.registration === 'Rejected') throw new RpcError('SecurityError', 'boot not accepted');
          try {
            const response = await (fn as (st: Station, r: unknown) => unknown)(this, req);
            this.emit('request', { action, payload: req, response });
            return response as never;
          } catch (err) {
            this.emit('request', { action, payload: req, error: (err as Error).message });
            throw err;
          }
        });
      }
    }
    this.network = new NetworkConnector(this); // before the 'open' listener below (B10.FR.10)
    this.link.on('open', (e: { version: '2.0.1' | '2.1' }) => this.onOpen(e.version));
    this.link.on('close', (e: { code: number; reason: string }) => this.onClose(e));
    this.link.on('error', (err: Error) => { onConnectError(this, err); this.emit('failure', err); });
    recoverTransactions(this, saved?.transactions ?? [], saved?.aliveAt);
    for (const b of this.blocks) b.init?.(this); // e.g. trust store (M), firmware state (L), log capture (N)
  }

  // ---- connection -------------------------------------------------------------------------------

  get connected(): boolean { return this.link.endpoint !== undefined; }
  get version(): '2.0.1' | '2.1' | undefined { return this.link.endpoint?.version; }
  /** The version of the current or last connection: what messages built while offline are shaped for. */
  lastVersion: '2.0.1' | '2.1' | undefined;

  /** [Part 4 §5.4] reconnect back-off from OCPPCommCtrlr.RetryBackOff* variables. */
  backoff(): BackoffConfig {
    return {
      waitMinimumS: this.num('OCPPCommCtrlr', 'RetryBackOffWaitMinimum', 5),
      randomRangeS: this.num('OCPPCommCtrlr', 'RetryBackOffRandomRange', 10),
      repeatTimes: this.num('OCPPCommCtrlr', 'RetryBackOffRepeatTimes', 5),
    };
  }

  private onVariableChange(component: string, variable: string): void {
    if (component !== 'OCPPCommCtrlr') return;
    if (variable.startsWith('RetryBackOff') && this.link instanceof OcppClient) (this.link.opts as OcppClientOptions).reconnect = this.backoff();
    if (variable === 'HeartbeatInterval' && this.registration === 'Accepted') startHeartbeat(this);
    // [Part 4 §8.4] WebSocketPingInterval: the open connection pings at the new interval at once (0: not at all).
    if (variable === 'WebSocketPingInterval' && this.link instanceof OcppClient) this.link.setPingInterval(this.pingIntervalMs());
  }

  private onOpen(version: '2.0.1' | '2.1'): void {
    this.lastVersion = version;
    this.emit('connected', { version });
    if (this.registration !== 'Accepted') { void boot(this); return; }
    // Reconnected after an offline period: heartbeat, changed statuses (B04), queued transaction events (E04).
    const threshold = this.num('OCPPCommCtrlr', 'OfflineThreshold', 300) * 1000;
    const all = this.offlineSince !== undefined && this.clock.now() - this.offlineSince > threshold;
    this.offlineSince = undefined;
    startHeartbeat(this);
    // [B04.FR.01] offline longer than OfflineThreshold: all connectors; [B04.FR.02] otherwise only changed ones.
    for (const e of this.evses) reportStatuses(this, e, all);
    this.outbox.kick();
    void flushSecurityEvents(this); // [A04] events raised while disconnected
  }

  private onClose(e: { code: number; reason: string }): void {
    this.offlineSince ??= this.clock.now();
    this.stopHeartbeat?.();
    this.stopHeartbeat = undefined;
    this.emit('disconnected', e);
  }

  /** Connect and boot (B01). Resolves once connected (registration continues in the background). */
  async start(): Promise<void> {
    this.running = true;
    this.offline = false;
    this.stopAligned = startAlignedData(this);
    this.network.beginCycle(); // [B10.FR.04]
    await this.link.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.clock.clearTimeout(this.bootTimer);
    this.stopHeartbeat?.();
    this.stopAligned?.();
    for (const e of this.evses) { e.tx?.cancelPeriodic?.(); this.clock.clearTimeout(e.evTimeout); }
    await this.link.close(1000, 'stopping');
    this.outbox.queue.close();
  }

  /** Simulate a network loss: close the connection and stay offline until goOnline(). */
  async goOffline(): Promise<void> {
    this.offline = true;
    await this.link.close(1001, 'offline');
  }

  async goOnline(): Promise<void> {
    if (!this.offline && this.connected) return;
    this.offline = false;
    await this.link.connect();
  }

  /**
   * [A02.FR.08] Use another TLS client certificate (PEM chain + key) from now on: close the connection and
   * connect again with it, without a reboot (the registration stays as it is). blocks/security.ts drives it.
   */
  async reconnectWithClientCertificate(cert: string, key: string): Promise<void> {
    if (this.link instanceof OcppClient) {
      const o = this.link.opts as OcppClientOptions;
      o.tls = { ...o.tls, cert, key };
    }
    await this.link.close(1000, 'new client certificate');
    if (this.running && !this.offline) await this.link.connect();
  }

  /**
   * Reboot after the queued transaction messages were answered (bounded wait, 2 s): a message in flight
   * when the connection drops is resent after the reboot, so rebooting first would deliver it twice.
   */
  async rebootWhenDelivered(reason: OcppTypes.BootReasonEnumType): Promise<void> {
    for (let i = 0; i < 100 && this.outbox.size > 0 && this.connected; i++) await new Promise((r) => setTimeout(r, 20));
    await this.reboot(reason);
  }

  /** A reboot (Reset B11/B12): drop the connection, forget the registration, boot again. */
  async reboot(reason: OcppTypes.BootReasonEnumType): Promise<void> {
    this.emit('reboot', { reason });
    this.clock.clearTimeout(this.bootTimer);
    this.stopHeartbeat?.();
    this.stopHeartbeat = undefined;
    this.registration = 'Unknown';
    this.bootReason = reason;
    this.pendingReset = undefined;
    for (const e of this.evses) for (const c of e.connectors) c.reported = undefined;
    await this.link.close(1000, 'reset');
    await new Promise<void>((r) => setTimeout(r, this.opts.rebootDelayMs ?? 10));
    this.network.beginCycle(); // [B10.FR.04] [B10.FR.06] disconnected above, now the first priority entry
    if (this.running && !this.offline) await this.link.connect();
  }

  // ---- messaging ---------------------------------------------------------------------------------

  messageTimeoutMs(): number { return this.num('OCPPCommCtrlr', 'MessageTimeout', 30, 'Default') * 1000; }
  /** [Part 4 §8.4] OCPPCommCtrlr.WebSocketPingInterval (s; 0 = no pings from the station). */
  pingIntervalMs(): number { return Math.max(0, this.num('OCPPCommCtrlr', 'WebSocketPingInterval', 30)) * 1000; }

  /**
   * Send a CALL to the CSMS. [B02.FR.02] before Accepted only BootNotification, or messages the CSMS
   * asked for (`triggered`). Returns undefined when not allowed, offline or failed.
   */
  async call<A extends Action>(action: A, payload: ActionMap[A]['request'], opts: { triggered?: boolean } = {}): Promise<ActionMap[A]['response'] | undefined> {
    const ep = this.link.endpoint;
    if (!ep) return undefined;
    // [B03.FR.02] nothing but BootNotification while Rejected; [B01.FR.08] [B02.FR.02] likewise while Pending unless triggered.
    if (action !== 'BootNotification' && this.registration !== 'Accepted' && !(opts.triggered && this.registration === 'Pending')) return undefined;
    const t0 = Date.now();
    try {
      const response = await this.holdIncoming(ep.call(action, payload, { timeoutMs: this.messageTimeoutMs() }));
      this.emit('sent', { action, payload, response, latencyMs: Date.now() - t0 });
      return response;
    } catch (err) {
      this.emit('sent', { action, payload, error: err as Error, latencyMs: Date.now() - t0 });
      return undefined;
    }
  }

  /**
   * Callers apply a CALLRESULT in their continuation, a few microtasks after it arrived; a CSMS request
   * read in the same tick would otherwise overtake it. The reaction attached here runs first (it is
   * registered when the call is made, before that request was even parsed) and holds incoming requests
   * until the next macrotask, when every continuation of this response has run.
   */
  private holdIncoming<T>(p: Promise<T>): Promise<T> {
    const hold = (): void => {
      this.settling ??= new Promise<void>((r) => setImmediate(() => { this.settling = undefined; r(); }));
    };
    p.then(hold, hold);
    return p;
  }

  /** Run after the current handler's response has been written (F06.FR.04: response first). */
  afterResponse(fn: () => unknown): void {
    setImmediate(() => { void Promise.resolve().then(fn).catch((err: Error) => this.emit('failure', err)); });
  }

  // ---- device model helpers ----------------------------------------------------------------------

  str(component: string, variable: string, fallback: string, instance?: string): string {
    return this.dm.value({ name: component }, instance ? { name: variable, instance } : { name: variable }) ?? fallback;
  }
  num(component: string, variable: string, fallback: number, instance?: string): number {
    const v = Number(this.str(component, variable, '', instance));
    return this.str(component, variable, '', instance) !== '' && Number.isFinite(v) ? v : fallback;
  }
  bool(component: string, variable: string, fallback: boolean): boolean {
    const v = this.str(component, variable, '');
    return v === '' ? fallback : v === 'true';
  }
  list(component: string, variable: string): string[] {
    return this.str(component, variable, '').split(',').map((s) => s.trim()).filter(Boolean);
  }

  // ---- state changes -----------------------------------------------------------------------------

  evse(id: number): EvseState {
    const e = this.evses.find((x) => x.id === id);
    if (!e) throw new RangeError(`no EVSE ${id}`);
    return e;
  }

  /**
   * Recompute power, run the transaction state machine, report connector changes (G01). The charging profile limits
   * are computed once per refresh: the second applySmartCharging only recomputes when the state machine changed
   * what they depend on (smart-charging-state.ts keeps the inputs they were computed from).
   */
  refresh(evse: EvseState, trigger: TriggerReason): void {
    applySmartCharging(this, evse); // [K01.FR.07] the charging profile limits in force (smart-charging-state.ts)
    evse.meter.setPower(deliveredW(evse, this.operative));
    evaluate(this, evse, trigger);
    evse.meter.setPower(deliveredW(evse, this.operative));
    applySmartCharging(this); // [K04.FR.05] a change here (e.g. a transaction ended) may move the limits of other EVSEs
    // [G03.FR.05] [G04.FR.06] apply a Scheduled availability first: the connector goes straight to Unavailable.
    this.afterIdle();
    reportStatuses(this, evse, false);
  }

  /** Apply what was Scheduled for when transactions end (G03.FR.05, G04.FR.06, B12.FR.01). */
  afterIdle(): void {
    for (const e of this.evses) {
      if (e.tx || e.scheduledAvailability === undefined) continue;
      e.operative = e.scheduledAvailability;
      e.scheduledAvailability = undefined;
      this.saveState();
      reportStatuses(this, e, false);
    }
    if (this.scheduledStationAvailability !== undefined && this.evses.every((e) => !e.tx)) {
      this.operative = this.scheduledStationAvailability;
      this.scheduledStationAvailability = undefined;
      this.saveState();
      for (const e of this.evses) reportStatuses(this, e, false);
    }
    const r = this.pendingReset;
    if (r && (r.evseId === undefined ? this.evses.every((e) => !e.tx) : !this.evse(r.evseId).tx)) {
      this.pendingReset = undefined;
      // [B12.FR.01] reboot once idle, after the Ended events went out (else they would be sent twice); [B11.FR.08] or reset the EVSE.
      void (r.evseId === undefined ? this.rebootWhenDelivered('ScheduledReset') : resetEvse(this, this.evse(r.evseId)));
    }
  }

  /** Persist availability, energy registers and open transactions (station-state.ts). */
  saveState(): void { saveState(this); }

  /** What the station looks like now, for dashboards and the CLI (station-state.ts). */
  state(): StationSnapshot { return snapshot(this); }
}

export function createStation(opts: StationOptions): Station {
  return new Station(opts);
}

export { every };
