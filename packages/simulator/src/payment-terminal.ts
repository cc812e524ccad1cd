// A simulated payment terminal with its payment service provider (PSP), for the OCPP 2.1 ad hoc payment use
// cases C18–C23 (blocks/payments.ts). The API between a terminal and the station, and between the terminal and
// its PSP, is not part of OCPP (C18 remarks): this is a plain model of what such a terminal does — pre-authorize
// an amount on a card, increase it, release it (cancel), settle (capture) a final amount, hand out receipts.
import { createHash, randomBytes } from 'node:crypto';

/** A payment card (or wallet) presented at the terminal. Every field has a sensible default. */
export interface PaymentCard {
  /** Card number (PAN); default a Visa test number. */
  pan?: string;
  /** PaymentBrand (Appendix "paymentbrand": Visa, Mastercard, …); default Visa. */
  brand?: string;
  /** PaymentRecognition (CC, Debit, ApplePay, …); default CC. */
  recognition?: string;
  /** ReadingMethod: Contactless / Contact / Magstripe; default Contactless. */
  readingMethod?: 'Contactless' | 'Contact' | 'Magstripe';
  /** CardExpiryDate, YYYY/MM; default 2030/12. */
  expiry?: string;
  /** WalletUserId of a digital wallet (only reported when set). */
  walletUserId?: string;
  /** Funds the PSP may reserve on this card (pre-authorization plus increments); default unlimited. */
  available?: number;
  /** The PSP declines the card. */
  decline?: boolean;
  /** Force the PSP's answer to a settlement of this card (C22): Rejected or Failed. */
  settlement?: 'Settled' | 'Rejected' | 'Failed';
}

export interface TerminalOptions {
  /** Base of the receipt URLs the terminal's PSP hands out (C21 receipt by payment terminal). */
  receiptBaseUrl?: string;
  /** The terminal starts without a connection to its PSP (PaymentCtrlr.Connected = false). */
  offline?: boolean;
}

/** OCPP 2.1 ad hoc payments on a station: an integrated payment terminal (PaymentCtrlr) and/or web payments (WebPaymentsCtrlr). */
export interface PaymentOptions {
  /** An integrated payment terminal (C18–C23). */
  terminal?: boolean | TerminalOptions;
  /** Ad hoc payment via a dynamic QR code (C25). */
  web?: boolean;
}

/** The additionalInfo types a terminal can provide (Appendix "additional_info_types_adhoc", PspRef goes in idToken). */
export const PAYMENT_DETAIL_TYPES = ['PaymentBrand', 'PaymentRecognition', 'ReadingMethod', 'CardBin', 'CardLast4Digits', 'CardExpiryDate', 'HashedCardNr', 'SessionRef', 'MerchantRef', 'WalletUserId'] as const;

export type TerminalPaymentState = 'Authorized' | 'Canceled' | 'Settled' | 'Rejected' | 'Failed';

/** One payment session on the terminal, keyed by the PSP's reference (PspRef). */
export interface TerminalPayment {
  pspRef: string;
  sessionRef: string;
  card: Required<Pick<PaymentCard, 'pan' | 'brand' | 'recognition' | 'readingMethod' | 'expiry'>> & PaymentCard;
  /** Amount currently reserved on the card. */
  authorized: number;
  state: TerminalPaymentState;
  settledAmount?: number;
  receiptId?: string;
  receiptUrl?: string;
}

export type AuthorizeResult =
  | { ok: true; payment: TerminalPayment }
  | { ok: false; status: 'Declined' | 'Failed'; reason: string };

export type SettleResult =
  | { status: 'Settled'; receiptId: string; receiptUrl: string }
  | { status: 'Rejected' | 'Failed'; statusInfo: string };

export class PaymentTerminal {
  /** Connected to the PSP (PaymentCtrlr.Connected). Without it every PSP operation fails (C22 "Failed"). */
  pspOnline: boolean;
  /** A problem with the terminal itself (PaymentCtrlr.Problem): no cards are read. */
  problem = false;
  readonly payments = new Map<string, TerminalPayment>();
  private seq = 0;
  private readonly receiptBase: string;

  constructor(opts: TerminalOptions = {}) {
    this.pspOnline = !opts.offline;
    this.receiptBase = opts.receiptBaseUrl ?? 'https://receipts.psp.example/r';
  }

