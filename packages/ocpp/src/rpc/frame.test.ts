// Raw-frame tests of the OCPP-J framer (Part 4 §4) in both versions.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseFrame, serializeError, CALLERROR, CALLRESULTERROR, type ParseOutcome } from './frame.ts';

const v21 = { version: '2.1', unknownMessageType: 'ignore' } as const;
const v201 = { version: '2.0.1', unknownMessageType: 'error' } as const;

function replyOf(o: ParseOutcome): { id: string; code: string } {
  assert.equal(o.ok, false);
  assert.ok(!o.ok && o.reply, 'expected a CALLERROR reply');
  return { id: o.messageId, code: o.error.code };
}

describe('Part 4 framing', () => {
  test('§4.2.1 CALL parses with action and payload', () => {
    const o = parseFrame('[2,"19223201","BootNotification",{"reason":"PowerUp"}]', v21);
    assert.deepEqual(o, { ok: true, frame: { type: 2, messageId: '19223201', action: 'BootNotification', payload: { reason: 'PowerUp' } } });
  });
  test('§4.2.2 CALLRESULT, §4.2.3 CALLERROR parse', () => {
    assert.deepEqual(parseFrame('[3,"a",{"x":1}]', v21), { ok: true, frame: { type: 3, messageId: 'a', payload: { x: 1 } } });
    const e = parseFrame('[4,"a","NotSupported","nope",{}]', v21);
    assert.ok(e.ok && e.frame.type === 4 && e.frame.errorCode === 'NotSupported');
  });
  test('§4.2.3 invalid JSON -> CALLERROR RpcFrameworkError with messageId "-1"', () => {
    assert.deepEqual(replyOf(parseFrame('[2,"abc","Heartbeat",{', v21)), { id: '-1', code: 'RpcFrameworkError' });
    assert.deepEqual(replyOf(parseFrame('not json', v201)), { id: '-1', code: 'RpcFrameworkError' });
  });
  test('not an array / too short -> "-1"', () => {
    assert.deepEqual(replyOf(parseFrame('{"a":1}', v21)), { id: '-1', code: 'RpcFrameworkError' });
    assert.deepEqual(replyOf(parseFrame('[2]', v21)), { id: '-1', code: 'RpcFrameworkError' });
    assert.deepEqual(replyOf(parseFrame('"x"', v21)), { id: '-1', code: 'RpcFrameworkError' });
  });
  test('§4.1.4 messageId longer than 36 characters -> "-1"', () => {
    const id37 = 'x'.repeat(37);
    assert.deepEqual(replyOf(parseFrame(`[2,"${id37}","Heartbeat",{}]`, v21)), { id: '-1', code: 'RpcFrameworkError' });
    const ok36 = parseFrame(`[2,"${'x'.repeat(36)}","Heartbeat",{}]`, v21);
    assert.equal(ok36.ok, true);
  });
  test('messageId not a string -> "-1"', () => {
    assert.deepEqual(replyOf(parseFrame('[2,123,"Heartbeat",{}]', v21)), { id: '-1', code: 'RpcFrameworkError' });
  });
  test('CALL with the wrong element count keeps the readable id', () => {
    assert.deepEqual(replyOf(parseFrame('[2,"m1","Heartbeat"]', v21)), { id: 'm1', code: 'RpcFrameworkError' });
    assert.deepEqual(replyOf(parseFrame('[2,"m1",5,{}]', v21)), { id: 'm1', code: 'RpcFrameworkError' });
  });
  test('payload that is not an object -> FormatViolation; null is read as {} (§4.1.5)', () => {
    assert.deepEqual(replyOf(parseFrame('[2,"m1","Heartbeat",[]]', v21)), { id: 'm1', code: 'FormatViolation' });
    assert.deepEqual(replyOf(parseFrame('[2,"m1","Heartbeat","x"]', v21)), { id: 'm1', code: 'FormatViolation' });
    const n = parseFrame('[2,"m1","Heartbeat",null]', v21);
    assert.ok(n.ok && 'payload' in n.frame && JSON.stringify(n.frame.payload) === '{}');
  });
  test('§4.1.3 unknown message type is ignored under 2.1', () => {
    const o = parseFrame('[7,"m1","Foo",{}]', v21);
    assert.ok(!o.ok && !o.reply);
  });
  test('unknown message type under 2.0.1 -> CALLERROR MessageTypeNotSupported', () => {
    assert.deepEqual(replyOf(parseFrame('[7,"m1","Foo",{}]', v201)), { id: 'm1', code: 'MessageTypeNotSupported' });
    // SEND and CALLRESULTERROR do not exist in 2.0.1
    assert.deepEqual(replyOf(parseFrame('[6,"m2","NotifyPeriodicEventStream",{}]', v201)), { id: 'm2', code: 'MessageTypeNotSupported' });
    assert.deepEqual(replyOf(parseFrame('[5,"m3","GenericError","",{}]', v201)), { id: 'm3', code: 'MessageTypeNotSupported' });
  });
  test('2.1 knows CALLRESULTERROR (5) and SEND (6)', () => {
    const s = parseFrame('[6,"s1","NotifyPeriodicEventStream",{"id":1,"pending":0,"basetime":"2024-01-01T00:00:00Z","data":[]}]', v21);
    assert.ok(s.ok && s.frame.type === 6);
    const e = parseFrame('[5,"r1","FormatViolation","bad",{}]', v21);
    assert.ok(e.ok && e.frame.type === 5);
  });
  test('[FR.07 (2.1)] a malformed SEND is never answered', () => {
    const o = parseFrame('[6,"s1",5,{}]', v21);
    assert.ok(!o.ok && !o.reply);
    const p = parseFrame('[6,"s1","NotifyPeriodicEventStream",[]]', v21);
    assert.ok(!p.ok && !p.reply);
  });
  test('responses with unreadable ids are dropped, not answered', () => {
    const o = parseFrame('[3,42,{}]', v21);
    assert.ok(!o.ok && !o.reply);
  });
  test('MessageTypeId that is not an integer -> RpcFrameworkError', () => {
    assert.deepEqual(replyOf(parseFrame('["2","m1","Heartbeat",{}]', v21)), { id: 'm1', code: 'RpcFrameworkError' });
    assert.deepEqual(replyOf(parseFrame('[2.5,"m1","Heartbeat",{}]', v21)), { id: 'm1', code: 'RpcFrameworkError' });
  });
  test('§4.2.3 errorDescription at most 255 characters, errorDetails {} when empty', () => {
    const f = JSON.parse(serializeError(CALLERROR, 'm1', 'GenericError', 'é'.repeat(400)));
    assert.equal(f[3].length, 255);
    assert.deepEqual(f[4], {});
    assert.equal(f.length, 5);
    const g = JSON.parse(serializeError(CALLRESULTERROR, 'm1', 'FormatViolation', 'x', { a: 1 }));
    assert.deepEqual(g, [5, 'm1', 'FormatViolation', 'x', { a: 1 }]);
  });
  test('description clamping never splits a surrogate pair', () => {
    const s = 'a'.repeat(254) + '😀' + 'b';
    const f = JSON.parse(serializeError(CALLERROR, 'm', 'GenericError', s));
    assert.equal(f[3], 'a'.repeat(254));
  });
});
