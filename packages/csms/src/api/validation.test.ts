// The API's route validators are compiled on first use (validation.ts): these tests make sure every
// schema of the running app compiles, and that a lazily compiled validator behaves as the Ajv one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCsms } from '../../../../test/fixtures/csms.ts';
import { compileAllValidators, validatorCompiler } from './validation.ts';

test('every route schema of the CSMS app (REST API and charging API) compiles', async () => {
  const t = await startTestCsms({ http: { port: 0 } });
  try {
    const n = compileAllValidators();
    assert.ok(n >= 20, `${n} validators made by the app's routes`);
  } finally {
    await t.stop();
  }
});

test('a lazily compiled validator: errors, no body coercion, query coercion and defaults as Ajv does', () => {
  const schema = { type: 'object', properties: { n: { type: 'integer' }, s: { type: 'string', default: 'x' } }, required: ['n'], additionalProperties: false };
  const body = validatorCompiler({ schema, method: 'POST', url: '/t', httpPart: 'body' } as never) as unknown as ((d: unknown, c?: unknown) => boolean) & { errors: unknown[] | null; schemaEnv: unknown };
  assert.ok(body.schemaEnv, 'Fastify sees a schemaEnv (and passes the parent, for root coercion)');
  assert.equal(body({ n: '1' }), false, 'no type coercion in bodies');
  assert.equal((body.errors as Array<{ instancePath: string }>)[0]!.instancePath, '/n');
  const ok = { n: 1 } as Record<string, unknown>;
  assert.equal(body(ok), true);
  assert.equal(body.errors, null);
  assert.equal(ok['s'], 'x', 'defaults applied');
  const query = validatorCompiler({ schema, method: 'GET', url: '/t', httpPart: 'querystring' } as never) as unknown as (d: unknown) => boolean;
  const q = { n: '7' } as Record<string, unknown>;
  assert.equal(query(q), true);
  assert.equal(q['n'], 7, 'query strings are coerced');
});
