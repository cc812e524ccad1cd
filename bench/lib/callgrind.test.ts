// The callgrind dump reader of `npm run bench -- instructions`: self costs by object and function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { objectLabel, parseCallgrind } from './callgrind.ts';

// A dump as callgrind 3.19 writes it with --compress-strings=yes, --compress-pos=yes (relative positions)
const dump = `# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 8180
cmd:  node /tmp/t.js
part: 1
thread: 3

desc: Trigger: dump window

positions: line
events: Ir
summary: 1700

ob=(1) /usr/bin/node
fl=(1) ???
fn=(1) Builtins_LoadIC
0 100
+2 50
cob=(2) /usr/lib/x86_64-linux-gnu/libc.so.6
cfi=(2) ???
cfn=(2) memcpy
calls=3 0
* 900
-1 25

ob=(2)
fl=(2)
fn=(2)
0 300
fn=(3) sqlite3VdbeExec
ob=(3) /work/node_modules/better-sqlite3/build/Release/better_sqlite3.node
0 400
fn=(1)
ob=(1)
0 25

totals: 900
`;

test('parseCallgrind: self costs by object and function; a call\'s inclusive cost is not self cost; compressed names resolve', () => {
  const t = parseCallgrind(dump);
  assert.equal(t.thread, 3);
  assert.equal(t.total, 900, 'totals: line');
  assert.deepEqual(Object.fromEntries(t.byObject), {
    '/usr/bin/node': 100 + 50 + 25 + 25,
    '/usr/lib/x86_64-linux-gnu/libc.so.6': 300,
    '/work/node_modules/better-sqlite3/build/Release/better_sqlite3.node': 400,
  });
  assert.equal(t.byFunction.get('Builtins_LoadIC\t/usr/bin/node'), 200);
  assert.equal(t.byFunction.get('memcpy\t/usr/lib/x86_64-linux-gnu/libc.so.6'), 300);
  assert.equal(t.byFunction.get('sqlite3VdbeExec\t/work/node_modules/better-sqlite3/build/Release/better_sqlite3.node'), 400);
  const sum = [...t.byObject.values()].reduce((a, b) => a + b, 0);
  assert.equal(sum, t.total, 'the self costs add up to the total');
});

test('parseCallgrind: without a totals line the total is the sum of the self costs', () => {
  const t = parseCallgrind(dump.replace('totals: 900\n', ''));
  assert.equal(t.total, 900);
  assert.equal(t.thread, 3);
});

test('objectLabel names the parts of a node process', () => {
  assert.match(objectLabel('???'), /JIT/);
  assert.match(objectLabel('/work/node_modules/better-sqlite3/build/Release/better_sqlite3.node'), /SQLite/);
  assert.match(objectLabel('/usr/bin/node'), /node binary/);
  assert.equal(objectLabel('/usr/lib/x86_64-linux-gnu/libc.so.6'), 'libc');
  assert.equal(objectLabel('/usr/lib/x86_64-linux-gnu/libz.so.1'), 'libz.so.1');
});
