import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { FrameEvent } from '@chargewire/ocpp';
import { createJournal, frameHeader } from './journal.ts';
import type { JournalInput, Store } from './store/store.ts';

function journalOf(): { entries: JournalInput[]; onFrame(ev: FrameEvent): void } {
  const entries: JournalInput[] = [];
  const store = { appendJournal: async (e: JournalInput[]) => void entries.push(...e) } as unknown as Store;
  const j = createJournal('CS1', store, pino({ level: 'silent' }));
  return { entries, onFrame: (ev) => j.onFrame(ev) };
}

const frames: Array<{ direction: 'in' | 'out'; text: string }> = [
  { direction: 'in', text: '[2,"c1","Heartbeat",{}]' },
  { direction: 'out', text: '[3,"c1",{"currentTime":"2024-01-01T00:00:00Z"}]' },
  { direction: 'out', text: JSON.stringify([2, 'o1', 'SetVariables', { setVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: 'S3cret-password-0123' }] }]) },
  { direction: 'in', text: '[4,"o1","NotSupported","no",{}]' },
  { direction: 'in', text: '{garbage' },
];

test('the journal stores the same entries whether the endpoint hands over the parsed header or not', () => {
  const parsed = journalOf();
  const unparsed = journalOf();
  for (const [i, f] of frames.entries()) {
    const h = frameHeader(f.text);
    // what the endpoint passes: the header of every frame it could read, none for garbage
    parsed.onFrame({ ...f, at: 1_700_000_000_000 + i, ...(h.messageType ? h : {}) });
    unparsed.onFrame({ ...f, at: 1_700_000_000_000 + i });
  }
  assert.deepEqual(parsed.entries, unparsed.entries);
  assert.deepEqual(parsed.entries.map((e) => [e.direction, e.messageType, e.messageId, e.action]), [
    ['in', 2, 'c1', 'Heartbeat'],
    ['out', 3, 'c1', 'Heartbeat'], // a result carries the action of its CALL
    ['out', 2, 'o1', 'SetVariables'],
    ['in', 4, 'o1', 'SetVariables'],
    ['in', 0, '', undefined],
  ]);
  // [A01.FR.09] still redacted when the header comes from the endpoint
  assert.ok(!parsed.entries[2]!.payload.includes('S3cret-password-0123'));
  assert.equal(parsed.entries[4]!.payload, '{garbage');
  assert.equal(parsed.entries[0]!.at.valueOf(), 1_700_000_000_000);
});
