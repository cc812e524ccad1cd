// Block E, station side: the meter data of TransactionEvent(Ended) when the station is short of memory for it, the
// "MAY drop meter data … SHALL drop intermediate values first" pair that every way of ending a transaction repeats
// (E06.FR.12/13 and its copies in E07, E08, E09, E10, E12, E15, F03, F04), 2.1 and 2.0.1. The station holds at most
// StationOptions.maxEndedMeterValues samples for the Ended event (tx-ended-samples.ts): beyond that it drops
// intermediate samples first (the 2nd, 4th, … of the list, repeatedly), never the first reading and never the newest,
// and it keeps adding new samples. E15.FR.04/05 themselves (SessionStopReq) are in tc-e-cs-15118.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS, type Harness } from '../testing/harness.ts';
import { QUIET } from './sequence.ts';

const MIN = 60_000;
/** [time, context] per meterValue of an Ended event. */
const rows = (e: OcppTypes.TransactionEventRequest | undefined) => (e?.meterValue ?? []).map((m) => [m.timestamp.slice(11, 19), m.sampledValue[0]!.context]);

interface Path { frs: string; what: string; stop: string; more?: Record<string, string>; end: (h: Harness) => Promise<void> }
const PATHS: Path[] = [
  { frs: 'E06.FR.12 E06.FR.13', what: 'TxStopPoint EnergyTransfer, the EV suspends', stop: 'EnergyTransfer', end: async (h) => { h.st.setPower(1, 0); } },
  { frs: 'E07.FR.09 E07.FR.10', what: 'local stop with the idToken', stop: 'Authorized', end: async (h) => { await h.st.presentToken('TAG1'); } },
  {
    frs: 'E08.FR.10 E08.FR.11', what: 'stopped with the idToken while offline', stop: 'Authorized',
    end: async (h) => { await h.st.goOffline(); await h.st.presentToken('TAG1'); await h.st.goOnline(); },
  },
  { frs: 'E09.FR.06 E09.FR.07', what: 'EV-side disconnect, StopTxOnEVSideDisconnect true', stop: 'EVConnected', more: { 'TxCtrlr.StopTxOnEVSideDisconnect': 'true' }, end: async (h) => { h.st.unplug(1); } },
  {
    frs: 'E10.FR.05 E10.FR.06', what: 'EV-side disconnect, not back within EVConnectionTimeOut', stop: 'Authorized',
    more: { 'TxCtrlr.StopTxOnEVSideDisconnect': 'false', 'TxCtrlr.EVConnectionTimeOut': '30' }, end: async (h) => { h.st.unplug(1); await h.clock.advance(31_000); },
  },
  {
    frs: 'E12.FR.08 E12.FR.09', what: 'ended while offline (EV unplugged)', stop: 'EVConnected',
    end: async (h) => { await h.st.goOffline(); h.st.unplug(1); await h.st.goOnline(); },
  },
  { frs: 'E15.FR.02 E15.FR.03', what: 'the ISO 15118 EV ends the session (SessionStopReq Terminate)', stop: 'Authorized', end: async (h) => { h.st.evStopSession(1); } },
  {
    frs: 'F03.FR.05 F03.FR.06', what: 'RequestStopTransaction', stop: 'Authorized',
    end: async (h) => { await h.csms.call('RequestStopTransaction', { transactionId: h.csms.txEvents[0]!.transactionInfo.transactionId }); },
  },
  {
    frs: 'F04.FR.05 F04.FR.06', what: 'RequestStopTransaction of an ISO 15118 session (TxStopPoint EVConnected), then the unplug', stop: 'EVConnected',
    end: async (h) => { await h.csms.call('RequestStopTransaction', { transactionId: h.csms.txEvents[0]!.transactionInfo.transactionId }); await settle(); h.st.unplug(1); },
  },
];

for (const version of VERSIONS) {
  describe(`block E station FRs: Ended meter data when short of memory (${version})`, () => {
    for (const p of PATHS) {
      test(`${p.frs} ${p.what}: 12 samples, room for 4: intermediate ones dropped first (every 2nd, repeatedly), first and newest kept`, async () => {
        const h = await harness({
          version, maxEndedMeterValues: 4,
          variables: {
            ...QUIET, 'TxCtrlr.TxStartPoint': 'EVConnected,Authorized', 'TxCtrlr.TxStopPoint': p.stop, 'OCPPCommCtrlr.RetryBackOffRandomRange': '0',
            'SampledDataCtrlr.TxEndedInterval': '60', 'SampledDataCtrlr.TxEndedMeasurands': 'Energy.Active.Import.Register', ...p.more,
          },
        });
        h.st.plugIn(1, 1, { powerW: 6000 });
        await h.st.presentToken('TAG1');
        await settle();
        await h.clock.advance(10 * MIN); // samples at 0, 1, …, 10 min, then the one at the end: 12
        await p.end(h);
        await h.csms.until(() => h.csms.txEvents.some((e) => e.eventType === 'Ended'));
        const ended = h.csms.txEvents.find((e) => e.eventType === 'Ended');
        const r = rows(ended);
        // Not dropped from the start of the list (the first reading stays), not stopped adding (the end reading is
        // there): of 0..10 min and the end, the 2nd, 4th, … go, then again: 0, 4 and 8 min remain, and the end.
        const end = ended!.timestamp.slice(11, 19);
        assert.ok(end >= '00:10:00');
        assert.deepEqual(r, [['00:00:00', 'Sample.Periodic'], ['00:04:00', 'Sample.Periodic'], ['00:08:00', 'Sample.Periodic'], [end, 'Transaction.End']], JSON.stringify(r));
      });
    }
  });
}
