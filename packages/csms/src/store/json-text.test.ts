// jsonString must write exactly what JSON.stringify writes for a string: canonicalJson's output is the
// TransactionEvent fingerprint's input, and a changed text would stop stored fingerprints matching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonString } from './json-text.ts';

test('jsonString equals JSON.stringify for every UTF-16 code unit alone and between plain text', () => {
  for (let c = 0; c <= 0xffff; c++) {
    const ch = String.fromCharCode(c);
    assert.equal(jsonString(ch), JSON.stringify(ch), `U+${c.toString(16)}`);
    assert.equal(jsonString(`Outlet${ch}Wh`), JSON.stringify(`Outlet${ch}Wh`), `U+${c.toString(16)} inside`);
  }
});

test('jsonString equals JSON.stringify for surrogate pairs, lone surrogates, the empty string and 5,000 random strings', () => {
  for (const s of ['', '\ud83d\ude00', 'a\ud83d', '\ude00b', '\ude00\ud83d', 'Energy.Active.Import.Register', '2026-11-30T16:50:09.123Z']) {
    assert.equal(jsonString(s), JSON.stringify(s), JSON.stringify(s));
  }
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const units = [0x0, 0x1f, 0x20, 0x22, 0x41, 0x5c, 0x7f, 0xe9, 0x2028, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffd];
  for (let n = 0; n < 5000; n++) {
    let s = '';
    for (let i = Math.floor(rnd() * 12); i > 0; i--) s += String.fromCharCode(rnd() < 0.7 ? 0x61 + Math.floor(rnd() * 26) : units[Math.floor(rnd() * units.length)]!);
    assert.equal(jsonString(s), JSON.stringify(s), JSON.stringify(s));
  }
});
