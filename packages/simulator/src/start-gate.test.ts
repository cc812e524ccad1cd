// The one gate of the authorization / transaction start entry points (start-gate.ts): the start button, a presented
// idToken, a payment card and RequestStartTransaction refuse the same EVSEs, except where the spec differs per path.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from './clock.ts';
import { harness, VERSIONS } from './testing/harness.ts';
import { QUIET } from './conformance/sequence.ts';
import { paymentTerminal } from './blocks/payments.ts';

const TWO = [{}, {}];
const inoperative = { operationalStatus: 'Inoperative' as const };

for (const version of VERSIONS) {
  describe(`start gate (${version})`, () => {
    test('C02.FR.01 F01.FR.23 the start button at a Faulted EVSE: refused, not authorized', async () => {
      const { st, csms } = await harness({ version, variables: { ...QUIET, 'TxCtrlr.TxStartPoint': 'Authorized' } });
      st.fault(1);
      await settle();
      const r = st.pressStartButton(1);
      await settle();
      assert.equal(st.evse(1).auth, undefined);
      assert.equal(csms.txEvents.length, 0, 'no transaction started by TxStartPoint Authorized');
      assert.deepEqual(r, { status: 'Faulted', evseId: 1 });
    });

    test('G03.FR.06 G04.FR.07 the start button and a presented idToken at an Unavailable EVSE or station: refused without Authorize', async () => {
      const { st, csms } = await harness({ version, evses: TWO, variables: { ...QUIET, 'TxCtrlr.TxStartPoint': 'Authorized' } });
      assert.equal((await csms.call('ChangeAvailability', { ...inoperative, evse: { id: 1 } })).status, 'Accepted');
      await settle();
      assert.deepEqual(await st.presentToken('TAG1', 'ISO14443', 1), { status: 'Unavailable', evseId: 1 });
      const r = st.pressStartButton(1);
      assert.equal(st.evse(1).auth, undefined);
      assert.deepEqual(r, { status: 'Unavailable', evseId: 1 });
      assert.equal(csms.of('Authorize').length, 0);
      assert.equal((await csms.call('ChangeAvailability', inoperative)).status, 'Accepted');
      await settle();
      const r2 = st.pressStartButton(2);
      assert.deepEqual(await st.presentToken('TAG1'), { status: 'NoEvseAvailable' }, 'no EVSE is picked at an Inoperative station');
      await settle();
      assert.deepEqual([st.evse(1).auth, st.evse(2).auth, csms.txEvents.length, csms.of('Authorize').length], [undefined, undefined, 0, 0]);
      assert.deepEqual(r2, { status: 'Unavailable', evseId: 2 });
    });

    test('C01.FR.23 the start button does not re-authorize a transaction that another idToken authorized and lost', async () => {
      const { st, csms } = await harness({ version, variables: { ...QUIET, 'TxCtrlr.TxStopPoint': 'EVConnected' } });
      st.plugIn(1, 1);
      assert.equal((await st.presentToken('TAG1')).status, 'Accepted');
      await settle();
      assert.equal((await st.presentToken('TAG1')).status, 'Stopped');
      await settle();
      assert.ok(st.evse(1).tx, 'TxStopPoint EVConnected: the transaction goes on without authorization');
      const before = csms.txEvents.length;
      const r = st.pressStartButton(1);
      await settle();
      assert.deepEqual([st.evse(1).auth, st.state().evses[0]!.chargingState, csms.txEvents.length], [undefined, 'EVConnected', before]);
      assert.deepEqual(r, { status: 'Occupied', evseId: 1 });
    });

    test('F01.FR.13 F01.FR.24 RequestStartTransaction on an EVSE whose transaction was never authorized: Accepted with its transactionId', async () => {
      const { st, csms } = await harness({ version, variables: { ...QUIET, 'TxCtrlr.TxStartPoint': 'EVConnected' } });
      st.plugIn(1, 1);
      await settle();
      const txId = st.evse(1).tx?.id;
      assert.ok(txId, 'TxStartPoint EVConnected: a transaction without authorization');
      const r = await csms.call('RequestStartTransaction', { idToken: { idToken: 'TAG2', type: 'ISO14443' }, evseId: 1, remoteStartId: 8 });
      assert.deepEqual([r.status, r.transactionId], ['Accepted', txId]);
    });

    test('F01.FR.20 F02.FR.22 F01.FR.23 RequestStartTransaction without evseId selects an EVSE that is not Faulted', async () => {
      const { st, csms } = await harness({ version, evses: TWO, variables: QUIET });
      st.fault(1);
      await settle();
      const r = await csms.call('RequestStartTransaction', { idToken: { idToken: 'TAG1', type: 'ISO14443' }, remoteStartId: 1 });
      await settle();
      assert.equal(r.status, 'Accepted');
      assert.deepEqual([st.evse(1).auth, st.evse(2).auth?.idToken.idToken], [undefined, 'TAG1']);
    });
  });
}

describe('start gate: web payments and payment cards (2.1)', () => {
  const opts = { version: '2.1' as const, evses: TWO, payments: { terminal: true, web: true }, variables: { ...QUIET, 'PaymentCtrlr.Enabled': 'true', 'WebPaymentsCtrlr.Enabled': 'true' } };

  test('C25.FR.22 the start button at an EVSE held for a web payment: refused (a local interaction)', async () => {
    const { st, csms } = await harness(opts);
    await csms.call('NotifyWebPaymentStarted', { evseId: 1, timeout: 60 });
    const r = st.pressStartButton(1);
    assert.equal(st.evse(1).auth, undefined);
    assert.deepEqual(r, { status: 'WebPaymentPending', evseId: 1 });
    assert.deepEqual(st.pressStartButton(2), { status: 'Accepted', evseId: 2 }, 'the other EVSE is not held');
  });

  test('C25.FR.22 an idToken presented without an EVSE is not given the EVSE held for a web payment', async () => {
    const { st, csms } = await harness(opts);
    await csms.call('NotifyWebPaymentStarted', { evseId: 1, timeout: 60 });
    assert.deepEqual(await st.presentToken('TAG1'), { status: 'Accepted', evseId: 2 });
    assert.equal(st.evse(1).auth, undefined);
  });

  test('C18.FR.01 C18.FR.02 a payment card for a Faulted or Unavailable EVSE is refused before the terminal reserves an amount', async () => {
    const { st, csms } = await harness(opts);
    st.fault(1);
    await settle();
    assert.deepEqual(await st.presentPaymentCard({}, 1), { status: 'Faulted', evseId: 1 });
    assert.equal((await csms.call('ChangeAvailability', { ...inoperative, evse: { id: 2 } })).status, 'Accepted');
    await settle();
    assert.deepEqual(await st.presentPaymentCard({}, 2), { status: 'Unavailable', evseId: 2 });
    assert.deepEqual(await st.presentPaymentCard({}), { status: 'NoEvseAvailable' });
    assert.equal(paymentTerminal(st)!.payments.size, 0, 'no amount reserved on the card');
  });
});
