// Block P interop: our simulator against our CSMS over real WebSockets, OCPP 2.1 and 2.0.1.
// Scenarios follow the OCPP 2.0.1 Part 6 certification test cases for the CSMS (TC_P_xx_CSMS).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { registerVendorHandler, sendDataTransfer } from '@chargewire/csms';
import { dataTransfer } from '@chargewire/simulator';
import { startSimEnv, VERSIONS, idFor, eventually, type SimEnv } from './sim-harness.ts';

for (const version of VERSIONS) {
  describe(`simulator <-> CSMS, block P, OCPP ${version}`, () => {
    let env: SimEnv;
    before(async () => { env = await startSimEnv(); });
    after(async () => { await env.stop(); });

    test('TC_P_02_CSMS [P02.FR.06] DataTransfer from the station with an unknown vendorId: UnknownVendorId, journalled', async () => {
      const sid = idFor('P02', version);
      const s = await env.station({ identity: sid, version });
      await s.accepted();
      const res = await dataTransfer(s.st, 'com.unknown.vendor', 'Hello', { a: 1 });
      assert.deepEqual(res, { status: 'UnknownVendorId' });
      const j = await eventually(async () => { const e = await env.store.listJournal(sid, { action: 'DataTransfer', direction: 'in', limit: 10 }); return e.length >= 1 ? e : undefined; });
      assert.equal(j[0]?.direction, 'in');
      assert.match(j[0]!.payload, /com\.unknown\.vendor/);
    });

    test('TC_P_03_CSMS [P02.FR.07] [P02.FR.08] DataTransfer with a registered vendor: the vendor handler answers, unknown messageId -> UnknownMessageId', async () => {
      const sid = idFor('P03', version);
      const vendorId = `org.chargewire.test.${version}`;
      const seen: unknown[] = [];
      const off = registerVendorHandler(env.runtime, vendorId, (_ctx, req) => {
        seen.push(req.data);
        return req.messageId === 'Ping' ? { status: 'Accepted', data: { pong: req.data } } : { status: 'UnknownMessageId' };
      });
      try {
        const s = await env.station({ identity: sid, version });
        await s.accepted();
        assert.deepEqual(await dataTransfer(s.st, vendorId, 'Ping', 7), { status: 'Accepted', data: { pong: 7 } });
        assert.deepEqual(await dataTransfer(s.st, vendorId, 'Other'), { status: 'UnknownMessageId' });
        assert.deepEqual(seen, [7, undefined]);
      } finally { off(); }
    });

    test('[P01.FR.05] DataTransfer from the CSMS to the station with an unknown vendorId: UnknownVendorId', async () => {
      const sid = idFor('P01', version);
      const s = await env.station({ identity: sid, version });
      await s.accepted();
      const res = await sendDataTransfer(env.runtime, sid, { vendorId: 'com.unknown.vendor', messageId: 'X', data: 'y' });
      assert.deepEqual(res, { status: 'UnknownVendorId' });
      assert.deepEqual(s.log.requests.map((r) => r.action), ['GetBaseReport', 'DataTransfer']);
    });
  });
}
