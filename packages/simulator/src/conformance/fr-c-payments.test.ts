// Block C ad hoc payments, station side (OCPP 2.1 only): C17 prepaid card and C18–C23 integrated payment terminal
// (blocks/payments.ts, payment-terminal.ts) against a scripted CSMS. C24/C25 and 2.0.1: fr-c-payments-web.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness } from '../testing/harness.ts';
import { paymentDisplay } from '../blocks/payments.ts';
import { runScenario } from '../scenario.ts';
import { CARD, MIN, POINTS, T0, brief, withTerminal, type Ev } from './payment-fixtures.ts';

describe('C17 prepaid card (2.1)', () => {
  const prepaid = (req: OcppTypes.AuthorizeRequest): OcppTypes.AuthorizeResponse => ({
    // [C17.FR.01] [C17.FR.02] (CSMS) cacheExpiryDateTime = now: the token does not stay in the cache.
    idTokenInfo: { status: req.idToken.idToken === 'PREPAID-EMPTY' ? 'NoCredit' : 'Accepted', cacheExpiryDateTime: T0 },
  });

  test('C17.FR.05 NoCredit: no transaction and no energy (scenario 1), no energy in an EVConnected transaction (scenario 2)', async () => {
    const { st, csms, clock } = await harness({ version: '2.1', variables: POINTS, replies: { Authorize: prepaid } });
    assert.equal((await st.presentToken('PREPAID-EMPTY')).status, 'NoCredit');
    st.plugIn(1, 1);
    await clock.advance(MIN);
    assert.deepEqual([csms.txEvents.length, st.state().evses[0]!.powerW], [0, 0]);
    const h2 = await harness({ version: '2.1', variables: { ...POINTS, 'TxCtrlr.TxStartPoint': 'EVConnected' }, replies: { Authorize: prepaid } });
    h2.st.plugIn(1, 1);
    await settle();
    assert.equal((await h2.st.presentToken('PREPAID-EMPTY')).status, 'NoCredit');
    await h2.clock.advance(MIN);
    assert.deepEqual(h2.csms.txEvents.map(brief), ['Started(CablePluggedIn,EVConnected)']);
    assert.equal(h2.st.state().evses[0]!.powerW, 0);
  });

  test('C17.FR.04 Accepted: energy is offered; maxCost from the Started response is reported once and stops energy at the balance (E16); not cached', async () => {
    const { st, csms, clock } = await harness({
      version: '2.1', variables: { ...POINTS, 'AuthCtrlr.LocalPreAuthorize': 'true' },
      replies: { Authorize: prepaid, TransactionEvent: (req: Ev) => (req.eventType === 'Started' ? { transactionLimit: { maxCost: 7.5 } } : {}) },
    });
    assert.equal((await st.presentToken('PREPAID-OK')).status, 'Accepted');
    st.plugIn(1, 1);
    await settle();
    assert.ok(st.state().evses[0]!.powerW > 0, 'energy is offered');
    const limitSet = csms.txEvents.filter((e) => e.transactionInfo.transactionLimit);
    assert.deepEqual(limitSet.map((e) => [brief(e), e.transactionInfo.transactionLimit]), [['Updated(LimitSet,Charging)', { maxCost: 7.5 }]]);
    await csms.call('CostUpdated', { totalCost: 7.5, transactionId: csms.txEvents[0]!.transactionInfo.transactionId });
    await settle();
    assert.equal(brief(csms.txEvents.at(-1)!), 'Updated(CostLimitReached,SuspendedEVSE)');
    assert.equal(st.state().evses[0]!.powerW, 0, 'the prepaid balance is used up');
    st.unplug(1);
    await clock.advance(MIN);
    assert.equal((await st.presentToken('PREPAID-OK')).status, 'Accepted');
    assert.equal(csms.of('Authorize').length, 2, 'the prepaid token is asked for again, not taken from the cache');
  });
});

