// C04.FR.04 station side: no IdToken in full in any log line of the simulator, KeyCodes never.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { settle } from './clock.ts';
import { console_ } from './cli.ts';
import { logJson, maskToken, redact } from './log-mask.ts';
import { runScenario } from './scenario.ts';
import { harness } from './testing/harness.ts';

const PIN = '739151';
const CARD = 'CAFEBABE0042';

test('C04.FR.04 maskToken / redact: KeyCode fully hidden, other tokens partly, everywhere in a payload', () => {
  assert.equal(maskToken({ idToken: PIN, type: 'KeyCode' }), 'KeyCode:***');
  assert.equal(maskToken({ idToken: CARD, type: 'ISO14443' }), 'ISO14443:CA***42');
  assert.equal(maskToken({ idToken: 'AB12', type: 'Local' }), 'Local:***');
  const payload = {
    versionNumber: 3, updateType: 'Full',
    localAuthorizationList: [
      { idToken: { idToken: PIN, type: 'KeyCode' }, idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'GROUP-0001', type: 'Central' } } },
      { idToken: { idToken: CARD, type: 'ISO14443', additionalInfo: [{ additionalIdToken: 'EXTRA-9999', type: 'x' }] }, idTokenInfo: { status: 'Blocked' } },
    ],
  };
  const out = logJson(payload);
  for (const secret of [PIN, CARD, 'GROUP-0001', 'EXTRA-9999']) assert.ok(!out.includes(secret), `${secret} in ${out}`);
  assert.deepEqual(redact(payload), {
    versionNumber: 3, updateType: 'Full',
    localAuthorizationList: [
      { idToken: { idToken: '***', type: 'KeyCode' }, idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'GR***01', type: 'Central' } } },
      { idToken: { idToken: 'CA***42', type: 'ISO14443', additionalInfo: [{ additionalIdToken: 'EX***99', type: 'x' }] }, idTokenInfo: { status: 'Blocked' } },
    ],
  });
  // a bare idToken string (no type: it could be a PIN) is hidden completely
  assert.deepEqual(redact({ evses: [{ idToken: CARD }] }), { evses: [{ idToken: '***' }] });
});

test('C04.FR.04 the interactive console never prints a KeyCode or a full token (CSMS requests, state)', async () => {
  const { st, csms } = await harness({ variables: { 'OCPPCommCtrlr.HeartbeatInterval': '86400', 'LocalAuthListCtrlr.Enabled': 'true' } });
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => { text += d.toString(); });
  const done = console_(st, input as never, output as never);
  await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [{ idToken: { idToken: PIN, type: 'KeyCode' }, idTokenInfo: { status: 'Accepted' } }] });
  await csms.call('RequestStartTransaction', { idToken: { idToken: CARD, type: 'ISO14443' }, remoteStartId: 7, evseId: 1 });
  await settle();
  input.write('state\n');
  input.write('quit\n');
  await done;
  assert.match(text, /csms -> SendLocalList .*"idToken":"\*\*\*","type":"KeyCode"/);
  assert.match(text, /csms -> RequestStartTransaction .*"idToken":"CA\*\*\*42"/);
  assert.match(text, /"idToken": "\*\*\*"/, 'state shows the EVSE authorized, token hidden');
  assert.ok(!text.includes(PIN) && !text.includes(CARD), text);
  await st.stop();
});

test('C04.FR.04 scenario log and failures never show a KeyCode', async () => {
  const { st } = await harness({ variables: { 'OCPPCommCtrlr.HeartbeatInterval': '86400' }, replies: { Authorize: () => ({ idTokenInfo: { status: 'Invalid' } }) } });
  const lines: string[] = [];
  const a = await runScenario(st, { steps: [{ token: { idToken: PIN, type: 'KeyCode', expect: 'Accepted' } }] }, { log: (l) => lines.push(l) });
  assert.equal(a.ok, false);
  assert.match(a.failures[0]!, /token KeyCode:\*\*\* -> Invalid, expected Accepted/);
  // an expectation that fails lists the Authorize requests that were seen, with the token masked
  const b = await runScenario(st, { steps: [{ token: { idToken: CARD } }, { expectSent: 'Authorize', match: { idToken: { type: 'eMAID' } }, timeoutMs: 50 }] }, { log: (l) => lines.push(l) });
  assert.equal(b.ok, false);
  assert.match(b.failures[0]!, /"idToken":"CA\*\*\*42"/);
  const all = [...lines, ...a.failures, ...b.failures].join('\n');
  assert.ok(!all.includes(PIN) && !all.includes(CARD), all);
  await st.stop();
});
