// A01 password rotation end to end over real sockets (security profile 1): after an Accepted
// SetVariables(SecurityCtrlr.BasicAuthPassword) only the new password connects; after a Rejected one
// only the old one does. 2.0.1 and 2.1 stations.
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppClient } from '@chargewire/ocpp';
import { hashPassword } from '@chargewire/csms';
import { startTestCsms, type TestCsms } from '../fixtures/csms.ts';
import { aBootNotification } from '../fixtures/builders.ts';
import { rotateStationPassword } from '../../packages/csms/src/blocks/security-credentials.ts';

const status = (err: unknown) => (err as { statusCode?: number }).statusCode;
const OLD = 'factory-password-000001';

/** A station that answers SetVariables with `answer` and remembers the password it was sent. */
function answerSetVariables(cs: OcppClient, answer: 'Accepted' | 'Rejected'): { received: string[] } {
  const received: string[] = [];
  cs.handle('SetVariables', async (_c, req) => {
    for (const d of req.setVariableData) if (d.component.name === 'SecurityCtrlr' && d.variable.name === 'BasicAuthPassword') received.push(d.attributeValue);
    return { setVariableResult: req.setVariableData.map((d) => ({ component: d.component, variable: d.variable, attributeStatus: answer })) };
  });
  return { received };
}

for (const version of ['2.0.1', '2.1'] as const) {
  describe(`A01 password rotation over a socket (OCPP ${version})`, () => {
    let t: TestCsms;
    before(async () => {
      t = await startTestCsms({ mode: 'production' });
    });
    after(async () => { await t.stop(); });

    test(`[A01.FR.03] after an Accepted rotation the old password gets 401 and the new one connects (${version})`, async () => {
      await t.store.registerStation({ id: 'ROT1', securityProfile: 1, passwordHash: await hashPassword(OLD) });
      const cs = await t.connect('ROT1', { password: OLD, version });
      assert.equal((await cs.call('BootNotification', aBootNotification())).status, 'Accepted');
      const station = answerSetVariables(cs, 'Accepted');
      const out = await rotateStationPassword(t.csms.runtime, 'ROT1');
      assert.deepEqual({ status: out.status, rotated: out.rotated }, { status: 'Accepted', rotated: true });
      // [A01.FR.02] the station got SetVariables SecurityCtrlr.BasicAuthPassword with the new password
      assert.deepEqual(station.received, [out.password]);
      // A01 scenario steps 3-4: the station disconnects and reconnects with the new password
      await cs.close();
      await assert.rejects(t.connect('ROT1', { password: OLD, version }), (e) => status(e) === 401);
      const again = await t.connect('ROT1', { password: out.password, version });
      assert.equal((await again.call('BootNotification', aBootNotification())).status, 'Accepted');
      await again.close();
    });

    test(`[A01.FR.04] after a Rejected rotation the old password still connects and the new one gets 401 (${version})`, async () => {
      await t.store.registerStation({ id: 'ROT2', securityProfile: 1, passwordHash: await hashPassword(OLD) });
      const cs = await t.connect('ROT2', { password: OLD, version });
      await cs.call('BootNotification', aBootNotification());
      answerSetVariables(cs, 'Rejected');
      const out = await rotateStationPassword(t.csms.runtime, 'ROT2', { password: 'rejected-password-00001' });
      assert.deepEqual({ status: out.status, rotated: out.rotated }, { status: 'Rejected', rotated: false });
      await cs.close();
      await assert.rejects(t.connect('ROT2', { password: 'rejected-password-00001', version }), (e) => status(e) === 401);
      const again = await t.connect('ROT2', { password: OLD, version });
      assert.equal((await again.call('BootNotification', aBootNotification())).status, 'Accepted');
      await again.close();
    });
  });
}