describe('C18 payment terminal (2.1)', () => {
  test('C18.FR.01 C18.FR.02 C18.FR.03 C18.FR.06 AuthorizeDirectPayment false: the PSP approval authorizes; Started has the PspRef (DirectPayment, PaymentDetails) and maxCost = AuthorizationAmount', async () => {
    const { st, csms, terminal } = await withTerminal({ 'PaymentCtrlr.AuthorizationAmount': '40', 'PaymentCtrlr.PaymentDetails': 'CardBin,CardLast4Digits,PaymentBrand' });
    const r = await st.presentPaymentCard(CARD);
    assert.equal(r.status, 'Accepted');
    assert.deepEqual([terminal.payments.get(r.pspRef!)!.authorized, terminal.payments.get(r.pspRef!)!.state], [40, 'Authorized'], 'C18.FR.01 40 reserved on the card');
    assert.equal(csms.of('Authorize').length, 0, 'no Authorize');
    st.plugIn(1, 1);
    await settle();
    const [started] = csms.txEvents;
    assert.equal(brief(started!), 'Started(CablePluggedIn,EVConnected)');
    assert.deepEqual(started!.idToken, { idToken: r.pspRef, type: 'DirectPayment', additionalInfo: [
      { type: 'CardBin', additionalIdToken: '550000' }, { type: 'CardLast4Digits', additionalIdToken: '0004' }, { type: 'PaymentBrand', additionalIdToken: 'Mastercard' }] });
    assert.deepEqual(started!.transactionInfo.transactionLimit, { maxCost: 40 });
    assert.equal(csms.txEvents.filter((e) => e.transactionInfo.transactionLimit).length, 1, 'once');
    assert.ok(st.state().evses[0]!.powerW > 0);
  });

  test('C18.FR.06 cable first (TxStartPoint EVConnected): the Updated(Authorized) event carries the payment idToken and maxCost', async () => {
    const { st, csms } = await withTerminal({ 'TxCtrlr.TxStartPoint': 'EVConnected' });
    st.plugIn(1, 1);
    await settle();
    const r = await st.presentPaymentCard();
    await settle();
    const auth = csms.txEvents.find((e) => e.triggerReason === 'Authorized')!;
    assert.deepEqual([brief(auth), auth.idToken?.idToken, auth.idToken?.type, auth.transactionInfo.transactionLimit], ['Updated(Authorized,EVConnected)', r.pspRef, 'DirectPayment', { maxCost: 50 }]);
  });

  test('C18.FR.04 C18.FR.05 AuthorizeDirectPayment true: Authorize with the PspRef and the payment details, Accepted authorizes', async () => {
    const { st, csms } = await withTerminal({ 'PaymentCtrlr.AuthorizeDirectPayment': 'true', 'PaymentCtrlr.PaymentDetails': 'PaymentBrand,CardLast4Digits,ReadingMethod' });
    st.plugIn(1, 1);
    await settle();
    const r = await st.presentPaymentCard(CARD);
    await settle();
    assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [{ idToken: r.pspRef, type: 'DirectPayment', additionalInfo: [
      { type: 'PaymentBrand', additionalIdToken: 'Mastercard' }, { type: 'CardLast4Digits', additionalIdToken: '0004' }, { type: 'ReadingMethod', additionalIdToken: 'Contactless' }] }]);
    assert.equal(r.status, 'Accepted');
    assert.ok(st.state().evses[0]!.powerW > 0);
    assert.deepEqual(csms.txEvents[0]!.idToken, csms.of('Authorize')[0]!.idToken);
  });

  for (const [name, info, expect] of [['Invalid', { status: 'Invalid' }, 'Invalid'], ['Accepted for EVSE 2 only (C01.FR.21)', { status: 'Accepted', evseId: [2] }, 'NotAllowedAtEvse']] as const) {
    test(`C18.FR.07 Authorize answered ${name}: the terminal releases the amount and cancels the payment`, async () => {
      const { st, csms, terminal, settlements } = await withTerminal({ 'PaymentCtrlr.AuthorizeDirectPayment': 'true' }, { Authorize: () => ({ idTokenInfo: info }) }, { terminal: true });
      const r = await st.presentPaymentCard({}, 1);
      assert.equal(r.status, expect);
      assert.deepEqual([terminal.payments.get(r.pspRef!)!.state, terminal.payments.get(r.pspRef!)!.authorized], ['Canceled', 0]);
      st.plugIn(1, 1);
      await settle();
      assert.deepEqual([st.evse(1).auth, st.state().evses[0]!.powerW, settlements().length], [undefined, 0, 0]);
      assert.equal(csms.of('Authorize').length, 1);
    });
  }

  test('C18.FR.02 declined card or no PSP connection: not authorized, no Authorize; PaymentCtrlr.Connected and Problem follow the terminal', async () => {
    const { st, csms, terminal } = await withTerminal({ 'PaymentCtrlr.AuthorizeDirectPayment': 'true', 'PaymentCtrlr.AuthorizationAmount': '60' });
    assert.equal((await st.presentPaymentCard({ decline: true })).status, 'Declined');
    assert.equal((await st.presentPaymentCard({ available: 59 })).status, 'Declined', 'less than AuthorizationAmount available');
    assert.equal(paymentDisplay(st).display.get(1), 'Payment declined: insufficient funds');
    terminal.pspOnline = false;
    assert.equal(st.dm.value({ name: 'PaymentCtrlr' }, { name: 'Connected' }), 'false');
    assert.ok(st.str('AuthCtrlr', 'SupportedIdTokenTypes', '').split(',').includes('DirectPayment'));
    assert.equal((await st.presentPaymentCard()).status, 'Failed');
    terminal.problem = true;
    assert.equal(st.dm.value({ name: 'PaymentCtrlr' }, { name: 'Problem' }), 'true');
    assert.equal((await st.presentPaymentCard()).status, 'TerminalProblem');
    assert.deepEqual([csms.of('Authorize').length, st.evse(1).auth], [0, undefined]);
  });
});

