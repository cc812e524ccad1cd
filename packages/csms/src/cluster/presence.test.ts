import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PresenceTable } from './presence.ts';

function table(timeoutMs = 1000, maxStations?: number) {
  let now = 10_000;
  const t = new PresenceTable({ self: 'me', timeoutMs, now: () => now, ...(maxStations ? { maxStations } : {}) });
  return { t, advance: (ms: number) => (now += ms) };
}

describe('cluster presence table', () => {
  test('up / down from another node; our own node is ignored', () => {
    const { t } = table();
    t.up('a', 'CS1', '2.1', 1);
    t.up('me', 'CS2', '2.1', 1);
    assert.deepEqual(t.owner('CS1'), { node: 'a', version: '2.1', at: 1 });
    assert.equal(t.owner('CS2'), undefined);
    t.down('a', 'CS1');
    assert.equal(t.owner('CS1'), undefined);
    assert.equal(t.countOf('a'), 0);
  });

  test('a station that moved: the newer connection wins, a late down of the old node is ignored', () => {
    const { t } = table();
    t.up('b', 'CS1', '2.0.1', 200);
    t.up('a', 'CS1', '2.1', 100); // older connection, arrives later
    assert.equal(t.owner('CS1')?.node, 'b');
    t.down('a', 'CS1');
    assert.equal(t.owner('CS1')?.node, 'b');
    assert.deepEqual([t.countOf('a'), t.countOf('b')], [0, 1]);
  });

  test('a node without messages for the timeout expires with all its stations', () => {
    const { t, advance } = table(1000);
    t.up('a', 'CS1', '2.1', 1);
    t.up('b', 'CS2', '2.1', 1);
    advance(600);
    t.seen('b');
    advance(600);
    assert.equal(t.owner('CS1'), undefined, 'offline as soon as the timeout passed, before the sweep');
    assert.deepEqual(t.sweep(), ['a']);
    assert.equal(t.size, 1);
    assert.equal(t.nodeCount, 1);
    assert.equal(t.owner('CS2')?.node, 'b');
  });

  test('replace(): a snapshot removes what the node no longer lists and adds the rest', () => {
    const { t } = table();
    t.up('a', 'OLD', '2.1', 1);
    t.up('b', 'MOVED', '2.1', 500);
    t.replace('a', [['NEW', '2.0.1', 2], ['MOVED', '2.1', 100]]);
    assert.equal(t.owner('OLD'), undefined);
    assert.equal(t.owner('NEW')?.version, '2.0.1');
    assert.equal(t.owner('MOVED')?.node, 'b', 'the newer connection on b is kept');
    assert.equal(t.countOf('a'), 1);
  });

  test('dropNode() (bye) and the maxStations bound', () => {
    const { t } = table(1000, 2);
    t.up('a', 'CS1', '2.1', 1);
    t.up('a', 'CS2', '2.1', 1);
    t.up('a', 'CS3', '2.1', 1);
    assert.equal(t.size, 2);
    assert.equal(t.dropped, 1);
    assert.equal(t.dropNode('a'), 2);
    assert.equal(t.size, 0);
  });
});
