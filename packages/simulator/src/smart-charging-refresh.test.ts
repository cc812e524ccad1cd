// Station.refresh with charging profiles installed (station.ts, smart-charging-state.ts): the limits are computed
// once and the schedule timer is armed once per boundary, not on every refresh; the power still follows the schedule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from './clock.ts';
import { harness } from './testing/harness.ts';
import { K_REPLIES, K_VARS, charging, powerW, profile, setProfile } from './conformance/k-fixtures.ts';

const HOUR = 3_600_000;

test('K01.FR.07 K06.FR.02 refreshes that change nothing the limits depend on re-arm no schedule timer; the next period still applies', async () => {
  const h = await harness({ variables: K_VARS, replies: K_REPLIES });
  await charging(h);
  const t0 = h.clock.now();
  assert.equal((await setProfile(h, 1, profile({ start: t0, periods: [[0, 6000], [3600, 4000]] }))).status, 'Accepted');
  assert.equal(powerW(h), 6000);
  const clock = h.st.clock;
  const arm = clock.setTimeout.bind(clock);
  let armed = 0;
  clock.setTimeout = (fn, ms) => { armed++; return arm(fn, ms); };
  try {
    for (let i = 0; i < 5; i++) h.st.setPower(1, 11_000); // the same demand: a meter tick
    assert.equal(armed, 0, 'no timer re-armed');
    h.st.setPower(1, 5000);
    assert.equal(powerW(h), 5000, 'a change of demand still counts');
    h.st.setPower(1, 11_000);
    assert.equal(powerW(h), 6000);
  } finally {
    clock.setTimeout = arm;
  }
  await h.clock.advance(HOUR);
  await settle();
  assert.equal(powerW(h), 4000, 'the second period starts on time');
});