describe('C19 / C20 cancelation (2.1)', () => {
  test('C19.FR.01 C19.FR.02 the driver cancels before the EV is plugged in: released, canceled, NotifySettlement Canceled without transactionId', async () => {
    const { st, csms, clock, terminal, settlements } = await withTerminal({ 'PaymentCtrlr.AuthorizeDirectPayment': 'true' });
    const r = await st.presentPaymentCard();
    await clock.advance(5_000);
    assert.equal((await st.cancelPayment(1)).status, 'Canceled');
    await csms.until(() => settlements().length === 1);
    assert.deepEqual(settlements(), [{ pspRef: r.pspRef, status: 'Canceled', settlementAmount: 0, settlementTime: '2025-01-01T00:00:05.000Z' }]);
    assert.equal(terminal.payments.get(r.pspRef!)!.state, 'Canceled');
    st.plugIn(1, 1);
    await settle();
    assert.deepEqual([csms.txEvents.length, st.evse(1).auth], [0, undefined], 'the authorization ended');
  });

  test('C19.FR.01 EVConnectionTimeOut before a transaction: canceled; AuthorizeDirectPayment false: the CSMS is not told (C19 remarks)', async () => {
    const { st, csms, clock, terminal, settlements } = await withTerminal({ 'TxCtrlr.EVConnectionTimeOut': '60' });
    const r = await st.presentPaymentCard();
    await clock.advance(61_000);
    assert.deepEqual([terminal.payments.get(r.pspRef!)!.state, st.evse(1).auth, settlements().length, csms.txEvents.length], ['Canceled', undefined, 0, 0]);
  });

  test('C19.FR.02 canceled while offline: NotifySettlement is sent after the reconnect', async () => {
    const { st, csms, clock, settlements } = await withTerminal({ 'PaymentCtrlr.AuthorizeDirectPayment': 'true', 'TxCtrlr.EVConnectionTimeOut': '60' });
    const r = await st.presentPaymentCard();
    await st.goOffline();
    await clock.advance(61_000);
    assert.equal(settlements().length, 0);
    await st.goOnline();
    await csms.until(() => settlements().length === 1);
    assert.deepEqual(settlements()[0], { pspRef: r.pspRef, status: 'Canceled', settlementAmount: 0, settlementTime: '2025-01-01T00:01:00.000Z' });
  });

  test('C20.FR.01 C20.FR.04 C20.FR.05 canceled after the start (TxStartPoint Authorized): Ended(StopAuthorized); totalCost 0 -> released, NotifySettlement Canceled with transactionId', async () => {
    const { st, csms, cost, terminal, settlements } = await withTerminal({ 'TxCtrlr.TxStartPoint': 'Authorized', 'TxCtrlr.TxStopPoint': 'EVConnected' });
    cost.total = 0; // [C20.FR.03] (CSMS) no costs were made
    const r = await st.presentPaymentCard();
    await settle();
    assert.equal((await st.cancelPayment(1)).status, 'Stopped');
    await csms.until(() => settlements().length === 1);
    const txId = csms.txEvents[0]!.transactionInfo.transactionId;
    assert.deepEqual(csms.txEvents.map(brief), ['Started(Authorized,Idle)', 'Ended(StopAuthorized,Idle,Local)']);
    assert.deepEqual(settlements()[0], { transactionId: txId, pspRef: r.pspRef, status: 'Canceled', settlementAmount: 0, settlementTime: T0 });
    assert.equal(terminal.payments.get(r.pspRef!)!.state, 'Canceled');
  });

  test('C20.FR.02 C20.FR.04 C20.FR.05 no EV within EVConnectionTimeOut after the start: Ended(EVConnectTimeout), canceled and reported', async () => {
    const { st, csms, clock, cost, terminal, settlements } = await withTerminal({ 'TxCtrlr.TxStartPoint': 'Authorized', 'TxCtrlr.EVConnectionTimeOut': '30' });
    cost.total = 0;
    const r = await st.presentPaymentCard();
    await clock.advance(31_000);
    await csms.until(() => settlements().length === 1);
    assert.deepEqual(csms.txEvents.map(brief), ['Started(Authorized,Idle)', 'Ended(EVConnectTimeout,Idle,Timeout)']);
    assert.deepEqual(settlements()[0], { transactionId: csms.txEvents[0]!.transactionInfo.transactionId, pspRef: r.pspRef, status: 'Canceled', settlementAmount: 0, settlementTime: '2025-01-01T00:00:30.000Z' });
    assert.equal(terminal.payments.get(r.pspRef!)!.state, 'Canceled');
  });
});

