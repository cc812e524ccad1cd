// Fuzz: malformed JSON, wrong types, huge and deeply nested frames thrown at the endpoint. Every input
// must end in a correct CALLERROR or be ignored — never a crash, a hang or an invalid reply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEndpointPair } from './memory-transport.ts';
import { rpcErrorCodes } from './errors.ts';
import { actions } from '../generated/actions.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const actionNames = Object.keys(actions);

function randomValue(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 3 ? 6 : 9));
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return Math.floor(r() * 2 ** 40) - 2 ** 39;
    case 3: return r() * 1e6;
    case 4: return 'x'.repeat(Math.floor(r() * 60));
    case 5: return actionNames[Math.floor(r() * actionNames.length)];
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(r() * 4); i++) o[['reason', 'chargingStation', 'idToken', 'type', 'evseId', 'status', 'a'][Math.floor(r() * 7)]!] = randomValue(r, depth + 1);
      return o;
    }
  }
}

function randomFrame(r: () => number): string {
  const k = Math.floor(r() * 10);
  const id = r() < 0.8 ? `m${Math.floor(r() * 1e6)}` : randomValue(r);
  const action = r() < 0.8 ? actionNames[Math.floor(r() * actionNames.length)] : randomValue(r);
  switch (k) {
    case 0: return JSON.stringify([2, id, action, randomValue(r)]).slice(0, Math.floor(r() * 40)); // truncated
    case 1: return JSON.stringify(randomValue(r));
    case 2: return JSON.stringify([Math.floor(r() * 10), id, action, randomValue(r), randomValue(r)]);
    case 3: return JSON.stringify([2, id, action]);
    case 4: return JSON.stringify([3, id, randomValue(r)]);
    case 5: return JSON.stringify([4, id, randomValue(r), randomValue(r), randomValue(r)]);
    case 6: return JSON.stringify([6, id, action, randomValue(r)]);
    case 7: return String.fromCharCode(...Array.from({ length: 20 }, () => Math.floor(r() * 256)));
    default: return JSON.stringify([2, id, action, randomValue(r)]);
  }
}

function assertValidReply(text: string): void {
  const f = JSON.parse(text) as unknown[];
  assert.ok(Array.isArray(f));
  if (f[0] === 3) return; // a handler answered a valid CALL
  assert.ok(f[0] === 4 || f[0] === 5, `reply type ${String(f[0])}`);
  assert.equal(f.length, 5);
  assert.equal(typeof f[1], 'string');
  assert.ok((f[1] as string).length <= 36);
  assert.ok((rpcErrorCodes as readonly unknown[]).includes(f[2]), `code ${String(f[2])}`);
  assert.ok(typeof f[3] === 'string' && f[3].length <= 255);
  assert.ok(typeof f[4] === 'object' && f[4] !== null && !Array.isArray(f[4]));
}

for (const version of ['2.0.1', '2.1'] as const) {
  test(`fuzz ${version}: 3000 random frames -> only valid error replies, no crash`, async () => {
    const r = rng(version === '2.1' ? 21 : 201);
    const { csms, csmsTransport } = createEndpointPair({ version, csms: { limits: { maxBadMessages: 0 } } });
    csms.handle('Heartbeat', async () => ({ currentTime: new Date().toISOString() }));
    csms.handle('DataTransfer', async () => ({ status: 'UnknownVendorId' }));
    const started = Date.now();
    for (let i = 0; i < 3000; i++) csmsTransport.deliver(randomFrame(r));
    await new Promise((res) => setTimeout(res, 50));
    assert.ok(Date.now() - started < 10_000, 'fuzz took too long');
    assert.ok(csmsTransport.sent.length > 500, `only ${csmsTransport.sent.length} replies`);
    for (const s of csmsTransport.sent) assertValidReply(s);
    assert.equal(csms.closed, false);
  });
}

test('deeply nested and huge frames are answered without a stack overflow or a hang', async () => {
  const { csms, csmsTransport } = createEndpointPair({ version: '2.1', csms: { limits: { maxBadMessages: 0 } } });
  csms.handle('BootNotification', async () => ({ currentTime: new Date().toISOString(), interval: 1, status: 'Accepted' }));
  const deep = '['.repeat(200_000) + ']'.repeat(200_000);
  const deepPayload = `[2,"d1","BootNotification",${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}]`;
  const deepInside = `[2,"d2","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V","modem":${'['.repeat(50_000)}${']'.repeat(50_000)}}}]`;
  const huge = `[2,"h1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"${'M'.repeat(2_000_000)}","vendorName":"V"}}]`;
  const t0 = Date.now();
  for (const f of [deep, deepPayload, deepInside, huge]) csmsTransport.deliver(f);
  await new Promise((res) => setTimeout(res, 20));
  assert.ok(Date.now() - t0 < 5000);
  assert.equal(csmsTransport.sent.length, 4);
  for (const s of csmsTransport.sent) assertValidReply(s);
  assert.deepEqual(csmsTransport.sent.map((s) => JSON.parse(s)[2]), ['RpcFrameworkError', 'OccurrenceConstraintViolation', 'TypeConstraintViolation', 'PropertyConstraintViolation']);
});
