// Station methods that hand a driver's, an EV's or a test bench's action to the module that implements it.
// Station (station.ts) inherits them; it keeps the core actions itself (plugIn, unplug, presentToken,
// startCharging, stopCharging, setPower, setLimit), which drive the transaction state machine directly.
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
import { pressStartButton } from './blocks/authorization.ts';
import { setLockFailure } from './blocks/availability.ts';
import { setTemporarilyUnable, type UnableTo } from './blocks/provisioning.ts';
import { allowUnsignedFirmware } from './blocks/firmware.ts';
import { setLogUploadMethod } from './blocks/diagnostics.ts';

export abstract class StationActions extends EventEmitter<StationEvents> {
  // ---- the driver and the EV ----------------------------------------------------------------------

  /** [C02.FR.01] The driver presses the start button of an EVSE: authorized with IdToken type NoAuthorization (blocks/authorization.ts). */
  pressStartButton(this: Station, evseId = 1): void { pressStartButton(this, evseId); }

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