  /** Reserve `amount` on the card with the PSP; the PSP's unique reference for it is the PspRef. */
  async authorize(card: PaymentCard, amount: number): Promise<AuthorizeResult> {
    if (this.problem) return { ok: false, status: 'Failed', reason: 'terminal problem' };
    if (!this.pspOnline) return { ok: false, status: 'Failed', reason: 'no connection to the payment service provider' };
    if (card.decline) return { ok: false, status: 'Declined', reason: 'declined by the payment service provider' };
    if (card.available !== undefined && amount > card.available) return { ok: false, status: 'Declined', reason: 'insufficient funds' };
    const n = ++this.seq;
    const payment: TerminalPayment = {
      pspRef: `PSP${randomBytes(6).toString('hex').toUpperCase()}${n}`, sessionRef: `TS${n}`,
      card: { pan: '4111111111111111', brand: 'Visa', recognition: 'CC', readingMethod: 'Contactless', expiry: '2030/12', ...card },
      authorized: amount, state: 'Authorized',
    };
    this.payments.set(payment.pspRef, payment);
    return { ok: true, payment };
  }

  /** Increase the reservation by `amount` (C23). */
  async increment(pspRef: string, amount: number): Promise<{ ok: true; authorized: number } | { ok: false; reason: string }> {
    const p = this.payments.get(pspRef);
    if (!p || p.state !== 'Authorized') return { ok: false, reason: 'no open payment' };
    if (!this.pspOnline) return { ok: false, reason: 'no connection to the payment service provider' };
    if (p.card.decline || (p.card.available !== undefined && p.authorized + amount > p.card.available)) return { ok: false, reason: 'insufficient funds' };
    p.authorized += amount;
    return { ok: true, authorized: p.authorized };
  }

  /** Release the reservation and cancel the payment (C18.FR.07, C19, C20). */
  async cancel(pspRef: string): Promise<void> {
    const p = this.payments.get(pspRef);
    if (p?.state === 'Authorized') { p.state = 'Canceled'; p.authorized = 0; }
  }

  /** Settle (capture) the final amount (C21); the PSP may reject it or the terminal may fail to reach it (C22). */
  async settle(pspRef: string, amount: number): Promise<SettleResult> {
    const p = this.payments.get(pspRef);
    if (!p || p.state !== 'Authorized') return { status: 'Rejected', statusInfo: 'no open payment' };
    const forced = p.card.settlement;
    const result: SettleResult = !this.pspOnline || forced === 'Failed'
      ? { status: 'Failed', statusInfo: 'no connection to the payment service provider' }
      : forced === 'Rejected' ? { status: 'Rejected', statusInfo: 'settlement rejected by the payment service provider' }
        : amount > p.authorized + 1e-9 ? { status: 'Rejected', statusInfo: 'amount exceeds the authorized amount' }
          : { status: 'Settled', receiptId: `RC${p.sessionRef}`, receiptUrl: `${this.receiptBase}/${p.pspRef}` };
    // A failed capture leaves the reservation open (the CSO may capture later with the PspRef, C22 remarks).
    if (result.status === 'Settled') Object.assign(p, { state: 'Settled', settledAmount: amount, receiptId: result.receiptId, receiptUrl: result.receiptUrl });
    else if (result.status === 'Rejected') p.state = 'Rejected';
    return result;
  }

  /** The value of one additionalInfo type for a payment (C18 step 4), or undefined when the terminal has none. */
  static detail(p: TerminalPayment, type: string, merchantId = ''): string | undefined {
    const c = p.card;
    switch (type) {
      case 'PaymentBrand': return c.brand;
      case 'PaymentRecognition': return c.recognition;
      case 'ReadingMethod': return c.readingMethod;
      case 'CardBin': return c.pan.slice(0, 6);
      case 'CardLast4Digits': return c.pan.slice(-4);
      case 'CardExpiryDate': return c.expiry;
      case 'HashedCardNr': return createHash('sha256').update(c.pan).digest('hex');
      case 'SessionRef': return p.sessionRef;
      case 'MerchantRef': return `${merchantId || 'M'}-${p.sessionRef}`;
      case 'WalletUserId': return c.walletUserId;
      default: return undefined;
    }
  }
}
