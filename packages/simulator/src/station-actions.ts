// Station methods for what a driver, an EV or a test bench does: the core actions (plugIn, unplug, presentToken,
// startCharging, stopCharging, setPower, setLimit) drive the transaction state machine through Station.refresh;
// the others hand the action to the module that implements it. Station (station.ts) inherits them.
import { EventEmitter } from 'node:events';
import type { OcppTypes } from '@chargewire/ocpp';
import type { Station } from './station.ts';
import type { StationEvents } from './station-types.ts';
import type { TransactionLimit } from './evse.ts';
import type { PaymentCard } from './payment-terminal.ts';
import type { QrLimits } from './web-payment-qr.ts';
import * as payments from './blocks/payments.ts';
import { applyLocalLimit } from './tx-limits.ts';
import { evStopSession } from './iso15118-session.ts';
import { fault, clearFault, type FaultReason } from './connector-fault.ts';
import { driveIn, driveOut } from './parking-bay.ts';
import { evSideDisconnect, localStop, pressStartButton, presentToken } from './blocks/authorization.ts';
import { onPlugIn as plugAndCharge, type ContractResult, type EvContract } from './blocks/iso15118-auth.ts';
import { reportStatuses } from './blocks/availability.ts';
import { setLockFailure } from './blocks/availability.ts';
import { setTemporarilyUnable, type UnableTo } from './blocks/provisioning.ts';
import { allowUnsignedFirmware } from './blocks/firmware.ts';
import { setLogUploadMethod } from './blocks/diagnostics.ts';

export abstract class StationActions extends EventEmitter<StationEvents> {
  // ---- the driver and the EV ----------------------------------------------------------------------

  /**
   * An EV plugs in. An ISO 15118 EV with a contract (`eMAID`, `contractCertificate` or `certificateHashData`) then
   * authorizes itself (Plug & Charge, C07, blocks/iso15118-auth.ts): the returned promise tells how that went.
   */
  plugIn(this: Station, evseId = 1, connectorId = 1, ev: { powerW?: number; socPercent?: number; capacityWh?: number } & EvContract = {}): Promise<ContractResult> | undefined {
    const e = this.evse(evseId);
    if (!e.connectors.some((c) => c.id === connectorId)) throw new RangeError(`no connector ${connectorId} on EVSE ${evseId}`);
    if (e.plugged !== undefined) throw new Error(`EVSE ${evseId} already has an EV plugged in`);
    e.plugged = connectorId;
    if (ev.powerW !== undefined) e.evDemandW = ev.powerW;
    e.meter.setBattery(ev.socPercent, ev.capacityWh);
    this.clock.clearTimeout(e.evTimeout);
    // [G01.FR.03] the connector becomes Occupied before the TransactionEvent of the plug-in goes out (E02 steps 2-3,
    // E03 steps 4-5, F01 steps 2-4, F02 steps 7-10; Part 6 EVConnectedPreSession / EnergyTransferStarted steps 1, 3).
    reportStatuses(this, e, false);
    this.refresh(e, 'CablePluggedIn');
    return plugAndCharge(this, e, ev);
  }

  unplug(this: Station, evseId = 1): void {
    const e = this.evse(evseId);
    if (e.plugged === undefined) return;
    evSideDisconnect(this, e); // [E09.FR.01] [E10.FR.02] (blocks/authorization.ts)
    this.refresh(e, 'EVCommunicationLost');
  }

  /** Present an idToken at the station (C01/C10–C15/D): authorizes, or stops the own transaction. */
  presentToken(this: Station, idToken: string, type = 'ISO14443', evseId?: number): Promise<{ status: string; evseId?: number }> {
    return presentToken(this, { idToken, type } as OcppTypes.IdTokenType, evseId);
  }

  /** The EV resumes drawing power. */
  startCharging(this: Station, evseId = 1, powerW?: number): void {
    const e = this.evse(evseId);
    e.evDemandW = powerW ?? (e.evDemandW > 0 ? e.evDemandW : this.opts.evPowerW ?? 11_000);
    this.refresh(e, 'ChargingStateChanged');
  }

  /** The driver ends the session at the station (local stop, E07: StopAuthorized / Local). */
  stopCharging(this: Station, evseId = 1): void {
    localStop(this, this.evse(evseId), 'StopAuthorized', 'Local');
  }

  /** What the EV draws (W); 0 suspends the EV (SuspendedEV). */
  setPower(this: Station, evseId: number, watts: number): void {
    const e = this.evse(evseId);
    e.evDemandW = Math.max(0, watts);
    this.refresh(e, 'ChargingStateChanged');
  }