describe('C21 / C22 settlement (2.1)', () => {
  async function chargeAndEnd(variables: Record<string, string>, total: number, replies: Record<string, (req: any) => any> = {}, card = {}) {
    const h = await withTerminal(variables, replies);
    h.cost.total = total;
    const r = await h.st.presentPaymentCard(card);
    h.st.plugIn(1, 1);
    await h.clock.advance(10 * MIN);
    return { ...h, pspRef: r.pspRef!, txId: h.csms.txEvents[0]!.transactionInfo.transactionId };
  }

  test('C21.FR.01 C21.FR.02 C21.FR.04 C18.FR.08 the terminal settles the total cost; NotifySettlement Settled with the terminal receipt and the validated VAT number', async () => {
    const company = { name: 'ACME BV', address1: 'Main Street 1', city: 'Arnhem', country: 'NL' };
    const h = await chargeAndEnd({}, 12.34, { VatNumberValidation: (req: OcppTypes.VatNumberValidationRequest) => ({ vatNumber: req.vatNumber, evseId: req.evseId, status: 'Accepted', company }) });
    const vat = await h.st.validateVatNumber('NL123456789B01', 1);
    assert.deepEqual(h.csms.of('VatNumberValidation'), [{ vatNumber: 'NL123456789B01', evseId: 1 }]);
    assert.equal(vat?.status, 'Accepted');
    h.st.unplug(1);
    await h.csms.until(() => h.settlements().length === 1);
    const p = h.terminal.payments.get(h.pspRef)!;
    assert.deepEqual([p.state, p.settledAmount], ['Settled', 12.34]);
    assert.deepEqual(h.settlements()[0], {
      transactionId: h.txId, pspRef: h.pspRef, settlementTime: '2025-01-01T00:10:00.000Z', vatNumber: 'NL123456789B01', vatCompany: company,
      status: 'Settled', settlementAmount: 12.34, receiptId: p.receiptId, receiptUrl: p.receiptUrl,
    });
    await settle();
    assert.equal(paymentDisplay(h.st).display.get(1), `Paid 12.34; receipt: ${p.receiptUrl}`);
  });

  test('C21.FR.02 ReceiptByCSMS: NotifySettlement without receipt fields; the receiptUrl of the response is shown', async () => {
    const h = await chargeAndEnd({ 'PaymentCtrlr.ReceiptByCSMS': 'true' }, 3.5, { NotifySettlement: () => ({ receiptUrl: 'https://csms.example/receipt/1', receiptId: 'R1' }) });
    h.st.unplug(1);
    await h.csms.until(() => h.settlements().length === 1);
    const s = h.settlements()[0]!;
    assert.deepEqual([s.status, s.settlementAmount, s.receiptUrl, s.receiptId], ['Settled', 3.5, undefined, undefined]);
    await settle();
    assert.equal(paymentDisplay(h.st).display.get(1), 'Paid 3.5; receipt: https://csms.example/receipt/1');
  });

  test('C21.FR.06 C21.FR.07 SettlementByCSMS: the terminal does not settle, no NotifySettlement; ReceiptServerUrl is shown', async () => {
    const h = await chargeAndEnd({ 'PaymentCtrlr.SettlementByCSMS': 'true', 'PaymentCtrlr.ReceiptServerUrl': 'https://receipts.cso.example' }, 9);
    h.st.unplug(1);
    await h.clock.advance(MIN);
    assert.deepEqual([h.settlements().length, h.terminal.payments.get(h.pspRef)!.state], [0, 'Authorized']);
    assert.equal(paymentDisplay(h.st).display.get(1), 'Total 9; receipt: https://receipts.cso.example');
  });

  test('C22.FR.01 the PSP rejects the settlement: NotifySettlement Rejected without receipt information', async () => {
    const h = await chargeAndEnd({}, 4.2, {}, { settlement: 'Rejected' });
    h.st.unplug(1);
    await h.csms.until(() => h.settlements().length === 1);
    const { receiptId, receiptUrl, ...rest } = h.settlements()[0]!;
    assert.deepEqual([receiptId, receiptUrl], [undefined, undefined]);
    assert.deepEqual(rest, { transactionId: h.txId, pspRef: h.pspRef, settlementTime: '2025-01-01T00:10:00.000Z', status: 'Rejected', settlementAmount: 4.2, statusInfo: 'settlement rejected by the payment service provider' });
  });

  test('C22.FR.02 the terminal cannot reach its PSP: NotifySettlement Failed without receipt information', async () => {
    const h = await chargeAndEnd({}, 4.2);
    h.terminal.pspOnline = false;
    h.st.unplug(1);
    await h.csms.until(() => h.settlements().length === 1);
    const s = h.settlements()[0]!;
    assert.deepEqual([s.status, s.settlementAmount, s.transactionId, s.pspRef, s.receiptUrl, s.receiptId], ['Failed', 4.2, h.txId, h.pspRef, undefined, undefined]);
    assert.equal(h.terminal.payments.get(h.pspRef)!.state, 'Authorized', 'the reservation stays for a later capture (C22 remarks)');
  });

  test('C21.FR.01 without totalCost in the Ended response the last running cost is settled', async () => {
    const h = await withTerminal();
    const r = await h.st.presentPaymentCard();
    h.st.plugIn(1, 1);
    await settle();
    await h.csms.call('CostUpdated', { totalCost: 2.75, transactionId: h.csms.txEvents[0]!.transactionInfo.transactionId });
    h.st.unplug(1);
    await h.csms.until(() => h.settlements().length === 1);
    assert.deepEqual([h.settlements()[0]!.status, h.settlements()[0]!.settlementAmount, h.settlements()[0]!.pspRef], ['Settled', 2.75, r.pspRef]);
  });

  test('C21.FR.01 I07.FR.14 E16.FR.16 a local default tariff priced the transaction: the terminal settles the station\'s own total, not the CSMS\'s cost updates or totalCost', async () => {
    const h = await withTerminal({ 'TariffCostCtrlr.Enabled[RunningCost]': 'false' });
    h.cost.total = 9.99; // what the CSMS answers to the Ended event: ignored
    await h.csms.call('SetDefaultTariff', { evseId: 0, tariff: { tariffId: 'T-LOCAL', currency: 'EUR', energy: { prices: [{ priceKwh: 0.5 }], taxRates: [{ type: 'VAT', tax: 20 }] } } });
    const r = await h.st.presentPaymentCard();
    h.st.plugIn(1, 1, { powerW: 6000 });
    await settle();
    const txId = h.csms.txEvents[0]!.transactionInfo.transactionId;
    await h.csms.call('CostUpdated', { totalCost: 7.5, transactionId: txId }); // a CSMS running cost: not used either
    await h.clock.advance(10 * 60_000); // 1 kWh at 0.50 + 20 % VAT
    h.st.unplug(1);
    await h.csms.until(() => h.settlements().length === 1);
    const ended = h.csms.txEvents.find((e) => e.eventType === 'Ended')!;
    assert.equal(ended.transactionInfo.tariffId ?? h.csms.txEvents[0]!.transactionInfo.tariffId, 'T-LOCAL');
    assert.deepEqual(ended.costDetails?.totalCost.total, { exclTax: 0.5, inclTax: 0.6 });
    const s = h.settlements()[0]!;
    assert.deepEqual([s.status, s.settlementAmount, s.pspRef, s.transactionId], ['Settled', 0.6, r.pspRef, txId]);
    assert.equal(h.terminal.payments.get(r.pspRef!)!.settledAmount, 0.6);
  });
});

