// OCPP 2.0.1 Part 6 (with the 2025-09 errata), block C station test cases for ISO 15118 Plug & Charge (C07):
// TC_C_50_CS … TC_C_55_CS, replayed by a scripted CSMS in the OCTT's role. The EV presents its contract on
// plug-in (EVConnectedPreSession); memory state "CertificatesInstalled for V2GRootCertificate / MORootCertificate"
// is reached with InstallCertificate. Each test asserts the TC's tool validations and post-scenario checks.
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

const EMAID = 'NLCWTC000000501';
const eMAID = { idToken: EMAID, type: 'eMAID' };
// TxStartPoint contains EVConnected and Authorized: the plug-in starts the transaction, the authorization is an Updated event.
const TX = { ...QUIET, 'TxCtrlr.TxStartPoint': 'EVConnected,Authorized', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized', 'AuthCtrlr.DisableRemoteAuthorization': 'false' };
const PNC = { ...TX, 'ISO15118Ctrlr.PnCEnabled': 'true' };
type Answer = { status: OcppTypes.AuthorizationStatusEnumType; certificateStatus: OcppTypes.AuthorizeCertificateStatusEnumType };
const charging = (st: { state(): { evses: { powerW: number }[] } }) => st.state().evses[0]!.powerW > 0;
/** Post-scenario validation of the refused cases: no TransactionEvent with triggerReason Authorized or chargingState Charging. */
const notAuthorized = (events: OcppTypes.TransactionEventRequest[]) => !events.some((e) => e.triggerReason === 'Authorized' || e.transactionInfo.chargingState === 'Charging');

for (const version of VERSIONS) {
  describe(`Part 6 block C station test cases, ISO 15118 Plug & Charge (${version})`, () => {
    async function setup(variables: Record<string, string>, o: { roots: boolean; answer?: Answer }) {
      const clock = new ManualClock(Date.now() + 60_000);
      const answer = o.answer ?? { status: 'Accepted', certificateStatus: 'Accepted' };
      const h = await harness({
        version, clock, variables, evPowerW: 11_000,
        replies: {
          Authorize: () => ({ idTokenInfo: { status: answer.status }, certificateStatus: answer.certificateStatus }),
          TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Accepted' } } : {}),
        },
      });
      if (o.roots) {
        for (const [certificateType, certificate] of [['V2GRootCertificate', pki.v2gRoot], ['MORootCertificate', pki.moRoot]] as const) {
          assert.equal((await h.csms.call('InstallCertificate', { certificateType, certificate })).status, 'Accepted');
        }
      }
      h.csms.clear();
      return { ...h, clock };
    }

    /** EVConnectedPreSession with an ISO 15118 EV, then its contract authorization (Authorized15118). */
    async function plugInPnc(h: Awaited<ReturnType<typeof setup>>) {
      const r = await h.st.plugIn(1, 1, { contractCertificate: pki.contract(EMAID).chain });
      await settle();
      return r!;
    }

    const LOCAL = { ...PNC, 'ISO15118Ctrlr.CentralContractValidationAllowed': 'false' };
    const CENTRAL = { ...PNC, 'ISO15118Ctrlr.CentralContractValidationAllowed': 'true' };

    test('TC_C_50_CS C07.FR.01 C07.FR.02 online, local contract certificate validation, Accepted: Authorize(eMAID + hash data), Authorized, EnergyTransferStarted', async () => {
      const h = await setup(LOCAL, { roots: true });
      assert.equal((await plugInPnc(h)).status, 'Accepted');
      const auth = h.csms.of('Authorize');
      assert.equal(auth.length, 1);
      // Step 1: idToken.type eMAID (idToken = CN of the contract certificate, errata 2024-11), hash data provided
      assert.deepEqual(auth[0]!.idToken, eMAID);
      assert.ok(auth[0]!.iso15118CertificateHashData!.length >= 1);
      // Steps 3-5: TransactionEvent with triggerReason Authorized, answered Accepted; energy transfer starts
      const ev = h.csms.txEvents.find((e) => e.triggerReason === 'Authorized')!;
      assert.deepEqual([ev.eventType, ev.idToken], ['Updated', eMAID]);
      assert.ok(charging(h.st));
      assert.ok(h.csms.txEvents.some((e) => e.transactionInfo.chargingState === 'Charging'), JSON.stringify(sequence(h.csms)));
    });

    test('TC_C_51_CS C07.FR.01 C07.FR.02 online, local validation, Authorize answered Invalid / ContractCancelled: not authorized, no charging', async () => {
      const h = await setup(LOCAL, { roots: true, answer: { status: 'Invalid', certificateStatus: 'ContractCancelled' } });
      const r = await plugInPnc(h);
      await h.clock.advance(30_000);
      assert.deepEqual([r.status, r.certificateStatus], ['Invalid', 'ContractCancelled']);
      const auth = h.csms.of('Authorize');
      assert.deepEqual([auth.length, auth[0]!.idToken.type, (auth[0]!.iso15118CertificateHashData?.length ?? 0) > 0], [1, 'eMAID', true]);
      assert.ok(notAuthorized(h.csms.txEvents), JSON.stringify(sequence(h.csms)));
      assert.ok(!charging(h.st));
    });

    test('TC_C_52_CS C07.FR.01 C07.FR.02 C07.FR.06 online, root not installed, central validation: Authorize with certificate, Authorized, EnergyTransferStarted', async () => {
      const h = await setup(CENTRAL, { roots: false });
      assert.equal((await plugInPnc(h)).status, 'Accepted');
      const auth = h.csms.of('Authorize');
      // Step 1: idToken.type eMAID, certificate provided (hash data may be provided)
      assert.deepEqual([auth.length, auth[0]!.idToken.type], [1, 'eMAID']);
      assert.match(auth[0]!.certificate!, /^-----BEGIN CERTIFICATE-----/);
      // Step 3: triggerReason Authorized
      assert.deepEqual(h.csms.txEvents.filter((e) => e.triggerReason === 'Authorized').map((e) => e.idToken), [eMAID]);
      assert.ok(charging(h.st));
    });

    test('TC_C_53_CS online, root not installed, central validation fails (Invalid / CertificateRevoked): not authorized, no charging', async () => {
      const h = await setup(CENTRAL, { roots: false, answer: { status: 'Invalid', certificateStatus: 'CertificateRevoked' } });
      const r = await plugInPnc(h);
      await h.clock.advance(30_000);
      assert.deepEqual([r.status, r.certificateStatus], ['Invalid', 'CertificateRevoked']);
      const auth = h.csms.of('Authorize');
      assert.deepEqual([auth.length, auth[0]!.idToken.type, typeof auth[0]!.certificate], [1, 'eMAID', 'string']);
      assert.ok(notAuthorized(h.csms.txEvents), JSON.stringify(sequence(h.csms)));
      assert.ok(!charging(h.st));
    });

    // TC_C_54/55: memory state IdTokenCached15118 (errata 2025-04: a PnC session authorized online: ParkingBayOccupied,
    // EVConnectedPreSession, Authorized15118) and IdTokenLocalAuthList; the OCTT drops the connection, the EV plugs
    // in, the OCTT accepts the reconnect.
    async function offlineSession(validationOffline: boolean) {
      const h = await setup({
        ...PNC, 'ISO15118Ctrlr.ContractValidationOffline': String(validationOffline), 'AuthCacheCtrlr.Enabled': 'true', 'LocalAuthListCtrlr.Enabled': 'true',
        'AuthCtrlr.OfflineTxForUnknownIdEnabled': validationOffline ? 'true' : 'false', 'AuthCtrlr.LocalAuthorizeOffline': 'true',
        'OCPPCommCtrlr.RetryBackOffRandomRange': '0',
      }, { roots: true });
      assert.equal((await h.csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [{ idToken: eMAID as OcppTypes.IdTokenType, idTokenInfo: { status: 'Accepted' } }] })).status, 'Accepted');
      assert.equal((await plugInPnc(h)).status, 'Accepted'); // IdTokenCached15118
      assert.equal(h.st.auth.fromCache(eMAID as OcppTypes.IdTokenType, h.st.clock.now(), 86400)?.status, 'Accepted');
      h.st.unplug(1);
      await settle();
      // Step 1: the OCTT closes the WebSocket connection; manual action: connect the EV and EVSE.
      await h.st.goOffline();
      const r = await h.st.plugIn(1, 1, { contractCertificate: pki.contract(EMAID).chain });
      await settle();
      h.csms.clear();
      // Step 2: the reconnection is accepted.
      await h.st.goOnline();
      await h.csms.until(() => h.csms.txEvents.length >= (validationOffline ? 2 : 1));
      await h.clock.advance(30_000);
      return { ...h, r: r! };
    }

    test('TC_C_54_CS C07.FR.08 C07.FR.09 C07.FR.10 C07.FR.11 C07.FR.12 offline, ContractValidationOffline true: authorized offline, reported offline after the reconnect', async () => {
      const h = await offlineSession(true);
      assert.deepEqual([h.r.status, h.r.offline, h.r.authorizeSent], ['Accepted', true, false]);
      // Step 3: StatusNotification Occupied
      assert.ok(h.csms.of('StatusNotification').some((s) => s.connectorStatus === 'Occupied'), JSON.stringify(sequence(h.csms)));
      // Step 5: CablePluggedIn, EVConnected, offline; step 7: Authorized, offline (answered Accepted)
      const plugged = h.csms.txEvents.find((e) => e.triggerReason === 'CablePluggedIn')!;
      assert.deepEqual([plugged.eventType, plugged.transactionInfo.chargingState, plugged.offline], ['Started', 'EVConnected', true]);
      const auth = h.csms.txEvents.find((e) => e.triggerReason === 'Authorized')!;
      assert.deepEqual([auth.idToken, auth.offline], [eMAID, true]);
      assert.equal(h.csms.of('Authorize').length, 0);
      // Step 9: EnergyTransferStarted
      assert.ok(charging(h.st));
      assert.ok(h.csms.txEvents.some((e) => e.transactionInfo.chargingState === 'Charging'));
    });

    test('TC_C_55_CS C07.FR.07 offline, ContractValidationOffline false: not authorized, no charging, only the offline CablePluggedIn event', async () => {
      const h = await offlineSession(false);
      assert.notEqual(h.r.status, 'Accepted');
      assert.ok(h.csms.of('StatusNotification').some((s) => s.connectorStatus === 'Occupied'), JSON.stringify(sequence(h.csms)));
      const plugged = h.csms.txEvents.find((e) => e.triggerReason === 'CablePluggedIn')!;
      assert.deepEqual([plugged.eventType, plugged.transactionInfo.chargingState, plugged.offline], ['Started', 'EVConnected', true]);
      // Step 7 / post scenario: no TransactionEvent with Authorized or ChargingStateChanged / Charging
      assert.ok(notAuthorized(h.csms.txEvents), JSON.stringify(sequence(h.csms)));
      assert.ok(!h.csms.txEvents.some((e) => e.triggerReason === 'ChargingStateChanged'));
      assert.ok(!charging(h.st));
    });
  });
}
