// Block C ad hoc payments, station side (OCPP 2.1 only): C24 stand-alone payment terminal and C25 web payment via a
// (dynamic) QR code (web-payment-qr.ts, blocks/payments.ts); under OCPP 2.0.1 none of it exists (last describe block).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { settle } from '../clock.ts';
import { harness } from '../testing/harness.ts';
import { paymentDisplay } from '../blocks/payments.ts';
import { verifyTotpV1 } from '../web-payment-qr.ts';
import { MIN, POINTS, brief, withTerminal, type Ev } from './payment-fixtures.ts';

describe('C24 / C25 remote start after an external payment (2.1)', () => {
  test('C24.FR.03 C24.FR.04 C25.FR.25 C25.FR.26 RequestStartTransaction with a DirectPayment idToken: the Started response limit is reported once and enforced (E16); the station does not settle', async () => {
    const { st, csms } = await withTerminal({}, { TransactionEvent: (req: Ev) => (req.eventType === 'Started' ? { transactionLimit: { maxCost: 25 } } : req.eventType === 'Ended' ? { totalCost: 25 } : {}) });
    st.plugIn(1, 1);
    await settle();
    const idToken = { idToken: 'PSP-KIOSK-1', type: 'DirectPayment', additionalInfo: [{ type: 'CardLast4Digits', additionalIdToken: '1234' }] };
    assert.equal((await csms.call('RequestStartTransaction', { idToken, remoteStartId: 3, evseId: 1 })).status, 'Accepted');
    await csms.until(() => csms.txEvents.some((e) => e.triggerReason === 'LimitSet'));
    const withLimit = csms.txEvents.filter((e) => e.transactionInfo.transactionLimit);
    assert.deepEqual(withLimit.map((e) => [brief(e), e.transactionInfo.transactionLimit]), [['Updated(LimitSet,Charging)', { maxCost: 25 }]]);
    assert.deepEqual(csms.txEvents[0]!.idToken, idToken);
    await csms.call('CostUpdated', { totalCost: 25, transactionId: csms.txEvents[0]!.transactionInfo.transactionId });
    await settle();
    assert.equal(brief(csms.txEvents.at(-1)!), 'Updated(CostLimitReached,SuspendedEVSE)');
    st.unplug(1);
    await settle();
    assert.equal(csms.of('NotifySettlement').length, 0, 'C24.FR.10 / C25.FR.40: the CSMS settles');
  });
});

/** TOTP v1 straight from the C# listing of Part 2 (an independent check of web-payment-qr.ts). */
function referenceTotp(secret: string, validity: number, length: number, nowMs: number): string {
  const base62 = '0123456789abcdefghijklmnpqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const timeBytes = Buffer.alloc(8);
  timeBytes.writeBigUInt64BE(BigInt(Math.trunc(nowMs / 1000 / validity)));
  const hash = createHmac('sha256', secret).update(timeBytes).digest();
  const offset = hash[hash.length - 1]! & 0x0f;
  return Array.from({ length }, (_, i) => base62[hash[(offset + i) % hash.length]! % base62.length]).join('');
}

