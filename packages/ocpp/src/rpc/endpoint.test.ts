// Socket-free tests of the symmetric endpoint through an in-memory transport pair.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createEndpointPair } from './memory-transport.ts';
import { OcppError, RpcError } from './errors.ts';

const tick = (n = 3) => new Promise<void>(async (r) => { for (let i = 0; i < n; i++) await new Promise((s) => setImmediate(s)); r(); });
const boot = { reason: 'PowerUp', chargingStation: { model: 'M1', vendorName: 'V' } } as const;
const bootRes = () => ({ currentTime: new Date().toISOString(), interval: 300, status: 'Accepted' as const });
const last = (sent: string[]) => JSON.parse(sent[sent.length - 1] ?? 'null');
/** A station endpoint facing a raw, scripted CSMS side (no endpoint behind csmsTransport). */
function rawCsms(version: '2.0.1' | '2.1', opts: Parameters<typeof createEndpointPair>[0]['station'] = {}) {
  const pair = createEndpointPair({ version, station: opts });
  pair.csmsTransport.onMessage = undefined;
  return pair;
}

for (const version of ['2.0.1', '2.1'] as const) {
  describe(`endpoint (${version})`, () => {
    test('[FR.02] a valid request is answered with CALLRESULT; typed calls both directions', async () => {
      const { csms, station } = createEndpointPair({ version });
      csms.handle('BootNotification', async (ctx, req) => {
        assert.equal(ctx.identity, 'CS001');
        assert.equal(req.reason, 'PowerUp');
        return bootRes();
      });
      station.handle('Reset', async () => ({ status: 'Accepted' }));
      const r = await station.call('BootNotification', boot);
      assert.equal(r.status, 'Accepted');
      const s = await csms.call('Reset', { type: 'Immediate' });
      assert.equal(s.status, 'Accepted');
    });

    test('[FR.01] one outstanding CALL per direction; later calls queue in order', async () => {
      const { station, stationTransport, csmsTransport } = rawCsms(version);
      const p1 = station.call('Heartbeat', {});
      const p2 = station.call('Heartbeat', {});
      await tick();
      assert.equal(stationTransport.sent.length, 1, 'second CALL must wait for the first');
      const id1 = JSON.parse(stationTransport.sent[0]!)[1];
      csmsTransport.send(JSON.stringify([3, id1, { currentTime: '2024-01-01T00:00:00Z' }]));
      await p1;
      await tick();
      assert.equal(stationTransport.sent.length, 2);
      const id2 = JSON.parse(stationTransport.sent[1]!)[1];
      assert.notEqual(id1, id2);
      csmsTransport.send(JSON.stringify([3, id2, { currentTime: '2024-01-01T00:00:01Z' }]));
      assert.equal((await p2).currentTime, '2024-01-01T00:00:01Z');
    });

    test('call timeout frees the slot; a late CALLRESULT is ignored', async () => {
      const { station, stationTransport, csmsTransport } = rawCsms(version);
      const p1 = station.call('Heartbeat', {}, { timeoutMs: 30 });
      await assert.rejects(p1, (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_CALL_TIMEOUT');
      const p2 = station.call('Heartbeat', {});
      await tick();
      const id1 = JSON.parse(stationTransport.sent[0]!)[1];
      const id2 = JSON.parse(stationTransport.sent[1]!)[1];
      csmsTransport.send(JSON.stringify([3, id1, { currentTime: '2024-01-01T00:00:00Z' }])); // late
      csmsTransport.send(JSON.stringify([3, id2, { currentTime: '2024-01-01T00:00:02Z' }]));
      assert.equal((await p2).currentTime, '2024-01-01T00:00:02Z');
    });

    test('AbortSignal cancels a queued and an outstanding call', async () => {
      const { station } = rawCsms(version);
      const ac1 = new AbortController();
      const ac2 = new AbortController();
      const p1 = station.call('Heartbeat', {}, { signal: ac1.signal });
      const p2 = station.call('Heartbeat', {}, { signal: ac2.signal });
      ac2.abort();
      ac1.abort();
      await assert.rejects(p1, (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_ABORTED');
      await assert.rejects(p2, (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_ABORTED');
    });

    test('queue limit rejects with OCPP_ERR_QUEUE_FULL', async () => {
      const { station } = rawCsms(version, { limits: { maxQueuedCalls: 2 } });
      const ps = [0, 1, 2].map(() => station.call('Heartbeat', {}, { timeoutMs: 50 }).catch((e) => e));
      const extra = station.call('Heartbeat', {});
      await assert.rejects(extra, (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_QUEUE_FULL');
      station.close();
      await Promise.all(ps);
    });

    test('CALLERROR from the peer rejects with a remote RpcError carrying the code', async () => {
      const { csms, station } = createEndpointPair({ version });
      csms.handle('Heartbeat', async () => { throw new RpcError('SecurityError', 'not accepted yet'); });
      await assert.rejects(station.call('Heartbeat', {}), (e: unknown) =>
        e instanceof RpcError && e.code === 'SecurityError' && e.remote && e.message === 'not accepted yet');
    });

    test('a handler that throws a plain Error answers InternalError without leaking it', async () => {
      const { csms, csmsTransport } = createEndpointPair({ version });
      csms.handle('Heartbeat', async () => { throw new Error('secret db password in stack'); });
      csmsTransport.deliver('[2,"h1","Heartbeat",{}]');
      await tick();
      const f = last(csmsTransport.sent);
      assert.equal(f[0], 4);
      assert.equal(f[2], 'InternalError');
      assert.ok(!JSON.stringify(f).includes('secret'));
    });

    test('a handler returning an invalid response answers InternalError', async () => {
      const { csms, csmsTransport } = createEndpointPair({ version });
      csms.handle('Heartbeat', async () => ({ currentTime: 'yesterday' }) as never);
      csmsTransport.deliver('[2,"h1","Heartbeat",{}]');
      await tick();
      assert.deepEqual(last(csmsTransport.sent).slice(0, 3), [4, 'h1', 'InternalError']);
    });

    test('Part 4 Table 9: NotImplemented for an unknown action, NotSupported without a handler', async () => {
      const { csmsTransport } = createEndpointPair({ version });
      csmsTransport.deliver('[2,"a1","MakeCoffee",{}]');
      csmsTransport.deliver('[2,"a2","Authorize",{"idToken":{"idToken":"AB12","type":"ISO14443"}}]');
      await tick();
      assert.deepEqual(JSON.parse(csmsTransport.sent[0]!).slice(0, 3), [4, 'a1', 'NotImplemented']);
      assert.deepEqual(JSON.parse(csmsTransport.sent[1]!).slice(0, 3), [4, 'a2', 'NotSupported']);
    });

    test('[FR.03] schema violations map to the Part 4 error codes and name the field', async () => {
      const { csms, csmsTransport } = createEndpointPair({ version });
      let called = 0;
      csms.handle('BootNotification', async () => { called++; return bootRes(); });
      const cases: Array<[string, string, string]> = [
        ['[2,"b1","BootNotification",{"reason":"PowerUp"}]', 'OccurrenceConstraintViolation', 'chargingStation'],
        ['[2,"b2","BootNotification",{"reason":42,"chargingStation":{"model":"M","vendorName":"V"}}]', 'TypeConstraintViolation', 'reason'],
        ['[2,"b3","BootNotification",{"reason":"Bored","chargingStation":{"model":"M","vendorName":"V"}}]', 'PropertyConstraintViolation', 'reason'],
        [`[2,"b4","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"${'M'.repeat(21)}","vendorName":"V"}}]`, 'PropertyConstraintViolation', 'chargingStation.model'],
        ['[2,"b5","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"},"extra":1}]', 'ProtocolError', 'extra'],
      ];
      for (const [frame] of cases) csmsTransport.deliver(frame);
      await tick();
      assert.equal(called, 0);
      cases.forEach(([, code, field], i) => {
        const f = JSON.parse(csmsTransport.sent[i]!);
        assert.equal(f[2], code, `case ${i}: ${f[3]}`);
        assert.equal(f[4].field, field, `case ${i}`);
        assert.ok(f[3].length <= 255);
      });
    });

    test('dateTime with more than 3 fractional digits -> FormatViolation', async () => {
      const { station, stationTransport } = createEndpointPair({ version });
      station.handle('SetVariables', async () => ({ setVariableResult: [] }));
      stationTransport.deliver('[2,"d1","RequestStartTransaction",{"idToken":{"idToken":"A","type":"Central"},"remoteStartId":1}]');
      stationTransport.deliver('[2,"d2","ReserveNow",{"id":1,"expiryDateTime":"2024-01-01T00:00:00.1234Z","idToken":{"idToken":"A","type":"Central"}}]');
      await tick();
      assert.deepEqual(JSON.parse(stationTransport.sent[1]!).slice(0, 3), [4, 'd2', 'FormatViolation']);
    });

    test('outbound payloads are validated before sending; nothing goes on the wire', async () => {
      const { station, stationTransport } = createEndpointPair({ version });
      await assert.rejects(station.call('Heartbeat', { extra: 1 } as never), (e: unknown) =>
        e instanceof OcppError && e.code === 'OCPP_ERR_INVALID_OUTBOUND' && (e.cause as RpcError).code === 'ProtocolError');
      await assert.rejects(station.call('Reset', { type: 'Immediate' }), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_WRONG_DIRECTION');
      await assert.rejects(station.call('MakeCoffee' as never, {} as never), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_UNKNOWN_ACTION');
      assert.equal(stationTransport.sent.length, 0);
    });

    test('handle() refuses actions this role never receives, and double registration', () => {
      const { csms } = createEndpointPair({ version });
      assert.throws(() => csms.handle('Reset', async () => ({ status: 'Accepted' })), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_WRONG_DIRECTION');
      csms.handle('Heartbeat', async () => ({ currentTime: '2024-01-01T00:00:00Z' }));
      assert.throws(() => csms.handle('Heartbeat', async () => ({ currentTime: '2024-01-01T00:00:00Z' })), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_HANDLER_EXISTS');
      csms.handle('DataTransfer', async () => ({ status: 'UnknownVendorId' })); // 'both'
    });

    test('closing rejects queued and outstanding calls with OCPP_ERR_CLOSED', async () => {
      const { station, csms, csmsTransport } = createEndpointPair({ version });
      csmsTransport.onMessage = undefined;
      const p1 = station.call('Heartbeat', {});
      const p2 = station.call('Heartbeat', {});
      csms.close(1001, 'bye');
      for (const p of [p1, p2]) await assert.rejects(p, (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_CLOSED');
      await assert.rejects(station.call('Heartbeat', {}), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_CLOSED');
      assert.equal(station.closed, true);
    });

    test('bad-message budget: the connection closes with 1002 after maxBadMessages', async () => {
      const { csms, csmsTransport, stationTransport } = createEndpointPair({ version, csms: { limits: { maxBadMessages: 3 } } });
      let code = 0;
      const closed = new Promise<void>((r) => { stationTransport.onClose = (c) => { code = c; r(); }; });
      for (let i = 0; i < 5; i++) csmsTransport.deliver('{garbage');
      await closed;
      assert.equal(code, 1002);
      assert.equal(csms.closed, true);
      assert.equal(csmsTransport.sent.length, 4, 'three answered, the fourth answered then closed, the fifth dropped');
    });

    test('a duplicate messageId while the first is still being handled is refused', async () => {
      const { csms, csmsTransport } = createEndpointPair({ version });
      let release!: () => void;
      csms.handle('Heartbeat', () => new Promise((r) => { release = () => r({ currentTime: '2024-01-01T00:00:00Z' }); }));
      csmsTransport.deliver('[2,"dup","Heartbeat",{}]');
      csmsTransport.deliver('[2,"dup","Heartbeat",{}]');
      await tick();
      assert.deepEqual(JSON.parse(csmsTransport.sent[0]!).slice(0, 3), [4, 'dup', 'RpcFrameworkError']);
      release();
      await tick();
      assert.deepEqual(JSON.parse(csmsTransport.sent[1]!).slice(0, 2), [3, 'dup']);
    });

    test('inbound CALLs are handled one after another in arrival order', async () => {
      const { csms, csmsTransport } = createEndpointPair({ version });
      const order: string[] = [];
      csms.handle('Heartbeat', async (ctx) => {
        order.push(`start ${ctx.messageId}`);
        await new Promise((r) => setTimeout(r, ctx.messageId === 'a' ? 20 : 1));
        order.push(`end ${ctx.messageId}`);
        return { currentTime: '2024-01-01T00:00:00Z' };
      });
      csmsTransport.deliver('[2,"a","Heartbeat",{}]');
      csmsTransport.deliver('[2,"b","Heartbeat",{}]');
      await new Promise((r) => setTimeout(r, 60));
      assert.deepEqual(order, ['start a', 'end a', 'start b', 'end b']);
    });

    test('hooks see every frame and every finished call', async () => {
      const frames: string[] = [];
      const calls: string[] = [];
      const { csms, station } = createEndpointPair({
        version,
        csms: { hooks: { onFrame: (f) => frames.push(`${f.direction}:${f.text.slice(0, 2)}`), onCall: (c) => calls.push(`${c.direction}:${c.action}:${c.outcome}`) } },
      });
      csms.handle('Heartbeat', async () => ({ currentTime: '2024-01-01T00:00:00Z' }));
      await station.call('Heartbeat', {});
      assert.deepEqual(frames, ['in:[2', 'out:[3']);
      assert.deepEqual(calls, ['in:Heartbeat:result']);
    });

    test('onFrame carries the header the endpoint read or wrote (the same as parsing the text); none for an unreadable frame', async () => {
      const events: import('./hooks.ts').FrameEvent[] = [];
      const pair = createEndpointPair({ version, csms: { hooks: { onFrame: (f) => events.push(f) } } });
      pair.stationTransport.onMessage = undefined; // a scripted station
      pair.csms.handle('Heartbeat', async () => ({ currentTime: '2024-01-01T00:00:00Z' }));
      pair.stationTransport.send('[2,"h1","Heartbeat",{}]');
      pair.stationTransport.send('[2,"b1","BootNotification",{"reason":"NoSuchReason"}]'); // invalid -> CALLERROR
      pair.stationTransport.send('not json at all');
      await tick();
      const unread = events.filter((e) => e.messageType === undefined);
      assert.deepEqual(unread.map((e) => e.text), ['not json at all']);
      assert.equal(unread[0]!.messageId, undefined);
      const read = events.filter((e) => e.messageType !== undefined);
      for (const e of read) {
        const arr = JSON.parse(e.text) as unknown[];
        assert.equal(e.messageType, arr[0], e.text);
        assert.equal(e.messageId, arr[1], e.text);
        assert.equal(e.action, arr[0] === 2 || arr[0] === 6 ? arr[2] : undefined, e.text);
      }
      assert.deepEqual(read.map((e) => `${e.direction}:${e.messageType}:${e.messageId}:${e.action ?? ''}`).sort(),
        ['in:2:b1:BootNotification', 'in:2:h1:Heartbeat', 'out:3:h1:', 'out:4:-1:', 'out:4:b1:'].sort());
      if (version === '2.1') {
        // a SEND out (station side) carries its header too
        const sent: import('./hooks.ts').FrameEvent[] = [];
        const { station } = createEndpointPair({ version, station: { hooks: { onFrame: (f) => sent.push(f) } } });
        station.send('NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: '2024-01-01T00:00:00Z', data: [{ t: 0, v: '1' }] });
        const last = sent[sent.length - 1]!;
        assert.equal(last.messageType, 6);
        assert.equal(last.action, 'NotifyPeriodicEventStream');
        assert.equal(last.messageId, (JSON.parse(last.text) as unknown[])[1]);
      }
    });
  });
}

describe('version-specific rules', () => {
  test('[FR.06 (2.1)] an invalid CALLRESULT is answered with CALLRESULTERROR under 2.1', async () => {
    const { station, stationTransport, csmsTransport } = rawCsms('2.1');
    const p = station.call('Heartbeat', {});
    await tick();
    const id = JSON.parse(stationTransport.sent[0]!)[1];
    csmsTransport.send(JSON.stringify([3, id, { currentTime: 12 }]));
    await assert.rejects(p, (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_INVALID_RESPONSE' && (e.cause as RpcError).code === 'TypeConstraintViolation');
    await tick();
    assert.deepEqual(JSON.parse(stationTransport.sent[1]!).slice(0, 3), [5, id, 'TypeConstraintViolation']);
  });

  test('an invalid CALLRESULT under 2.0.1 rejects the call but sends nothing (no type 5 in 2.0.1)', async () => {
    const { station, stationTransport, csmsTransport } = rawCsms('2.0.1');
    const p = station.call('Heartbeat', {});
    await tick();
    const id = JSON.parse(stationTransport.sent[0]!)[1];
    csmsTransport.send(JSON.stringify([3, id, { currentTime: 12 }]));
    await assert.rejects(p, (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_INVALID_RESPONSE');
    await tick();
    assert.equal(stationTransport.sent.length, 1);
  });

  test('[FR.07 (2.1)] SEND is delivered to its handler and never answered, even when invalid', async () => {
    const { csms, station, csmsTransport } = createEndpointPair({ version: '2.1' });
    const got: unknown[] = [];
    csms.handle('NotifyPeriodicEventStream', async (_ctx, req) => { got.push(req); });
    const payload = { id: 1, pending: 0, basetime: '2024-08-27T12:30:40Z', data: [{ t: 0, v: '230.4' }] };
    station.send('NotifyPeriodicEventStream', payload);
    csmsTransport.deliver('[6,"x1","NotifyPeriodicEventStream",{"id":"wrong"}]');
    csmsTransport.deliver('[6,"x2","MakeCoffee",{}]');
    await tick();
    assert.deepEqual(got, [payload]);
    assert.equal(csmsTransport.sent.length, 0);
  });

  test('SEND may go while a CALL is outstanding', async () => {
    const { station, stationTransport } = rawCsms('2.1');
    void station.call('Heartbeat', {}, { timeoutMs: 100 }).catch(() => {});
    await tick();
    station.send('NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: '2024-08-27T12:30:40Z', data: [{ t: 0, v: '1' }] });
    assert.equal(stationTransport.sent.length, 2);
    assert.equal(JSON.parse(stationTransport.sent[1]!)[0], 6);
  });

  test('send() is refused under 2.0.1; NotifyPeriodicEventStream cannot go as CALL', async () => {
    const a = createEndpointPair({ version: '2.0.1' });
    assert.throws(() => a.station.send('NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: '2024-08-27T12:30:40Z', data: [{ t: 0, v: '1' }] }), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_SEND_UNSUPPORTED');
    const b = createEndpointPair({ version: '2.1' });
    await assert.rejects(b.station.call('NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: '2024-08-27T12:30:40Z', data: [{ t: 0, v: '1' }] }), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_WRONG_DIRECTION');
  });

  test('a 2.1-only action is NotImplemented on a 2.0.1 connection', async () => {
    const { csmsTransport } = createEndpointPair({ version: '2.0.1' });
    csmsTransport.deliver('[2,"n1","NotifyPriorityCharging",{"transactionId":"t","activated":true}]');
    await tick();
    assert.deepEqual(JSON.parse(csmsTransport.sent[0]!).slice(0, 3), [4, 'n1', 'NotImplemented']);
  });

  test('unknown message type: ignored under 2.1, MessageTypeNotSupported under 2.0.1', async () => {
    const a = createEndpointPair({ version: '2.1' });
    a.csmsTransport.deliver('[9,"u1","Foo",{}]');
    const b = createEndpointPair({ version: '2.0.1' });
    b.csmsTransport.deliver('[9,"u1","Foo",{}]');
    await tick();
    assert.equal(a.csmsTransport.sent.length, 0);
    assert.deepEqual(JSON.parse(b.csmsTransport.sent[0]!).slice(0, 3), [4, 'u1', 'MessageTypeNotSupported']);
  });

  test('CALLRESULTERROR from the peer reaches the hook', async () => {
    const seen: string[] = [];
    const { csmsTransport } = createEndpointPair({ version: '2.1', csms: { hooks: { onCallResultError: (e) => seen.push(e.errorCode) } } });
    csmsTransport.deliver('[5,"r1","FormatViolation","bad response",{}]');
    await tick();
    assert.deepEqual(seen, ['FormatViolation']);
    assert.equal(csmsTransport.sent.length, 0);
  });

  test('validation can be switched off', async () => {
    const { csms, station } = createEndpointPair({ version: '2.1', csms: { validate: false }, station: { validate: false } });
    csms.handle('Heartbeat', async () => ({ currentTime: 'whenever' }));
    assert.equal((await station.call('Heartbeat', {})).currentTime, 'whenever');
  });
});
