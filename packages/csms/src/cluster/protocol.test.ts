import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OcppError, RpcError } from '@chargewire/ocpp';
import { CsmsError } from '../errors.ts';
import { ClusterError, clusterErrorCodes } from './errors.ts';
import { decodePresence, decodeReply, decodeRequest, encode, errorToWire, wireToError } from './protocol.ts';

const roundTrip = (err: unknown) => wireToError(JSON.parse(JSON.stringify(errorToWire(err))), 'node x');

describe('cluster wire format', () => {
  test('call errors keep their class, code and remote flag across nodes', () => {
    const rpc = roundTrip(new RpcError('NotSupported', 'no reset here', { a: 1 }, true));
    assert.ok(rpc instanceof RpcError);
    assert.deepEqual([rpc.code, rpc.message, rpc.remote, rpc.details], ['NotSupported', 'no reset here', true, { a: 1 }]);
    const local = roundTrip(new RpcError('PropertyConstraintViolation', 'bad', { field: 'type' }));
    assert.ok(local instanceof RpcError && local.remote === false);
    const closed = roundTrip(new OcppError('OCPP_ERR_CLOSED', 'gone'));
    assert.ok(closed instanceof OcppError && closed.code === 'OCPP_ERR_CLOSED');
    const rejected = roundTrip(new CsmsError('CSMS_ERR_STATION_REJECTED'));
    assert.ok(rejected instanceof CsmsError && rejected.code === 'CSMS_ERR_STATION_REJECTED');
    const other = roundTrip(new TypeError('boom'));
    assert.ok(other instanceof ClusterError && other.code === 'CLUSTER_ERR_REMOTE' && /boom/.test(other.message));
    const unknown = wireToError({ kind: 'ocpp', code: 'OCPP_ERR_NOPE', message: 'x' }, 'node x');
    assert.ok(unknown instanceof ClusterError && unknown.code === 'CLUSTER_ERR_REMOTE');
  });

  test('malformed messages are CLUSTER_ERR_BAD_MESSAGE', () => {
    const bad = (f: () => unknown) => assert.throws(f, (e: unknown) => e instanceof ClusterError && e.code === 'CLUSTER_ERR_BAD_MESSAGE');
    const raw = (s: string) => new TextEncoder().encode(s);
    bad(() => decodeRequest(raw('not json')));
    bad(() => decodeRequest(raw('[1]')));
    bad(() => decodeRequest(raw(JSON.stringify({ v: 2, from: 'a', stationId: 'CS', action: 'Reset', payload: {}, timeoutMs: 1 }))));
    bad(() => decodeRequest(raw(JSON.stringify({ v: 1, from: 'a', stationId: 'CS', action: 'Reset', payload: {} }))));
    bad(() => decodeReply(raw(JSON.stringify({ v: 1, ok: false }))));
    bad(() => decodePresence(raw(JSON.stringify({ v: 1, t: 'up', node: 'a', id: 'CS', ver: '1.6', at: 1 }))));
    bad(() => decodePresence(raw(JSON.stringify({ v: 1, t: 'what', node: 'a' }))));
    const req = decodeRequest(encode({ v: 1, from: 'a', stationId: 'CS', action: 'Reset', payload: { type: 'Immediate' }, timeoutMs: 500 }));
    assert.equal(req.action, 'Reset');
  });

  test('every CLUSTER_ERR_* code has a row in docs/errors.md', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    for (const [code, text] of Object.entries(clusterErrorCodes)) assert.ok(doc.includes(`| \`${code}\` | ${text} |`), code);
  });
});
