// Tests for the generated validators (packages/ocpp/src/generated, from scripts/gen.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validators, decimalPlaces, type ValidateFn } from './generated/validators.js';
import { loadSchema, schemaFileName } from './schemas.ts';

const GEN = fileURLToPath(new URL('../scripts/gen.ts', import.meta.url));
const VALIDATORS_JS = fileURLToPath(new URL('./generated/validators.js', import.meta.url));

function validator(version: '2.0.1' | '2.1', action: string, kind: 'request' | 'response'): ValidateFn {
  const v = validators[version][action]?.[kind];
  assert.ok(v, `no validator for ${version} ${action} ${kind}`);
  return v;
}

/** Asserts rejection and returns the first error. */
function rejects(v: ValidateFn, data: unknown, keyword: string, instancePath?: string) {
  assert.equal(v(data), false, `expected rejection (${keyword})`);
  const err = v.errors?.[0];
  assert.ok(err, 'errors must be set');
  assert.equal(err.keyword, keyword, JSON.stringify(v.errors));
  if (instancePath !== undefined) assert.equal(err.instancePath, instancePath);
  return err;
}

const boot = (model = 'Model-X') => ({ reason: 'PowerUp', chargingStation: { model, vendorName: 'Chargewire' } });
const meterValues = (value: unknown, timestamp = '2025-01-23T10:00:00.123Z', evseId: unknown = 1) => ({
  evseId, meterValue: [{ timestamp, sampledValue: [{ value }] }],
});
const setChargingProfile = (limit: number, kind = 'Absolute') => ({
  evseId: 1,
  chargingProfile: {
    id: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: kind,
    chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit }] }],
  },
});

