// OCPP 2.0.1 Part 6 (with the 2025-09 errata), block E station test cases with an ISO 15118 EV (high-level
// communication), replayed by a scripted CSMS in the OCTT's role, 2.1 and 2.0.1:
// TC_E_46_CS End of charging process 15118 (E15: SessionStopReq(Terminate) from the EV, both TxStopPoint branches)
// and TC_E_54_CS the EV-side disconnect of an EV with high-level communication in state EnergyTransferSuspended.
// Reusable states: EVConnectedPreSession (the EV plugs in with its contract), Authorized15118 (errata 2025-04: here
// Plug & Charge, C07, or EIM at the station's HMI), EnergyTransferStarted.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { ManualClock, settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { makeContractPki, type ContractPki } from '../testing/contract-pki.ts';
import { QUIET, sequence } from './sequence.ts';

let pki: ContractPki;
before(() => { pki = makeContractPki(); });
after(() => pki.cleanup());

type Ev = OcppTypes.TransactionEventRequest;
const EMAID = 'NLCWTC000004601';
/** eventType, triggerReason, chargingState, stoppedReason of a TransactionEvent. */
const brief = (e: Ev): string[] => [e.eventType, e.triggerReason, e.transactionInfo.chargingState ?? '', e.transactionInfo.stoppedReason ?? ''];