describe('C23 incremental authorization (2.1)', () => {
  const INC = { 'PaymentCtrlr.AuthorizationAmount': '30', 'PaymentCtrlr.IncrementalAuthorizationAmount': '20', 'PaymentCtrlr.IncrementalAuthorizationThreshold': '5' };

  test('C23.FR.01 C23.FR.02 costs above the authorized amount minus the threshold: the terminal adds 20, Updated(LimitSet) with maxCost 50', async () => {
    const h = await withTerminal(INC);
    const r = await h.st.presentPaymentCard();
    h.st.plugIn(1, 1);
    await settle();
    const txId = h.csms.txEvents[0]!.transactionInfo.transactionId;
    await h.csms.call('CostUpdated', { totalCost: 25, transactionId: txId });
    await settle();
    assert.equal(h.terminal.payments.get(r.pspRef!)!.authorized, 30, 'not above 30 - 5');
    await h.csms.call('CostUpdated', { totalCost: 25.5, transactionId: txId });
    await settle();
    assert.equal(h.terminal.payments.get(r.pspRef!)!.authorized, 50);
    const last = h.csms.txEvents.at(-1)!;
    assert.deepEqual([brief(last), last.transactionInfo.transactionLimit], ['Updated(LimitSet,Charging)', { maxCost: 50 }]);
    await h.csms.call('CostUpdated', { totalCost: 40, transactionId: txId });
    await settle();
    assert.equal(h.csms.txEvents.at(-1), last, 'below 50 - 5: nothing');
    assert.ok(h.st.state().evses[0]!.powerW > 0);
  });

  test('C23.FR.01 running cost in a TransactionEventResponse; a declined increment leaves maxCost, which then stops energy (C23 remarks)', async () => {
    let running: number | undefined;
    const h = await withTerminal({ ...INC, 'SampledDataCtrlr.TxUpdatedInterval': '60' }, { TransactionEvent: () => (running !== undefined ? { totalCost: running } : {}) });
    const r = await h.st.presentPaymentCard({ available: 40 });
    h.st.plugIn(1, 1);
    await settle();
    running = 26;
    await h.clock.advance(MIN);
    await settle();
    assert.equal(h.terminal.payments.get(r.pspRef!)!.authorized, 30, 'declined: only 40 available');
    assert.equal(paymentDisplay(h.st).display.get(1), 'Authorization not increased: insufficient funds');
    assert.ok(!h.csms.txEvents.some((e) => e.triggerReason === 'LimitSet'));
    running = 30;
    await h.clock.advance(MIN);
    assert.equal(brief(h.csms.txEvents.at(-1)!), 'Updated(CostLimitReached,SuspendedEVSE)');
  });
});

describe('ad hoc payment scenario steps (2.1)', () => {
  test('C18.FR.03 C19.FR.01 scenario steps card / cancelPayment drive the terminal', async () => {
    const { st, csms, terminal } = await withTerminal();
    const r = await runScenario(st, { steps: [
      { card: { evse: 1, decline: true, expect: 'Declined' } },
      { card: { evse: 1, pan: '4000056655665556', expect: 'Accepted' } },
      { cancelPayment: { evse: 1 } },
    ] });
    assert.deepEqual(r.failures, []);
    assert.deepEqual([...terminal.payments.values()].map((p) => [p.card.pan.slice(-4), p.state]), [['5556', 'Canceled']]);
    assert.equal(csms.txEvents.length, 0);
  });
});