describe('generator', () => {
  test('checked-in generated files match a fresh generation (gen.ts --check)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', GEN, '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `drift detected:\n${r.stdout}${r.stderr}`);
  });

  test('schema copies are byte-identical to the OCA originals', () => {
    for (const [mine, theirs] of [['v2.1', 'ocpp2.1'], ['v2.0.1', 'ocpp2.0.1']] as const) {
      const dir = fileURLToPath(new URL(`../schemas/${mine}/`, import.meta.url));
      const src = `${process.env.CHARGEWIRE_SPEC_ROOT ?? fileURLToPath(new URL('../../../../shared/spec', import.meta.url))}/schemas/${theirs}/`;
      const files = readdirSync(src).filter((f) => f.endsWith('.json')).sort();
      assert.deepEqual(readdirSync(dir).sort(), files);
      for (const f of files) assert.ok(readFileSync(dir + f).equals(readFileSync(src + f)), `${mine}/${f} differs`);
    }
  });

  test('validators.js needs no ajv at runtime', () => {
    const js = readFileSync(VALIDATORS_JS, 'utf8');
    assert.doesNotMatch(js, /require\(|from ['"]ajv/);
  });
});

describe('validators: schema keywords', () => {
  for (const version of ['2.0.1', '2.1'] as const) {
    test(`${version} accepts a valid BootNotificationRequest`, () => {
      const v = validator(version, 'BootNotification', 'request');
      assert.equal(v(boot()), true, JSON.stringify(v.errors));
    });
    test(`${version} rejects a missing required field (required)`, () => {
      const err = rejects(validator(version, 'BootNotification', 'request'), { reason: 'PowerUp' }, 'required');
      assert.equal(err.params.missingProperty, 'chargingStation');
    });
    test(`${version} rejects a wrong type (type)`, () => {
      rejects(validator(version, 'BootNotification', 'request'), { ...boot(), reason: 42 }, 'type', '/reason');
    });
  }

  test('an enum value new in 2.1 is rejected under 2.0.1 and accepted under 2.1 (enum)', () => {
    // ChargingProfileKindEnumType gained 'Dynamic' in OCPP 2.1.
    rejects(validator('2.0.1', 'SetChargingProfile', 'request'), setChargingProfile(10, 'Dynamic'), 'enum');
    const v21 = validator('2.1', 'SetChargingProfile', 'request');
    assert.equal(v21(setChargingProfile(10, 'Dynamic')), true, JSON.stringify(v21.errors));
  });

  test('maxLength counts Unicode code points: 20 emoji pass model[0..20], 21 fail', () => {
    const v = validator('2.1', 'BootNotification', 'request');
    assert.equal(v(boot('🔌'.repeat(20))), true, JSON.stringify(v.errors));
    rejects(v, boot('🔌'.repeat(21)), 'maxLength', '/chargingStation/model');
  });

  test('SEND-only NotifyPeriodicEventStream has a request validator and no response', () => {
    assert.ok(validators['2.1'].NotifyPeriodicEventStream?.request);
    assert.equal(validators['2.1'].NotifyPeriodicEventStream?.response, undefined);
    assert.equal(validators['2.0.1'].NotifyPeriodicEventStream, undefined);
  });
});

describe('validators: Part 2 §2.1.4 primitive datatypes', () => {
  const mv = validator('2.1', 'MeterValues', 'request');

  test('dateTime: up to 3 fractional digits accepted, 4 rejected (format)', () => {
    for (const ts of ['2025-01-23T10:00:00Z', '2019-04-12T23:20:50.52Z', '2019-12-19T16:39:57+01:00', '2025-01-23T10:00:00.123Z']) {
      assert.equal(mv(meterValues(1, ts)), true, `${ts}: ${JSON.stringify(mv.errors)}`);
    }
    rejects(mv, meterValues(1, '2025-01-23T10:00:00.1234Z'), 'format', '/meterValue/0/timestamp');
    for (const bad of ['2025-01-23 10:00:00Z', '2025-01-23T10:00:00', '2025-13-01T00:00:00Z', 'yesterday']) {
      rejects(mv, meterValues(1, bad), 'format');
    }
  });

  test('integer: above 2^31-1 rejected (maximum), 2^31-1 accepted', () => {
    assert.equal(mv(meterValues(1, undefined, 2147483647)), true);
    rejects(mv, meterValues(1, undefined, 2147483648), 'maximum', '/evseId');
  });

  test('decimal: 7 places towards the station rejected (SetChargingProfile limit), 6 accepted', () => {
    const v = validator('2.1', 'SetChargingProfile', 'request');
    assert.equal(v(setChargingProfile(1.123456)), true, JSON.stringify(v.errors));
    rejects(v, setChargingProfile(1.1234567), 'maxDecimalPlaces');
    rejects(v, setChargingProfile(1e-7), 'maxDecimalPlaces');
    rejects(validator('2.0.1', 'SetChargingProfile', 'request'), setChargingProfile(0.1234567), 'maxDecimalPlaces');
  });

  test('decimal: 7 places from the station accepted (MeterValues value)', () => {
    assert.equal(mv(meterValues(1.1234567)), true, JSON.stringify(mv.errors));
    assert.equal(validator('2.0.1', 'MeterValues', 'request')(meterValues(1.1234567)), true);
  });

  test('decimalPlaces uses the shortest decimal string, exponent forms included', () => {
    assert.equal(decimalPlaces(0.1 + 0.2), 17); // 0.30000000000000004
    assert.equal(decimalPlaces(1.5e-7), 8);
    assert.equal(decimalPlaces(1e21), 0);
    assert.equal(decimalPlaces(-2.25), 2);
    assert.equal(decimalPlaces(230), 0);
  });

  test('identifierString: space or # rejected (pattern), allowed symbols accepted', () => {
    for (const version of ['2.0.1', '2.1'] as const) {
      const v = validator(version, 'Authorize', 'request');
      const req = (idToken: string) => ({ idToken: { idToken, type: 'ISO14443' } });
      assert.equal(v(req('AZaz09*-_=:+|@.')), true, JSON.stringify(v.errors));
      rejects(v, req('AB CD'), 'pattern', '/idToken/idToken');
      rejects(v, req('AB#CD'), 'pattern', '/idToken/idToken');
    }
    const tx = validator('2.1', 'GetTransactionStatus', 'request');
    rejects(tx, { transactionId: 'tx 1' }, 'pattern', '/transactionId');
  });
});

describe('schemas.ts loader', () => {
  test('loads the official schema, byte-identical file, cached', () => {
    const s = loadSchema('2.1', 'BootNotification', 'request') as { $id: string };
    assert.equal(s.$id, 'urn:OCPP:Cp:2:2025:1:BootNotificationRequest');
    assert.equal(loadSchema('2.1', 'BootNotification', 'request'), s);
    const s201 = loadSchema('2.0.1', 'BootNotification', 'request') as { $id: string };
    assert.equal(s201.$id, 'urn:OCPP:Cp:2:2020:3:BootNotificationRequest');
    assert.equal(schemaFileName('2.1', 'NotifyPeriodicEventStream', 'request'), 'NotifyPeriodicEventStream.json');
    assert.ok(loadSchema('2.1', 'NotifyPeriodicEventStream', 'request'));
  });
  test('throws for messages the version does not define', () => {
    assert.throws(() => loadSchema('2.0.1', 'AFRRSignal', 'request'), /no OCPP 2.0.1 request schema/);
    assert.throws(() => loadSchema('2.1', 'NotifyPeriodicEventStream', 'response'));
    assert.throws(() => loadSchema('2.1', '../x', 'request'), /invalid/);
  });
});
