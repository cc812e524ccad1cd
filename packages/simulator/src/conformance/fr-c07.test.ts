// C07 (Plug & Charge: authorization with an ISO 15118 contract certificate) and C08 (ISO 15118 External
// Identification Means), station side. The EV plugs in with its contract (Station.plugIn's ev option); the
// MO/V2G roots are installed through InstallCertificate (M05); throwaway certificates from testing/contract-pki.ts.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import type { OcppTypes } from '@chargewire/ocpp';
import { ManualClock, settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { makeContractPki, OCSP_URL, type ContractPki } from '../testing/contract-pki.ts';
import { pemBlocks } from '../x509.ts';
import { runScenario } from '../scenario.ts';
import { QUIET } from './sequence.ts';

let pki: ContractPki;
before(() => { pki = makeContractPki(); });
after(() => pki.cleanup());

const EMAID = 'NL-CWT-C12345678-9';
const eMAID = (id = EMAID) => ({ idToken: id, type: 'eMAID' as const });
const TX = { ...QUIET, 'TxCtrlr.TxStartPoint': 'Authorized,EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized' };
type Replies = Parameters<typeof harness>[0] extends infer O ? O extends { replies?: infer R } ? R : never : never;
type Setup = { variables?: Record<string, string>; replies?: Replies; roots?: boolean };
const authorized = (c: { txEvents: OcppTypes.TransactionEventRequest[] }) => c.txEvents.filter((e) => e.triggerReason === 'Authorized');
const charging = (st: { state(): { evses: { powerW: number }[] } }) => st.state().evses[0]!.powerW > 0;
const der = (pem: string) => new Uint8Array(pemBlocks(pem, 'CERTIFICATE')[0]!);
const sha256 = (b: Uint8Array | ArrayBuffer) => createHash('sha256').update(new Uint8Array(b)).digest('hex');

/** RFC 6960 CertID of `pem` issued by `issuer`, computed independently of the station's code. */
function certId(pem: string, issuer: string) {
  const c = pkijs.Certificate.fromBER(der(pem));
  const i = pkijs.Certificate.fromBER(der(issuer));
  return {
    issuerNameHash: sha256(c.issuer.toSchema().toBER(false)),
    issuerKeyHash: sha256(i.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView),
    serialNumber: new X509Certificate(der(pem)).serialNumber.toLowerCase().replace(/^0+(?=.)/, ''),
  };
}
const idOf = (d: OcppTypes.OCSPRequestDataType) => ({ issuerNameHash: d.issuerNameHash, issuerKeyHash: d.issuerKeyHash, serialNumber: d.serialNumber.toLowerCase() });

for (const version of VERSIONS) {
  describe(`C07/C08 ISO 15118 authorization, station side (${version})`, () => {
    /** A station at real time (the certificates were just made), optionally with the MO and V2G roots installed. */
    async function setup(o: Setup = {}) {
      const clock = new ManualClock(Date.now() + 60_000);
      const h = await harness({ version, clock, variables: { ...TX, ...o.variables }, ...(o.replies ? { replies: o.replies } : {}) });
      if (o.roots !== false) {
        for (const [certificateType, certificate] of [['V2GRootCertificate', pki.v2gRoot], ['MORootCertificate', pki.moRoot]] as const) {
          assert.equal((await h.csms.call('InstallCertificate', { certificateType, certificate })).status, 'Accepted');
        }
      }
      h.csms.clear();
      return { ...h, clock };
    }

    test('C07.FR.01 C07.FR.02 online, chain valid against the installed MO root: Authorize(eMAID, iso15118CertificateHashData), then the Authorized TransactionEvent', async () => {
      const { st, csms } = await setup();
      const c = pki.contract(EMAID);
      const r = await st.plugIn(1, 1, { contractCertificate: c.chain });
      await settle();
      assert.deepEqual(r, { evseId: 1, status: 'Accepted', authorizeSent: true });
      const [req, ...more] = csms.of('Authorize');
      assert.equal(more.length, 0);
      // [C07.FR.02] the eMAID (= CN of the contract certificate) and OCSP data for the certificate and its sub-CA
      assert.deepEqual(req!.idToken, eMAID());
      assert.equal(req!.certificate, undefined, 'validated locally: no certificate for the CSMS');
      const data = req!.iso15118CertificateHashData!;
      assert.deepEqual(data.map(idOf), [certId(c.leaf, c.subCa), certId(c.subCa, pki.moRoot)]);
      assert.ok(data.every((d) => d.hashAlgorithm === 'SHA256' && d.responderURL === OCSP_URL));
      // the plug-in's TransactionEvent went out first, then Authorize; the eMAID is in the Authorized event
      assert.ok(csms.received.findIndex((m) => m.action === 'TransactionEvent') < csms.received.findIndex((m) => m.action === 'Authorize'));
      assert.deepEqual(authorized(csms).map((e) => e.idToken), [eMAID()]);
      assert.ok(charging(st));
    });

    test('C07.FR.01 C07.FR.02 the EV has only the OCSP data of its chain: Authorize carries exactly that', async () => {
      const { st, csms } = await setup();
      const c = pki.contract(EMAID);
      const hashData = [{ hashAlgorithm: 'SHA256' as const, ...certId(c.leaf, c.subCa), responderURL: OCSP_URL }];
      assert.equal((await st.plugIn(1, 1, { eMAID: EMAID, certificateHashData: hashData }))!.status, 'Accepted');
      assert.deepEqual(csms.of('Authorize'), [{ idToken: eMAID(), iso15118CertificateHashData: hashData }]);
    });

    test('C07.FR.06 no associated root installed, CentralContractValidationAllowed: the chain (PEM, without root) goes in certificate', async () => {
      const { st, csms } = await setup({ roots: false, variables: { 'ISO15118Ctrlr.CentralContractValidationAllowed': 'true' } });
      const c = pki.contract(EMAID);
      const r = await st.plugIn(1, 1, { contractCertificate: c.chain + pki.moRoot }); // the EV sends its root along
      await settle();
      assert.equal(r!.status, 'Accepted');
      const req = csms.of('Authorize')[0]!;
      assert.deepEqual(req.idToken, eMAID());
      assert.deepEqual(pemBlocks(req.certificate!, 'CERTIFICATE'), [...pemBlocks(c.leaf, 'CERTIFICATE'), ...pemBlocks(c.subCa, 'CERTIFICATE')]);
      // OCSP data only where the issuer is known (the sub-CA's root is not installed)
      assert.deepEqual(req.iso15118CertificateHashData!.map(idOf), [certId(c.leaf, c.subCa)]);
      assert.deepEqual(authorized(csms).map((e) => e.idToken), [eMAID()]);
    });

    test('C07.FR.06 no associated root and CentralContractValidationAllowed false: no Authorize, not authorized (CertChainError)', async () => {
      const { st, csms } = await setup({ roots: false });
      const r = await st.plugIn(1, 1, { contractCertificate: pki.contract(EMAID).chain });
      await settle();
      assert.deepEqual([r!.status, r!.certificateStatus, r!.authorizeSent], ['CertChainError', 'CertChainError', false]);
      assert.deepEqual([csms.of('Authorize').length, authorized(csms).length, st.evse(1).auth], [0, 0, undefined]);
    });

    for (const [name, make, status] of [
      ['a chain whose links do not match', () => pki.brokenChain(EMAID), 'CertChainError'],
      ['a contract certificate for another eMAID', () => pki.contract('NL-CWT-C99999999-1').chain, 'CertChainError'],
      ['a chain from a root that is not installed (other MO)', () => pki.contract(EMAID, { foreign: true }).chain, 'CertChainError'],
    ] as const) {
      test(`C07.FR.01 C07.FR.08 online, ${name}: refused locally (${status}), no Authorize, no Authorized event`, async () => {
        const { st, csms } = await setup();
        const r = await st.plugIn(1, 1, { eMAID: EMAID, contractCertificate: make() });
        await settle();
        assert.equal(r!.certificateStatus, status, r!.problem);
        assert.deepEqual([csms.of('Authorize').length, authorized(csms).length, charging(st)], [0, 0, false]);
      });
    }

    test('C07.FR.08 a contract certificate past its validity period: CertificateExpired, no Authorize', async () => {
      const { st, csms, clock } = await setup();
      const chain = pki.contract(EMAID).chain;
      await clock.advance(3 * 86400_000); // the test certificates are valid for 2 days
      const r = await st.plugIn(1, 1, { contractCertificate: chain });
      assert.deepEqual([r!.status, r!.certificateStatus, csms.of('Authorize').length], ['CertificateExpired', 'CertificateExpired', 0]);
    });

    // The CSMS side of C07.FR.13..17 decides the answer; the station acts on it: only certificateStatus Accepted
    // with idTokenInfo.status Accepted charges (C07.FR.14 note: e.g. ConcurrentTx does not).
    for (const [certificateStatus, status] of [['ContractCancelled', 'Invalid'], ['CertificateExpired', 'Expired'], ['CertificateRevoked', 'Invalid'], ['CertChainError', 'Invalid'], ['CertificateRevoked', 'Accepted'], ['Accepted', 'ConcurrentTx']] as const) {
      test(`C07.FR.01 AuthorizeResponse certificateStatus ${certificateStatus}, idTokenInfo ${status}: not authorized, no Authorized event`, async () => {
        const { st, csms } = await setup({ replies: { Authorize: () => ({ idTokenInfo: { status }, certificateStatus }) } });
        const r = await st.plugIn(1, 1, { contractCertificate: pki.contract(EMAID).chain });
        await settle();
        assert.equal(r!.certificateStatus, certificateStatus);
        assert.notEqual(r!.status, 'Accepted');
        assert.deepEqual([csms.of('Authorize').length, authorized(csms).length, charging(st), st.evse(1).auth], [1, 0, false, undefined]);
      });
    }

    // ---- offline ---------------------------------------------------------------------------------

    /** Plug in while offline, reconnect, and return what the CSMS then received. */
    async function offlinePlugIn(o: Setup & { chain?: string; cached?: OcppTypes.AuthorizationStatusEnumType; listed?: OcppTypes.AuthorizationStatusEnumType; hashOnly?: boolean }) {
      const h = await setup({ ...o, variables: { 'AuthCacheCtrlr.Enabled': 'true', 'LocalAuthListCtrlr.Enabled': 'true', 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'false', ...o.variables } });
      if (o.listed) assert.equal((await h.csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [{ idToken: eMAID(), idTokenInfo: { status: o.listed } }] })).status, 'Accepted');
      if (o.cached) h.st.auth.remember(eMAID(), { status: o.cached }, h.st.clock.now());
      await h.st.goOffline();
      const c = pki.contract(EMAID);
      const r = await h.st.plugIn(1, 1, o.hashOnly ? { eMAID: EMAID, certificateHashData: [{ hashAlgorithm: 'SHA256', ...certId(c.leaf, c.subCa), responderURL: OCSP_URL }] } : { contractCertificate: o.chain ?? c.chain });
      h.csms.clear();
      await h.st.goOnline();
      await h.csms.until(() => h.csms.txEvents.length >= 1);
      await settle();
      return { ...h, r: r! };
    }

    test('C07.FR.07 offline, ContractValidationOffline false: no charging, even for a cached Accepted eMAID and OfflineTxForUnknownIdEnabled', async () => {
      const { st, csms, r } = await offlinePlugIn({ cached: 'Accepted', variables: { 'ISO15118Ctrlr.ContractValidationOffline': 'false', 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true' } });
      assert.deepEqual([r.status, r.authorizeSent], ['Unknown', false]);
      assert.deepEqual([authorized(csms).length, charging(st), csms.of('Authorize').length], [0, false, 0]);
    });

    test('C07.FR.08 C07.FR.09 C07.FR.11 offline, valid chain, eMAID cached Accepted: authorized offline (C12), TransactionEvents offline', async () => {
      const { st, csms, r } = await offlinePlugIn({ cached: 'Accepted' });
      assert.deepEqual([r.status, r.offline, r.certificateStatus], ['Accepted', true, 'Accepted']);
      const ev = authorized(csms);
      assert.deepEqual(ev.map((e) => [e.idToken, e.offline]), [[eMAID(), true]]);
      assert.ok(charging(st));
    });

    test('C07.FR.09 C07.FR.11 offline, eMAID cached Blocked: not authorized', async () => {
      const { csms, r } = await offlinePlugIn({ cached: 'Blocked', variables: { 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true' } });
      assert.deepEqual([r.status, authorized(csms).length], ['Blocked', 0]);
    });

    test('C07.FR.09 C07.FR.10 offline, eMAID in the Local Authorization List: Accepted authorizes, the list wins over the cache (C13)', async () => {
      const ok = await offlinePlugIn({ listed: 'Accepted' });
      assert.deepEqual([ok.r.status, authorized(ok.csms).length], ['Accepted', 1]);
      const blocked = await offlinePlugIn({ listed: 'Blocked', cached: 'Accepted', variables: { 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true' } });
      assert.deepEqual([blocked.r.status, authorized(blocked.csms).length], ['Blocked', 0]);
    });

    test('C07.FR.12 offline, unknown eMAID: charges with OfflineTxForUnknownIdEnabled (C15), not without', async () => {
      const yes = await offlinePlugIn({ variables: { 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true' } });
      assert.deepEqual([yes.r.status, yes.r.offline], ['Accepted', true]);
      assert.deepEqual(authorized(yes.csms).map((e) => [e.idToken, e.offline]), [[eMAID(), true]]);
      const no = await offlinePlugIn({});
      assert.deepEqual([no.r.status, authorized(no.csms).length], ['Unknown', 0]);
    });

    test('C07.FR.09 offline with LocalAuthorizeOffline false: the cache is not looked up', async () => {
      const { r, csms } = await offlinePlugIn({ cached: 'Accepted', variables: { 'AuthCtrlr.LocalAuthorizeOffline': 'false' } });
      assert.deepEqual([r.status, authorized(csms).length], ['Unknown', 0]);
    });

    test('C07.FR.08 offline, chain not valid (root not installed, or only OCSP data): not authorized despite a cached Accepted eMAID', async () => {
      const noRoot = await offlinePlugIn({ roots: false, cached: 'Accepted', variables: { 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true' } });
      assert.deepEqual([noRoot.r.status, noRoot.r.certificateStatus, authorized(noRoot.csms).length], ['CertChainError', 'CertChainError', 0]);
      const hashOnly = await offlinePlugIn({ hashOnly: true, cached: 'Accepted' });
      assert.deepEqual([hashOnly.r.status, authorized(hashOnly.csms).length], ['NoCertificateAvailable', 0]);
    });

    // ---- C08: External Identification Means --------------------------------------------------------

    test('C08.FR.01 PnCEnabled false: the contract is not used (no eMAID Authorize); the driver identifies at the station (EIM), sent to the CSMS', async () => {
      const { st, csms } = await setup({ variables: { 'ISO15118Ctrlr.PnCEnabled': 'false' } });
      assert.equal(st.plugIn(1, 1, { contractCertificate: pki.contract(EMAID).chain }), undefined);
      await settle();
      assert.equal(csms.of('Authorize').length, 0);
      assert.equal((await st.presentToken('EIM-CARD-01')).status, 'Accepted');
      await settle();
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [{ idToken: 'EIM-CARD-01', type: 'ISO14443' }]);
      assert.deepEqual(authorized(csms).map((e) => e.idToken), [{ idToken: 'EIM-CARD-01', type: 'ISO14443' }]);
      assert.ok(charging(st));
    });

    test('C08.FR.02 identification can be restarted at the HMI: after a refused contract, and long after the plug-in', async () => {
      const { st, csms, clock } = await setup({ replies: { Authorize: (req) => (req.idToken.type === 'eMAID' ? { idTokenInfo: { status: 'Invalid' }, certificateStatus: 'ContractCancelled' } : { idTokenInfo: { status: 'Accepted' } }) } });
      assert.equal((await st.plugIn(1, 1, { contractCertificate: pki.contract(EMAID).chain }))!.status, 'Invalid');
      await clock.advance(10 * 60_000); // well past TxCtrlr.EVConnectionTimeOut
      assert.equal(st.evse(1).plugged, 1);
      assert.equal((await st.presentToken('EIM-CARD-02', 'ISO14443', 1)).status, 'Accepted');
      await settle();
      assert.deepEqual(authorized(csms).map((e) => e.idToken), [{ idToken: 'EIM-CARD-02', type: 'ISO14443' }]);
      assert.ok(charging(st));
    });

    test('C07.FR.01 the accepted eMAID is cached (C10.FR.04), an eMAID without certificate or OCSP data is not sent, a scenario plugs a contract in', async () => {
      const { st, csms } = await setup({ variables: { 'AuthCacheCtrlr.Enabled': 'true' } });
      assert.equal((await st.plugIn(1, 1, { eMAID: EMAID }))!.status, 'NoCertificateAvailable');
      assert.equal(csms.of('Authorize').length, 0);
      st.unplug(1);
      const sc = await runScenario(st, { steps: [{ plug: { evse: 1, contractCertificate: pki.contract(EMAID).chain } }, { expectSent: 'Authorize', match: { idToken: eMAID() }, timeoutMs: 2000 }] });
      assert.deepEqual(sc.failures, []);
      await settle();
      assert.equal(st.auth.fromCache(eMAID(), st.clock.now(), 86400)?.status, 'Accepted');
    });
  });
}
