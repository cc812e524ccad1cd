// Child process for the crash test: `run` starts a transaction, goes offline, queues events, then
// waits to be killed; `restart` comes back with the same data dir and drains the queue.
import { createStation } from '../station.ts';

const [mode, url, dataDir] = process.argv.slice(2) as ['run' | 'restart', string, string];
const st = createStation({
  identity: 'CRASH01', url: url!, dataDir: dataDir!,
  variables: {
    'TxCtrlr.TxStartPoint': 'EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected', 'SampledDataCtrlr.TxUpdatedInterval': '0',
    'AlignedDataCtrlr.Interval': '0', 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true',
    'OCPPCommCtrlr.RetryBackOffWaitMinimum': '0', 'OCPPCommCtrlr.RetryBackOffRandomRange': '0',
  },
});
const accepted = new Promise<void>((r) => st.on('registration', (e) => { if (e.status === 'Accepted') r(); }));
await st.start();
await accepted;
if (mode === 'run') {
  st.plugIn(1, 1); // Started, delivered online
  while (st.outbox.size) await new Promise((r) => setTimeout(r, 5));
  await st.goOffline();
  await st.presentToken('OFFLINE1'); // Updated(Authorized), queued
  st.setPower(1, 0); // Updated(ChargingStateChanged) SuspendedEV, queued
  st.setPower(1, 7000); // Updated, queued
  process.stdout.write(`READY ${st.outbox.size}\n`);
  setInterval(() => {}, 1000); // wait for SIGKILL
} else {
  while (st.outbox.size) await new Promise((r) => setTimeout(r, 5));
  process.stdout.write('DONE\n');
  await st.stop();
  process.exit(0);
}
