// Tests for the generated action registry (src/generated/actions.ts, from scripts/action-meta.ts).
import { fileURLToPath } from 'node:url';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { actions, blocks, type Action, type ActionMap, type BlockId, type Direction, type OcppVersion } from './generated/actions.ts';
import type { BootNotificationRequest, IdTokenType } from './generated/types.ts';

// ../shared/spec beside the repository (CHARGEWIRE_SPEC_ROOT overrides)
const SPEC = process.env.CHARGEWIRE_SPEC_ROOT ?? fileURLToPath(new URL('../../../../shared/spec', import.meta.url));
const PART2 = `${SPEC}/ocpp2.1/OCPP-2.1_edition1_part2_specification.md`;
const names = Object.keys(actions) as Action[];
const schemaActions = (dir: string) =>
  new Set(readdirSync(dir).map((f) => f.replace(/(Request|Response)?\.json$/, '')));

describe('action registry', () => {
  test('91 actions in OCPP 2.1, each with a 2.1 schema', () => {
    const v21 = names.filter((a) => (actions[a].versions as readonly OcppVersion[]).includes('2.1'));
    assert.equal(v21.length, 91);
    assert.deepEqual(new Set(v21), schemaActions(`${SPEC}/schemas/ocpp2.1`));
  });

  test('exactly the actions with a 2.0.1 schema are marked 2.0.1', () => {
    const v201 = names.filter((a) => (actions[a].versions as readonly OcppVersion[]).includes('2.0.1'));
    assert.deepEqual(new Set(v201), schemaActions(`${SPEC}/schemas/ocpp2.0.1`));
    assert.equal(v201.length, 64);
  });

  test('only NotifyPeriodicEventStream is SEND; DataTransfer is the only "both"', () => {
    assert.deepEqual(names.filter((a) => actions[a].send), ['NotifyPeriodicEventStream']);
    assert.deepEqual(names.filter((a) => actions[a].direction === 'both'), ['DataTransfer']);
  });

  test('every block A–S has a name and owns at least one action', () => {
    const ids = Object.keys(blocks) as BlockId[];
    assert.deepEqual(ids, 'ABCDEFGHIJKLMNOPQRS'.split(''));
    for (const id of ids) assert.ok(names.some((a) => actions[a].block === id), `block ${id} owns no action`);
    assert.equal(blocks.B, 'Provisioning');
    assert.equal(blocks.S, 'Battery Swapping');
    assert.equal(actions.BootNotification.block, 'B');
  });

  test('directions agree with the Part 2 "PDU sent by" sentences', () => {
    const text = readFileSync(PART2, 'utf8');
    const lower = new Map(names.map((a) => [a.toLowerCase(), a]));
    const re = /the ?([A-Za-z0-9]+?)(Request|Response) PDU sent (?:either )?by the (Charging Station|CSMS|Local Controller)/gi;
    // Part 2 §1.39.2 says "GetVariablesResponse PDU sent by the CSMS to the Charging Station",
    // contradicting its own request sentence and use case B06: the request sentence wins.
    const knownWrongResponseSentences = new Set<Action>(['GetVariables']);
    const seen = new Map<Action, Direction>();
    const contradicted = new Set<Action>();
    for (const m of text.matchAll(re)) {
      const action = lower.get(m[1]!.toLowerCase());
      if (!action) continue; // garbled names in the transcription, e.g. "NotifyMonitoringRequest"
      if (action === 'DataTransfer') continue; // "sent either by the CSMS ... or vice versa"
      const isRequest = m[2]!.toLowerCase() === 'request';
      const fromStation = m[3] !== 'CSMS'; // the Local Controller sits on the station side
      const expected: Direction = (isRequest ? fromStation : !fromStation) ? 'toCsms' : 'toStation';
      if (!isRequest && knownWrongResponseSentences.has(action)) {
        if (actions[action].direction !== expected) contradicted.add(action);
        continue;
      }
      seen.set(action, expected);
      assert.equal(actions[action].direction, expected, `${action}: Part 2 says ${m[0]}`);
    }
    assert.deepEqual(contradicted, knownWrongResponseSentences, 'exception list is stale');
    assert.ok(seen.size >= 45, `only ${seen.size} actions cross-checked`);
    assert.match(text, /DataTransferRequest PDU sent either by the CSMS to the Charging Station or vice versa/);
  });
});

describe('ActionMap types', () => {
  test('request/response types compile and are required where both versions require', () => {
    const hb: ActionMap['Heartbeat']['response'] = { currentTime: '2025-01-23T10:00:00Z' };
    const boot: ActionMap['BootNotification']['request'] = { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } };
    const same: BootNotificationRequest = boot;
    // IdTokenType.type is an enum in 2.0.1 and a free string in 2.1: the superset is string.
    const token: IdTokenType = { idToken: 'ABC', type: 'VendorSpecific' };
    // @ts-expect-error: 'reason' is required in both versions
    const missing: ActionMap['BootNotification']['request'] = { chargingStation: { model: 'M', vendorName: 'V' } };
    // @ts-expect-error: 'Sometimes' is not a BootReasonEnumType value
    const badEnum: BootNotificationRequest = { reason: 'Sometimes', chargingStation: { model: 'M', vendorName: 'V' } };
    const send: ActionMap['NotifyPeriodicEventStream']['response'] extends never ? true : false = true;
    assert.ok(hb && same && token && missing && badEnum && send);
  });
});
