// Ordering of a CSMS request that arrives in the same read as the BootNotification response: the
// station applies the response first (B01.FR.04, B03.FR.08), then handles the request.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, settle } from './clock.ts';
import { createStation } from './station.ts';
import { RawCsmsLink } from './testing/raw-csms.ts';
import { VERSIONS } from './testing/harness.ts';

const HB = { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } };

async function booting(version: '2.1' | '2.0.1') {
  const link = new RawCsmsLink(version, 'CS001', { StatusNotification: {}, SecurityEventNotification: {}, Heartbeat: { currentTime: new Date().toISOString() } });
  const st = createStation({ identity: 'CS001', link, clock: new ManualClock(), variables: { 'OCPPCommCtrlr.HeartbeatInterval': '300' } });
  await st.start();
  const boot = await link.call('BootNotification');
  return { st, link, bootId: boot[1] };
}

for (const version of VERSIONS) {
  describe(`CSMS request in the same read as the boot response (${version})`, () => {
    test('B01.FR.04 GetVariables right after BootNotification Accepted reports the new HeartbeatInterval', async () => {
      const { st, link, bootId } = await booting(version);
      link.deliver(
        [3, bootId, { currentTime: new Date().toISOString(), interval: 42, status: 'Accepted' }],
        [2, 'gv-1', 'GetVariables', { getVariableData: [HB] }],
      );
      const ans = await link.answer('gv-1');
      assert.equal(ans[0], 3);
      assert.deepEqual((ans[2] as { getVariableResult: { attributeStatus: string; attributeValue?: string }[] }).getVariableResult.map((r) => [r.attributeStatus, r.attributeValue]), [['Accepted', '42']]);
      assert.equal(st.registration, 'Accepted');
      await st.stop();
    });

    test('B01.FR.04 B07.FR.10 GetBaseReport right after BootNotification Accepted reports the new HeartbeatInterval', async () => {
      const { st, link, bootId } = await booting(version);
      link.deliver(
        [3, bootId, { currentTime: new Date().toISOString(), interval: 77, status: 'Accepted' }],
        [2, 'br-1', 'GetBaseReport', { requestId: 9, reportBase: 'ConfigurationInventory' }],
      );
      assert.deepEqual((await link.answer('br-1'))[2], { status: 'Accepted' });
      // Answer every NotifyReport part until the one carrying HeartbeatInterval shows up.
      let hb: string | undefined;
      for (let from = 0; hb === undefined;) {
        const f = await link.call('NotifyReport', from);
        from = link.frames.indexOf(f) + 1;
        link.deliver([3, f[1], {}]);
        const data = (f[3] as { reportData: { component: { name: string }; variable: { name: string }; variableAttribute: { value?: string }[] }[] }).reportData;
        const row = data.find((d) => d.component.name === 'OCPPCommCtrlr' && d.variable.name === 'HeartbeatInterval');
        if (row) hb = row.variableAttribute[0]!.value;
      }
      assert.equal(hb, '77');
      await st.stop();
    });

    test('B03.FR.08 a request in the same read as BootNotification Rejected is answered with SecurityError', async () => {
      const { st, link, bootId } = await booting(version);
      link.deliver(
        [3, bootId, { currentTime: new Date().toISOString(), interval: 60, status: 'Rejected' }],
        [2, 'gv-2', 'GetVariables', { getVariableData: [HB] }],
      );
      const ans = await link.answer('gv-2');
      assert.deepEqual([ans[0], ans[2]], [4, 'SecurityError']);
      await settle();
      await st.stop();
    });
  });
}
