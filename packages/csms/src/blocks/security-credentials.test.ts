// A01 password rotation on the CSMS side, socket-free (block harness), in 2.0.1 and 2.1.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { OcppVersion } from '@chargewire/ocpp';
import type { SetVariablesRequest, SetVariableStatusEnumType } from '@chargewire/ocpp/types';
import { blockHarness, type Harness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { hashPassword, verifyPassword } from '../password.ts';
import { generateStationPassword, rotateStationPassword, MIN_PASSWORD_LENGTH, SAFE_MAX_PASSWORD_LENGTH } from './security-credentials.ts';

const OLD = 'old-password-0123456789';

async function setup(version: OcppVersion, answer: SetVariableStatusEnumType | 'CALLERROR'): Promise<{ h: Harness; sent: SetVariablesRequest[] }> {
  const h = await blockHarness({ version });
  await h.store.setStationPasswordHash('CS001', await hashPassword(OLD));
  await h.station.call('BootNotification', aBootNotification());
  const sent: SetVariablesRequest[] = [];
  h.station.handle('SetVariables', async (_c, req) => {
    sent.push(req);
    if (answer === 'CALLERROR') throw new Error('station failure');
    return { setVariableResult: req.setVariableData.map((d) => ({ component: d.component, variable: d.variable, attributeStatus: answer })) };
  });
  return { h, sent };
}

const storedHash = async (h: Harness) => (await h.store.getStation('CS001'))!.passwordHash!;

for (const version of ['2.0.1', '2.1'] as const) {
  describe(`A01 rotateStationPassword (OCPP ${version})`, () => {
    test(`[A01.FR.02] [A01.FR.03] Accepted: SecurityCtrlr.BasicAuthPassword sent, the new password replaces the old (${version})`, async () => {
      const { h, sent } = await setup(version, 'Accepted');
      const out = await rotateStationPassword(h.runtime, 'CS001', { password: 'operator-chosen-pass-01' });
      assert.deepEqual({ status: out.status, rotated: out.rotated, generated: out.generated }, { status: 'Accepted', rotated: true, generated: false });
      // [A01.FR.02] one SetVariables with SecurityCtrlr.BasicAuthPassword (also in 2.1, see the block header)
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0]!.setVariableData, [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: 'operator-chosen-pass-01' }]);
      // [A01.FR.03] the old credentials are no longer accepted, the new ones are
      const hash = await storedHash(h);
      assert.equal(await verifyPassword(OLD, hash), false);
      assert.equal(await verifyPassword('operator-chosen-pass-01', hash), true);
      // [A01.FR.08] only a salted hash is stored
      assert.match(hash, /^scrypt\$/);
      assert.ok(!hash.includes('operator-chosen-pass-01'));
    });

    for (const answer of ['Rejected', 'RebootRequired', 'UnknownVariable'] as const) {
      test(`[A01.FR.04] ${answer}: the old password stays valid and the new one is not accepted (${version})`, async () => {
        const { h } = await setup(version, answer);
        const before = await storedHash(h);
        const out = await rotateStationPassword(h.runtime, 'CS001', { password: 'never-applied-pass-001' });
        assert.deepEqual({ status: out.status, rotated: out.rotated }, { status: answer, rotated: false });
        const after = await storedHash(h);
        assert.equal(after, before);
        assert.equal(await verifyPassword(OLD, after), true);
        assert.equal(await verifyPassword('never-applied-pass-001', after), false);
      });
    }

    test(`[A01.FR.04] a CALLERROR answer rejects and keeps the old password (${version})`, async () => {
      const { h } = await setup(version, 'CALLERROR');
      const before = await storedHash(h);
      await assert.rejects(rotateStationPassword(h.runtime, 'CS001', { password: 'never-applied-pass-002' }), (e: Error & { code?: string; remote?: boolean }) => e.remote === true);
      assert.equal(await storedHash(h), before);
    });

    test(`[A01.FR.07] [A01.FR.06] without a password a random one (16..40 chars) is generated, sent and stored (${version})`, async () => {
      const { h, sent } = await setup(version, 'Accepted');
      const out = await rotateStationPassword(h.runtime, 'CS001');
      assert.equal(out.generated, true);
      assert.ok(out.password.length >= MIN_PASSWORD_LENGTH && out.password.length <= SAFE_MAX_PASSWORD_LENGTH, `length ${out.password.length}`);
      assert.equal(sent[0]!.setVariableData[0]!.attributeValue, out.password);
      assert.equal(await verifyPassword(out.password, await storedHash(h)), true);
    });

    test(`[A01.FR.09] the password never appears in the CSMS log (${version})`, async () => {
      const { h } = await setup(version, 'Accepted');
      let logged = '';
      const sink = new Writable({ write(chunk, _enc, cb) { logged += String(chunk); cb(); } });
      (h.runtime as { log: Logger }).log = pino({ level: 'trace' }, sink) as unknown as Logger;
      const out = await rotateStationPassword(h.runtime, 'CS001');
      await rotateStationPassword(h.runtime, 'CS001', { password: 'supplied-secret-pass-9' });
      assert.match(logged, /BasicAuthPassword rotated/);
      assert.ok(!logged.includes(out.password));
      assert.ok(!logged.includes('supplied-secret-pass-9'));
    });
  });
}

test('[A01.FR.07] [A01.FR.06] generated passwords are 32 base64url characters and differ each time', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const p = generateStationPassword();
    assert.match(p, /^[A-Za-z0-9_-]{32}$/);
    seen.add(p);
  }
  assert.equal(seen.size, 200);
});
