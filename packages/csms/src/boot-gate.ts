// B01–B03 message rules while a station is not (yet) Accepted: which station CALLs pass, and which
// CALLs the CSMS may initiate. State per connection; the dispatch wrapper and callStation consult it.
import type { MessageTriggerEnumType } from '@chargewire/ocpp/types';

export type BootStatus = 'Accepted' | 'Pending' | 'Rejected' | undefined;

/** TriggerMessage requestedMessage -> the action(s) it makes the station send. */
const TRIGGERED: Record<MessageTriggerEnumType, readonly string[]> = {
  BootNotification: ['BootNotification'],
  LogStatusNotification: ['LogStatusNotification'],
  FirmwareStatusNotification: ['FirmwareStatusNotification'],
  Heartbeat: ['Heartbeat'],
  MeterValues: ['MeterValues'],
  SignChargingStationCertificate: ['SignCertificate'],
  SignV2GCertificate: ['SignCertificate'],
  SignV2G20Certificate: ['SignCertificate'],
  SignCombinedCertificate: ['SignCertificate'],
  // 2.1 deprecates StatusNotification for NotifyEvent(AvailabilityState) (B01.FR.05): accept either.
  StatusNotification: ['StatusNotification', 'NotifyEvent'],
  TransactionEvent: ['TransactionEvent'],
  PublishFirmwareStatusNotification: ['PublishFirmwareStatusNotification'],
  CustomTrigger: [],
};

export class BootGate {
  status: BootStatus;
  // Created on first use (memory: one gate per connected station, most never need them).
  /** action -> until when (ms epoch) a triggered message of that action may pass. */
  private triggeredMap: Map<string, number> | undefined = undefined;
  /** requestIds of accepted GetBaseReport/GetReport whose NotifyReport parts may pass. */
  private openReportSet: Set<number> | undefined = undefined;
  private get triggered(): Map<string, number> {
    return (this.triggeredMap ??= new Map());
  }
  private get openReports(): Set<number> {
    return (this.openReportSet ??= new Set());
  }

  constructor(status: BootStatus, private readonly windowMs: number, private readonly now: () => number = Date.now) {
    this.status = status;
  }

  /** May the station's CALL `action` be handled? Returns the FR that forbids it, or undefined. */
  refusal(action: string, request: unknown): string | undefined {
    if (action === 'BootNotification' || this.status === 'Accepted') return undefined;
    // [FR.04] [B03.FR.07] after Rejected, nothing but BootNotification
    if (this.status === 'Rejected') return 'B03.FR.07';
    // [B01.FR.10] [B02.FR.09] not Accepted (Pending, or no boot yet): only messages we asked for
    if (action === 'NotifyReport') {
      const id = (request as { requestId?: number }).requestId;
      if (typeof id === 'number' && this.openReportSet?.has(id)) {
        if (!(request as { tbc?: boolean }).tbc) this.openReports.delete(id);
        return undefined;
      }
    }
    const until = this.triggeredMap?.get(action);
    if (until !== undefined && until >= this.now()) return undefined;
    return this.status === 'Pending' ? 'B02.FR.09' : 'B01.FR.10';
  }

  /** May the CSMS send `action` now? [B03.FR.03] not after Rejected, except a TriggerMessage for a new boot (TC_B_31_CSMS). */
  mayCall(action: string, payload: unknown): boolean {
    if (this.status !== 'Rejected') return true;
    return action === 'TriggerMessage' && (payload as { requestedMessage?: string }).requestedMessage === 'BootNotification';
  }

  /**
   * Called before a CALL goes out: opens the gate for the messages it may cause (before the answer
   * arrives, because the station may send them right after its response). Returns a function to call
   * with the station's response; it closes the gate again unless the station accepted.
   */
  expect(action: string, payload: unknown): (response: unknown) => void {
    if (action === 'TriggerMessage') {
      const actions = TRIGGERED[(payload as { requestedMessage: MessageTriggerEnumType }).requestedMessage] ?? [];
      const prev = actions.map((a) => [a, this.triggered.get(a)] as const);
      const until = this.now() + this.windowMs;
      for (const a of actions) this.triggered.set(a, until);
      return (res) => {
        if ((res as { status?: string } | undefined)?.status === 'Accepted') return;
        for (const [a, p] of prev) (p === undefined ? this.triggered.delete(a) : this.triggered.set(a, p));
      };
    }
    if (action === 'GetBaseReport' || action === 'GetReport') {
      const id = (payload as { requestId: number }).requestId;
      this.openReports.add(id);
      return (res) => {
        if ((res as { status?: string } | undefined)?.status !== 'Accepted') this.openReports.delete(id);
      };
    }
    return () => {};
  }

  /** A new BootNotification answer: triggered allowances end. */
  booted(status: BootStatus): void {
    this.status = status;
    this.triggeredMap?.clear();
  }
}
