import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OcppError, RpcError } from '@chargewire/ocpp';
import { CsmsError } from '../errors.ts';
import { apiErrorCodes, callErrorToApiError } from './errors.ts';

test('every API error code has a row in docs/api.md with its HTTP status', () => {
  const doc = readFileSync(new URL('../../../../docs/api.md', import.meta.url), 'utf8');
  for (const [code, e] of Object.entries(apiErrorCodes)) assert.ok(doc.includes(`| \`${code}\` | ${e.status} |`), code);
});

test('call failures map to stable API errors', () => {
  const cases: Array<[unknown, string, number]> = [
    [new OcppError('OCPP_ERR_CALL_TIMEOUT'), 'API_ERR_STATION_TIMEOUT', 504],
    [new OcppError('OCPP_ERR_CLOSED'), 'API_ERR_STATION_OFFLINE', 409],
    [new OcppError('OCPP_ERR_QUEUE_FULL'), 'API_ERR_STATION_BUSY', 503],
    [new OcppError('OCPP_ERR_INVALID_RESPONSE'), 'API_ERR_STATION_BAD_RESPONSE', 502],
    [new RpcError('SecurityError', 'no', {}, true), 'API_ERR_STATION_ERROR', 502],
    [new RpcError('FormatViolation', 'bad', { field: 'a.b' }, false), 'API_ERR_INVALID_PAYLOAD', 400],
    [new CsmsError('CSMS_ERR_STATION_REJECTED'), 'API_ERR_STATION_NOT_ACCEPTED', 409],
    [new CsmsError('CSMS_ERR_SHUTTING_DOWN'), 'API_ERR_SHUTTING_DOWN', 503],
    [new Error('boom'), 'API_ERR_INTERNAL', 500],
  ];
  for (const [err, code, status] of cases) {
    const e = callErrorToApiError(err, 'CS1', 'Reset');
    assert.equal(e.code, code);
    assert.equal(e.status, status);
  }
  assert.equal(callErrorToApiError(new RpcError('SecurityError', 'no', {}, true), 'CS1', 'Reset').rpcCode, 'SecurityError');
  assert.equal(callErrorToApiError(new Error('boom'), 'CS1', 'Reset').message.includes('boom'), false, 'internal details not exposed');
});