describe('C25 web payment via QR code (2.1)', () => {
  const WEB = { web: true };
  const setVar = (csms: any, component: object, variable: string, attributeValue: string) =>
    csms.call('SetVariables', { setVariableData: [{ component, variable: { name: variable }, attributeValue }] }).then((r: any) => r.setVariableResult[0]);

  test('C25.FR.01 C25.FR.51 C25.FR.52 the dynamic QR code: identity, EVSE, TOTP v1 of WebPaymentsCtrlr (ValidityTime, Length, SharedSecret) and version', async () => {
    const { st, clock } = await withTerminal({ 'WebPaymentsCtrlr.SharedSecret': 's3cret', 'WebPaymentsCtrlr.Length': '10' }, {}, WEB);
    const url = st.scanQr(1);
    const totp = referenceTotp('s3cret', 30, 10, clock.now());
    assert.equal(url, `https://qr.chargewire.example/CS001/1/${totp}/v1`);
    await clock.advance(30_000);
    const next = st.scanQr(1);
    assert.notEqual(next, url, 'a new TOTP every ValidityTime');
    assert.ok(verifyTotpV1(totp, 's3cret', 30, clock.now()), 'the previous interval still validates (Validation of TOTP)');
    assert.ok(!verifyTotpV1(totp, 's3cret', 30, clock.now() + 60_000));
    st.dm.setInternal({ name: 'WebPaymentsCtrlr' }, { name: 'Enabled' }, 'false');
    assert.throws(() => st.scanQr(1), /not Enabled/);
  });

  test('C25.FR.01 a station without WebPaymentsCtrlr shows no dynamic QR code; the SharedSecret is random per station', async () => {
    const plain = await withTerminal();
    assert.throws(() => plain.st.scanQr(1), /WebPaymentsCtrlr absent/);
    const a = await withTerminal({}, {}, WEB);
    const b = await withTerminal({}, {}, WEB);
    const secret = (h: typeof a) => h.st.dm.value({ name: 'WebPaymentsCtrlr' }, { name: 'SharedSecret' });
    assert.ok(secret(a)!.length >= 16 && secret(a) !== secret(b));
  });

  test('C25.FR.50 C25.FR.51 C25.FR.53 URLTemplate must have the placeholders; ChargingStationId and the EVSE RoamingEvseId fill it', async () => {
    const { st, csms } = await withTerminal({}, {}, WEB);
    const cs = { name: 'WebPaymentsCtrlr' };
    assert.deepEqual([(await setVar(csms, cs, 'URLTemplate', 'https://qr.example/{chargingstationid}/{version}')).attributeStatus], ['Rejected']);
    assert.equal((await setVar(csms, cs, 'URLTemplate', 'https://qr.example/{totp}/{version}')).attributeStatusInfo.reasonCode, 'InvalidValue');
    assert.equal((await setVar(csms, cs, 'URLTemplate', 'https://qr.example/{roamingevseid}/{totp}/{version}?cs={chargingstationid}')).attributeStatus, 'Accepted');
    assert.equal((await setVar(csms, { name: 'WebPaymentsCtrlr', evse: { id: 1 } }, 'RoamingEvseId', 'NL*CWR*E0001*1')).attributeStatus, 'Accepted');
    assert.equal((await setVar(csms, cs, 'ChargingStationId', 'CW-QR-1')).attributeStatus, 'Accepted');
    assert.match(st.scanQr(1), /^https:\/\/qr\.example\/NL\*CWR\*E0001\*1\/[0-9a-zA-Z]{8}\/v1\?cs=CW-QR-1$/);
  });

  test('C25.FR.03 C25.FR.04 C25.FR.05 C25.FR.06 C25.FR.56 C25.FR.57 C25.FR.58 the driver limits go into the URL and into the transaction (maxEnergy enforced)', async () => {
    const { st, csms, clock } = await withTerminal({ 'WebPaymentsCtrlr.SharedSecret': 'k' }, {}, WEB);
    const url = st.scanQr(1, { maxTime: 3600, maxEnergy: 1000, maxCost: 15 });
    assert.ok(url.endsWith('?maxenergy=1000&maxtime=3600&maxcost=15'), url);
    st.plugIn(1, 1, { powerW: 6000 });
    await settle();
    await csms.call('RequestStartTransaction', { idToken: { idToken: 'PSP-WEB-1', type: 'DirectPayment' }, remoteStartId: 9, evseId: 1 });
    await settle();
    const started = csms.txEvents[0]!;
    assert.deepEqual([started.eventType, started.triggerReason, started.idToken?.idToken, started.transactionInfo.transactionLimit], ['Started', 'RemoteStart', 'PSP-WEB-1', { maxTime: 3600, maxEnergy: 1000, maxCost: 15 }]);
    assert.equal(csms.txEvents.filter((e) => e.transactionInfo.transactionLimit).length, 1, 'once');
    await clock.advance(10 * MIN);
    assert.equal(brief(csms.txEvents.at(-1)!), 'Updated(EnergyLimitReached,SuspendedEVSE)', '1000 Wh at 6 kW');
  });

  test('C25.FR.03 only the URLParameters the station offers can be entered', async () => {
    const { st } = await withTerminal({ 'WebPaymentsCtrlr.URLParameters': 'maxtime' }, {}, WEB);
    assert.throws(() => st.scanQr(1, { maxEnergy: 1000 }), /maxenergy is not supported/);
    assert.match(st.scanQr(1, { maxTime: 600 }), /\?maxtime=600$/);
  });

  test('C25.FR.27 C25.FR.22 NotifyWebPaymentStarted: empty response, feedback, EVSE held for timeout or until RequestStartTransaction', async () => {
    const { st, csms, clock } = await withTerminal({ 'TxCtrlr.EVConnectionTimeOut': '600' }, {}, { terminal: true, web: true });
    assert.deepEqual(await csms.call('NotifyWebPaymentStarted', { evseId: 1, timeout: 60 }), {});
    assert.equal(paymentDisplay(st).display.get(1), 'QR code scanned: complete the payment on your phone');
    assert.deepEqual(await st.presentToken('RFID1', 'ISO14443', 1), { status: 'WebPaymentPending', evseId: 1 });
    assert.equal((await st.presentPaymentCard({}, 1)).status, 'WebPaymentPending');
    assert.equal(csms.of('Authorize').length, 0);
    await clock.advance(60_000);
    assert.equal((await st.presentToken('RFID1', 'ISO14443', 1)).status, 'Accepted', 'free again after timeout');
    await csms.call('NotifyWebPaymentStarted', { evseId: 2, timeout: 60 }); // no EVSE 2: answered, nothing held
    const h2 = await withTerminal({}, {}, WEB);
    await h2.csms.call('NotifyWebPaymentStarted', { evseId: 1, timeout: 300 });
    await h2.csms.call('RequestStartTransaction', { idToken: { idToken: 'PSP-WEB-2', type: 'DirectPayment' }, remoteStartId: 1, evseId: 1 });
    await settle();
    assert.equal(h2.st.evse(1).auth?.idToken.idToken, 'PSP-WEB-2', 'the remote start is not held and ends the hold');
  });
});

