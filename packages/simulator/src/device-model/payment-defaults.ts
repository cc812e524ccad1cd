// Device model of the OCPP 2.1 ad hoc payment controllers (C18–C25), present only on a station that has a payment
// terminal (PaymentCtrlr) or web payments (WebPaymentsCtrlr): StationOptions.payments. Variables and data types as in
// the 2.1 appendix (dm_components_vars.csv); the values describe the simulated terminal (payment-terminal.ts).
import type { DefaultSpec } from './defaults.ts';
import { PAYMENT_DETAIL_TYPES, type PaymentOptions } from '../payment-terminal.ts';

const RO = 'ReadOnly' as const, RW = 'ReadWrite' as const;

export const PAYMENT_CONTROLLER_DEFAULTS: Record<string, DefaultSpec[]> = {
  PaymentCtrlr: [
    { variable: 'Enabled', v: 'true', m: RW, dataType: 'boolean' },
    { variable: 'Problem', v: 'false', m: RO, dataType: 'boolean' },
    { variable: 'Connected', v: 'true', m: RO, dataType: 'boolean' },
    // [C18.FR.04] whether an ad hoc payment is authorized by the CSMS as well (Authorize with the PspRef).
    { variable: 'AuthorizeDirectPayment', v: 'false', m: RW, dataType: 'boolean' },
    // [C18.FR.01] the amount the terminal reserves on a card (in TariffCostCtrlr.Currency).
    { variable: 'AuthorizationAmount', v: '50', m: RW, dataType: 'decimal', minLimit: 0 },
    // [C23.FR.01] the terminal supports incremental authorization; 0 = not allowed (the default here).
    { variable: 'IncrementalAuthorizationAmount', v: '0', m: RW, dataType: 'decimal', minLimit: 0 },
    { variable: 'IncrementalAuthorizationThreshold', m: RW, dataType: 'decimal', minLimit: 0 },
    // [C18] step 4: valuesList = what the terminal can provide, Actual = what goes into idToken.additionalInfo.
    { variable: 'PaymentDetails', v: 'PaymentBrand,CardBin,CardLast4Digits', m: RW, dataType: 'MemberList', valuesList: PAYMENT_DETAIL_TYPES.join(',') },
    { variable: 'SettlementByCSMS', v: 'false', m: RW, dataType: 'boolean' }, // C21.FR.01 / C21.FR.05
    { variable: 'ReceiptByCSMS', v: 'false', m: RW, dataType: 'boolean' }, // C21.FR.03 / C21.FR.04
    { variable: 'ReceiptServerUrl', v: '', m: RW, dataType: 'string', maxLimit: 2000 }, // C21.FR.07
    { variable: 'Merchant', instance: 'Id', v: '', m: RW, dataType: 'string' },
    { variable: 'Merchant', instance: 'TaxId', v: '', m: RW, dataType: 'string' },
    { variable: 'Merchant', instance: 'Name', v: '', m: RW, dataType: 'string' },
    { variable: 'Merchant', instance: 'Address', v: '', m: RW, dataType: 'string' },
    { variable: 'Merchant', instance: 'City', v: '', m: RW, dataType: 'string' },
    { variable: 'TerminalID', v: 'SIMTERM-0001', m: RO, dataType: 'string' },
    { variable: 'PaymentServiceProvider', v: 'Chargewire Simulated PSP', m: RO, dataType: 'string' },
    { variable: 'VendorName', v: 'Chargewire', m: RO, dataType: 'string' },
    { variable: 'Model', v: 'SimTerminal', m: RO, dataType: 'string' },
    { variable: 'SerialNumber', v: 'ST-0001', m: RO, dataType: 'string' },
    { variable: 'FirmwareVersion', v: '1.0.0', m: RO, dataType: 'string' },
    { variable: 'IMSI', v: '', m: RO, dataType: 'string' },
    { variable: 'ICCID', v: '', m: RO, dataType: 'string' },
  ],
  WebPaymentsCtrlr: [
    // [C25.FR.01] Enabled (a generic variable) switches the dynamic QR code on.
    { variable: 'Enabled', v: 'true', m: RW, dataType: 'boolean' },
    // [C25.FR.50] placeholders {chargingstationid} or {roamingevseid}, {totp}, {version}; optional {evse}.
    { variable: 'URLTemplate', v: 'https://qr.chargewire.example/{chargingstationid}/{evse}/{totp}/{version}', m: RW, dataType: 'string', maxLimit: 2000 },
    // [C25.FR.03] the URL parameters the driver may enter; absent/empty = none.
    { variable: 'URLParameters', v: 'maxtime,maxenergy,maxcost', m: RW, dataType: 'MemberList', valuesList: 'maxtime,maxenergy,maxcost' },
    { variable: 'TOTPVersion', v: 'v1', m: RW, dataType: 'OptionList', valuesList: 'v1' },
    { variable: 'ChargingStationId', m: RW, dataType: 'string', maxLimit: 48 },
    { variable: 'ValidityTime', v: '30', m: RW, dataType: 'integer', unit: 's', minLimit: 1 },
    // "<random text> set to a random value on first boot" (blocks/payments.ts init); shared with the CSMS.
    { variable: 'SharedSecret', m: RW, dataType: 'string', maxLimit: 255 },
    { variable: 'Length', v: '8', m: RW, dataType: 'integer', minLimit: 1, maxLimit: 32 },
    { variable: 'QRCodeQuality', v: 'Medium', m: RW, dataType: 'OptionList', valuesList: 'Low,Medium,Quartile,High' },
  ],
};

/** [C25.FR.53] per EVSE: WebPaymentsCtrlr.RoamingEvseId at the EVSE tier. */
export const WEB_PAYMENTS_EVSE_DEFAULTS: DefaultSpec[] = [{ variable: 'RoamingEvseId', m: RW, dataType: 'string', maxLimit: 48 }];

/** The payment controllers a station with these options has. */
export function paymentControllers(p: PaymentOptions | undefined): string[] {
  return [...(p?.terminal ? ['PaymentCtrlr'] : []), ...(p?.web ? ['WebPaymentsCtrlr'] : [])];
}