  /** Station-side power limit on an EVSE (undefined removes it). */
  setLimit(this: Station, evseId: number, watts: number | undefined): void {
    const e = this.evse(evseId);
    if (watts === undefined) delete e.limitW; else e.limitW = Math.max(0, watts);
    this.refresh(e, 'ChargingRateChanged');
  }

  /**
   * [C02.FR.01] The driver presses the start button of an EVSE: authorized with IdToken type NoAuthorization (blocks/authorization.ts),
   * unless the EVSE refuses it (start-gate.ts): the status says which.
   */
  pressStartButton(this: Station, evseId = 1): { status: string; evseId: number } { return pressStartButton(this, evseId); }

  /** The parking bay sensor of an EVSE detects an EV (EVDetected; TxStartPoint ParkingBayOccupancy, E01; parking-bay.ts). */
  driveIn(this: Station, evseId = 1): void { driveIn(this, evseId); }
  /** The EV leaves the bay (EVDeparted; unplugs first if needed; TxStopPoint ParkingBayOccupancy, E06). */
  driveOut(this: Station, evseId = 1): void { driveOut(this, evseId); }

  /** The ISO 15118 EV ends its session: SessionStopReq(Terminate) (E15, iso15118-session.ts). */
  evStopSession(this: Station, evseId = 1): 'Ended' | 'Updated' | 'None' { return evStopSession(this, evseId); }

  /**
   * The driver sets or changes a limit of the ongoing transaction at the station (E16, OCPP 2.1): reported
   * in Updated(LimitSet); only TxCtrlr.SupportedLimits fields, never above a CSMS limit. Returns the limits in force.
   */
  setTransactionLimit(this: Station, evseId: number, limit: TransactionLimit): TransactionLimit {
    return applyLocalLimit(this, this.evse(evseId), limit);
  }

  // OCPP 2.1 ad hoc payments (blocks/payments.ts; StationOptions.payments). Under 2.0.1: NotSupported / an error.
  /** The driver presents a payment card at the integrated payment terminal (C18). */
  presentPaymentCard(this: Station, card: PaymentCard = {}, evseId?: number): Promise<payments.PaymentResult> { return payments.presentPaymentCard(this, card, evseId); }
  /** The driver cancels the ad hoc payment at the terminal: before (C19) or after (C20) the transaction started. */
  cancelPayment(this: Station, evseId = 1): Promise<payments.PaymentResult> { return payments.cancelPayment(this, evseId); }
  /** The driver enters a VAT number for the receipt (C18.FR.08). */
  validateVatNumber(this: Station, vatNumber: string, evseId?: number): Promise<OcppTypes.VatNumberValidationResponse | undefined> { return payments.validateVatNumber(this, vatNumber, evseId); }
  /** The driver scans the dynamic QR code of an EVSE, optionally after entering limits (C25): returns its URL. */
  scanQr(this: Station, evseId?: number, limits: QrLimits = {}): string { return payments.scanQr(this, evseId, limits); }

  // ---- hardware faults and test hooks --------------------------------------------------------------

  /** A hardware fault: the connector (all of the EVSE's; evseId 0: the station's) reports Faulted (connector-fault.ts). */
  fault(this: Station, evseId: number, connectorId?: number, reason?: FaultReason): void { fault(this, evseId, connectorId, reason); }
  /** The fault is repaired: the connectors report their status without it. */
  clearFault(this: Station, evseId: number, connectorId?: number): void { clearFault(this, evseId, connectorId); }

  /** [G05] The connector retention lock of an EVSE fails (true) or works again (false): no charging meanwhile, NotifyEvent Problem. */
  setLockFailure(this: Station, evseId: number, failed = true): void { setLockFailure(this, evseId, failed); }

  /** Make the station temporarily unable to run reports (B07/B08) or resets (B11/B12): those requests are answered Rejected. */
  setTemporarilyUnable(this: Station, what: UnableTo, on = true): void { setTemporarilyUnable(this, what, on); }

  /** Accept UpdateFirmware without signingCertificate and signature (L02, non-secure; default refused, TC_L_18_CS). */
  allowUnsignedFirmware(this: Station, allowed = true): void { allowUnsignedFirmware(this, allowed); }

  /** Upload logs (GetLog, N01) with POST multipart/form-data (N01.FR.19) instead of PUT. */
  setLogUploadMethod(this: Station, method: 'PUT' | 'POST'): void { setLogUploadMethod(this, method); }
}