describe('ad hoc payments under OCPP 2.0.1', () => {
  test('C18 C25 do not exist in 2.0.1: the payment actions are refused, NotifyWebPaymentStarted is NotImplemented', async () => {
    const { st, csms } = await harness({ version: '2.0.1', payments: { terminal: true, web: true }, variables: POINTS });
    assert.equal((await st.presentPaymentCard()).status, 'NotSupported');
    assert.throws(() => st.scanQr(1), /OCPP 2\.1/);
    await assert.rejects(st.validateVatNumber('NL1'), /OCPP 2\.1/);
    // The CSMS library refuses to send a 2.1 action on a 2.0.1 connection; a raw frame reaches the station's endpoint.
    await assert.rejects(csms.call('NotifyWebPaymentStarted' as any, { evseId: 1, timeout: 10 }), /not an OCPP 2\.0\.1 action/);
    const transport = (csms.endpoint as any).transport;
    transport.send('[2,"w1","NotifyWebPaymentStarted",{"evseId":1,"timeout":10}]');
    await settle();
    const answer = JSON.parse(transport.peer.sent.at(-1));
    assert.deepEqual(answer.slice(0, 3), [4, 'w1', 'NotImplemented']);
    assert.equal(await st.presentToken('RFID1', 'ISO14443', 1).then((r) => r.status), 'Accepted', 'no EVSE held');
    assert.deepEqual(csms.received.filter((r) => ['NotifySettlement', 'VatNumberValidation'].includes(r.action) || r.payload.idToken?.type === 'DirectPayment'), []);
  });
});