for (const version of VERSIONS) {
  describe(`Part 6 block E station test cases, ISO 15118 EV (${version})`, () => {
    /** Up to EnergyTransferStarted with an ISO 15118 EV authorized by `method`; the CSMS log is cleared. */
    async function energyTransferStarted(stop: string, method: 'PnC' | 'EIM', more: Record<string, string> = {}) {
      const clock = new ManualClock(Date.now() + 60_000); // the test contract certificates are valid from now
      const h = await harness({
        version, clock, evPowerW: 11_000,
        variables: { ...QUIET, 'TxCtrlr.TxStartPoint': 'EVConnected,Authorized', 'TxCtrlr.TxStopPoint': stop, 'ISO15118Ctrlr.PnCEnabled': 'true', ...more },
        replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Accepted' } } : {}) },
      });
      for (const [certificateType, certificate] of [['V2GRootCertificate', pki.v2gRoot], ['MORootCertificate', pki.moRoot]] as const) {
        assert.equal((await h.csms.call('InstallCertificate', { certificateType, certificate })).status, 'Accepted');
      }
      h.csms.clear();
      if (method === 'PnC') {
        // EVConnectedPreSession with the contract, then Authorized15118 (PnC): Authorize(eMAID) Accepted.
        const r = await h.st.plugIn(1, 1, { contractCertificate: pki.contract(EMAID).chain });
        assert.equal(r?.status, 'Accepted');
      } else {
        // EVConnectedPreSession, then Authorized15118 (EIM): the driver presents an idToken at the HMI.
        assert.equal(h.st.plugIn(1, 1), undefined);
        assert.equal((await h.st.presentToken('EIM15118')).status, 'Accepted');
      }
      await settle();
      assert.equal(h.csms.of('Authorize').length, 1, 'Authorized15118 step 1');
      assert.equal(h.st.state().evses[0]!.chargingState, 'Charging', JSON.stringify(sequence(h.csms)));
      const id = h.csms.txEvents[0]!.transactionInfo.transactionId;
      h.csms.clear();
      return { ...h, clock, id };
    }

    for (const method of ['PnC', 'EIM'] as const) {
      for (const stop of ['Authorized', 'PowerPathClosed', 'EnergyTransfer']) {
        test(`TC_E_46_CS E15.FR.04 (${method}) TxStopPoint ${stop}: SessionStopReq(Terminate) from the EV: Ended(StopAuthorized, StoppedByEV), chargingState EVConnected`, async () => {
          const h = await energyTransferStarted(stop, method);
          assert.equal(h.st.evStopSession(1), 'Ended');
          await settle();
          assert.deepEqual(h.csms.txEvents.map(brief), [['Ended', 'StopAuthorized', 'EVConnected', 'StoppedByEV']]);
          assert.equal(h.csms.txEvents[0]!.transactionInfo.transactionId, h.id);
          assert.deepEqual([h.st.state().evses[0]!.powerW, h.st.evse(1).tx], [0, undefined], 'no energy, no transaction');
          // Nothing more is sent for the same session: the EV is still plugged in (Occupied), no new transaction.
          h.csms.clear();
          assert.equal(h.st.evStopSession(1), 'None');
          await h.clock.advance(60_000);
          assert.deepEqual(sequence(h.csms).filter((s) => s.startsWith('TransactionEvent')), []);
        });
      }

      test(`TC_E_46_CS E15.FR.05 (${method}) TxStopPoint EVConnected: SessionStopReq(Terminate): Updated(StopAuthorized) with EVConnected; the unplug then ends it`, async () => {
        const h = await energyTransferStarted('EVConnected', method);
        assert.equal(h.st.evStopSession(1), 'Updated');
        await settle();
        assert.deepEqual(h.csms.txEvents.map(brief), [['Updated', 'StopAuthorized', 'EVConnected', '']]);
        assert.equal(h.st.state().evses[0]!.powerW, 0, 'the authorization ended: no energy');
        // The precondition "not yet sent a StopAuthorized" no longer holds: a second SessionStopReq sends nothing.
        assert.equal(h.st.evStopSession(1), 'None');
        await settle();
        assert.equal(h.csms.txEvents.length, 1);
        h.st.unplug(1);
        await settle();
        assert.deepEqual(h.csms.txEvents.map(brief).at(-1), ['Ended', 'EVCommunicationLost', 'Idle', 'StoppedByEV']);
        assert.deepEqual(h.csms.txEvents.map((e) => e.seqNo), [h.csms.txEvents[0]!.seqNo, h.csms.txEvents[0]!.seqNo + 1]);
      });
    }

    test('E15.FR.04 E15.FR.05 a StopAuthorized already sent (the driver stopped at the station): the SessionStopReq that follows sends nothing', async () => {
      const h = await energyTransferStarted('EVConnected', 'EIM');
      assert.equal((await h.st.presentToken('EIM15118')).status, 'Stopped');
      await settle();
      assert.deepEqual(h.csms.txEvents.map(brief), [['Updated', 'StopAuthorized', 'EVConnected', '']]);
      assert.equal(h.st.evStopSession(1), 'None');
      await settle();
      assert.equal(h.csms.txEvents.length, 1);
    });

    test('TC_E_54_CS E06.FR.02 E06.FR.15 TxStopPoint EVConnected, StopTxOnEVSideDisconnect false, ISO 15118 EV in EnergyTransferSuspended, EV-side disconnect: Ended(EVCommunicationLost, Idle, EVDisconnected)', async () => {
      const h = await energyTransferStarted('EVConnected', 'PnC', { 'TxCtrlr.StopTxOnEVSideDisconnect': 'false' });
      await h.clock.advance(30_000); // <Configured Transaction Duration>
      h.st.setPower(1, 0); // reusable state EnergyTransferSuspended: the EV suspends
      await settle();
      assert.deepEqual(h.csms.txEvents.map(brief), [['Updated', 'ChargingStateChanged', 'SuspendedEV', '']]);
      h.csms.clear();
      h.st.unplug(1); // Manual Action: disconnect on the EV side
      await settle();
      // Step 1: triggerReason EVCommunicationLost, chargingState Idle, stoppedReason StoppedByEV or EVDisconnected, Ended
      assert.deepEqual(h.csms.txEvents.map(brief), [['Ended', 'EVCommunicationLost', 'Idle', 'EVDisconnected']]);
      assert.equal(h.csms.txEvents[0]!.transactionInfo.transactionId, h.id);
    });
  });
}
