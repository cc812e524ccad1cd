import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { generate, loadRequirements, REPO_ROOT } from './conformance.ts';
import { parseFrId, normaliseUseCase } from './conformance-parse.ts';
import { parseTableGrid, frRowsOfTable } from './conformance-html.ts';
import { deriveSide } from './conformance-side.ts';
import { resolveStatuses } from './conformance-status.ts';
import { shortText } from './conformance-render.ts';

const { rows } = loadRequirements();
const byKey = new Map(rows.map((r) => [r.key, r] as const));
const get = (key: string) => {
  const row = byKey.get(key);
  assert.ok(row, `${key} should be parsed`);
  return row;
};

describe('conformance parser (OCPP 2.1 Part 2)', () => {
  test('finds a plausible number of FRs', () => {
    const part2 = rows.filter((r) => r.source === 'part2').length;
    // 1851 ID rows in the Part 2 transcription (grep of first table cells), plus errata additions.
    assert.equal(part2, 1851);
    assert.ok(rows.length > 1800, `total ${rows.length}`);
    for (const block of 'ABCDEFGHIJKLMNOPQRS') assert.ok(rows.some((r) => r.block === block), `block ${block} has FRs`);
  });

  test('specific rows exist with the right side, use case and block', () => {
    const b0105 = get('B01.FR.05');
    assert.equal(b0105.side, 'Station');
    assert.equal(b0105.new21, true);
    assert.equal(b0105.useCase, 'B01');
    assert.equal(b0105.useCaseTitle, 'Cold Boot Charging Station');
    assert.equal(b0105.blockName, 'Provisioning');
    assert.match(b0105.text, /NotifyEventRequest/);
    assert.equal(get('B01.FR.02').side, 'CSMS'); // "The CSMS SHALL respond to indicate whether it will accept…"
    assert.equal(get('B01.FR.10').side, 'CSMS');
    assert.equal(get('C01.FR.02').side, 'Station');
    assert.equal(get('E02.FR.07').side, 'Station');
    assert.equal(get('A00.FR.001').side, 'Both'); // "The Charging Station and CSMS SHALL only use one security profile"
    assert.equal(get('A00.FR.001').sideBasis, 'subject');
  });

  test('OCR-mangled use-case ids are normalised (001 -> O01, 102 -> I02)', () => {
    const o = get('O01.FR.18');
    assert.match(o.rawId, /^001\.FR\.18/);
    assert.equal(o.block, 'O');
    assert.equal(o.useCaseTitle, 'Set DisplayMessage');
    assert.ok(rows.some((r) => r.useCase === 'I02'));
    assert.ok(rows.every((r) => /^(?:[A-S]\d\d\.FR\.\d+|FR\.\d+|SC\.\d+|V2X\.\d+)(?:#\d+)?$/.test(r.key)), 'all keys canonical');
    assert.equal(normaliseUseCase('102'), 'I02');
    assert.equal(normaliseUseCase('001'), 'O01');
  });

  test('generic chapter-3 rows are kept as FR.xx in the generic section', () => {
    const fr01 = get('FR.01');
    assert.equal(fr01.block, 'GEN');
    assert.equal(fr01.useCase, 'GEN');
    assert.equal(get('FR.06').new21, true);
    assert.equal(get('FR.03').side, 'Both'); // "The Charging Station/CSMS SHALL respond …"
  });

  test('keys are unique; ids duplicated in the spec are kept and marked', () => {
    assert.equal(new Set(rows.map((r) => r.key)).size, rows.length);
    const first = get('I08.FR.31');
    const second = get('I08.FR.31#2');
    assert.equal(first.duplicate, true);
    assert.equal(second.duplicate, true);
    assert.notEqual(first.text, second.text);
    assert.equal(get('B01.FR.01').duplicate, false);
  });

  test('the (2.1) marker is parsed with and without a space', () => {
    assert.deepEqual(parseFrId('A02.FR.19 (2.1)'), { id: 'A02.FR.19', useCase: 'A02', number: 19, new21: true });
    assert.deepEqual(parseFrId('A02.FR.22(2.1)'), { id: 'A02.FR.22', useCase: 'A02', number: 22, new21: true });
    assert.equal(parseFrId('B01.FR.04')?.new21, false);
    assert.equal(parseFrId('B09.FR.2 2 (2.1)')?.id, 'B09.FR.22'); // OCR split in the errata
    assert.equal(parseFrId('N02-FR.23 (2.1)')?.id, 'N02.FR.23');
    assert.equal(parseFrId('A00.FR.001')?.id, 'A00.FR.001');
    assert.equal(parseFrId('Precondition'), null);
    assert.equal(get('A02.FR.19').new21, true);
    assert.equal(get('A02.FR.22').new21, true);
    assert.equal(get('B01.FR.04').new21, false);
  });

  test('errata notes: deleted, changed and added FRs', () => {
    assert.deepEqual(get('B07.FR.15').errata.map((n) => [n.section, n.kind]), [['2.1', 'deleted']]);
    assert.ok(get('E07.FR.07').errata.some((n) => n.kind === 'changed'));
    const added = get('F06.FR.20');
    assert.equal(added.source, 'errata');
    assert.equal(added.side, 'CSMS');
    assert.equal(added.new21, true);
    assert.equal(get('I08.FR.37').source, 'errata'); // renumbered duplicate; text comes from a rowspan cell
    assert.match(get('I08.FR.37').text, /notifyeventrequest/i);
  });
});

describe('table grid and side derivation', () => {
  test('rowspan cells do not shift later columns; a spanning ID gathers its requirement rows', () => {
    const html =
      '<table><tr><td>ID</td><td>Precondition</td><td>Requirement definition</td></tr>' +
      '<tr><td>X01.FR.01</td><td rowspan="2">shared pre</td><td>The CSMS SHALL a.</td></tr>' +
      '<tr><td>X01.FR.02</td><td>The Charging Station SHALL b.</td></tr>' +
      '<tr><td rowspan="2">X01.FR.03</td><td>p</td><td>part one</td></tr><tr><td>q</td><td>part two</td></tr></table>';
    assert.equal(parseTableGrid(html)[2]![2]!.text, 'The Charging Station SHALL b.');
    const fr = frRowsOfTable(html);
    assert.deepEqual(fr.map((r) => [r.parsed.id, r.precondition, r.text]), [
      ['X01.FR.01', 'shared pre', 'The CSMS SHALL a.'],
      ['X01.FR.02', 'shared pre', 'The Charging Station SHALL b.'],
      ['X01.FR.03', 'p q', 'part one part two'],
    ]);
  });

  test('deriveSide follows the subject of the keyword', () => {
    assert.deepEqual(deriveSide('The CSMS SHALL respond.'), { side: 'CSMS', basis: 'subject' });
    assert.deepEqual(deriveSide('The Charging Station SHALL NOT send.'), { side: 'Station', basis: 'subject' });
    assert.equal(deriveSide('The Charging Station and CSMS SHALL use TLS.').side, 'Both');
    assert.equal(deriveSide('The CSMS MAY ask. The Charging Station SHALL answer.').side, 'Both');
    assert.equal(deriveSide('If the CSMS is able to, it SHALL set status Accepted.').side, 'CSMS');
    assert.equal(deriveSide('The username SHALL be equal to the Charging Station identity.').basis, 'unclear');
    const dir = (a: string) => (a === 'NotifyReport' ? ('toCsms' as const) : a === 'GetVariables' ? ('toStation' as const) : undefined);
    assert.deepEqual(deriveSide('Every NotifyReportRequest SHALL contain the same requestId.', dir), { side: 'Station', basis: 'message' });
    assert.deepEqual(deriveSide('The GetVariablesResponse SHALL contain X.', dir), { side: 'Station', basis: 'message' });
    assert.deepEqual(deriveSide('The Unavailable status MUST be persistent.', dir), { side: 'Both', basis: 'unclear' });
  });

  test('shortText cuts at a word boundary', () => {
    const t = shortText('word '.repeat(60));
    assert.ok(t.length <= 141 && t.endsWith('…'));
  });
});

describe('status claims', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'cw-conformance-'));
  mkdirSync(join(tmp, 'pkg'));
  writeFileSync(join(tmp, 'pkg/boot.test.ts'), "test('[B01.FR.01] sends BootNotification', () => {});\n");
  writeFileSync(join(tmp, 'pkg/other.test.ts'), "test('unrelated', () => {});\n");
  const sample = [get('B01.FR.01'), get('B01.FR.02'), get('B01.FR.03')];

  test('done with a test that mentions the FR stays done; missing entries are open, n/a on the side the text does not constrain', () => {
    const { byKey: st, problems } = resolveStatuses(sample, { 'B01.FR.01': { station: 'done', csms: 'n/a', tests: ['pkg/boot.test.ts'] } }, { root: tmp });
    assert.deepEqual(problems, []);
    assert.equal(st.get('B01.FR.01')!.station, 'done');
    assert.equal(st.get('B01.FR.01')!.csms, 'n/a');
    const row3 = sample[2]!;
    assert.equal(row3.side, 'Station');
    assert.equal(row3.sideBasis, 'subject');
    assert.deepEqual(st.get('B01.FR.03'), { csms: 'n/a', station: 'open', tests: [], note: '' });
    const both = rows.find((r) => r.side === 'Both' && r.sideBasis === 'subject')!;
    const guessed = rows.find((r) => r.side === 'Station' && r.sideBasis !== 'subject')!;
    const r2 = resolveStatuses([both, guessed], {}, { root: tmp }).byKey;
    assert.deepEqual([r2.get(both.key)!.csms, r2.get(both.key)!.station], ['open', 'open']);
    assert.deepEqual([r2.get(guessed.key)!.csms, r2.get(guessed.key)!.station], ['open', 'open'], 'a guessed side never turns into n/a');
  });

  test('done without a proving test is downgraded to partial and reported', () => {
    const { byKey: st, problems } = resolveStatuses(
      sample,
      {
        'B01.FR.02': { csms: 'done' }, // no tests at all
        'B01.FR.03': { station: 'done', tests: ['pkg/other.test.ts', 'pkg/missing.test.ts'] }, // no mention / missing
      },
      { root: tmp },
    );
    assert.equal(st.get('B01.FR.02')!.csms, 'partial');
    assert.equal(st.get('B01.FR.03')!.station, 'partial');
    assert.ok(problems.some((p) => p.key === 'B01.FR.02' && /claims done/.test(p.message)));
    assert.ok(problems.some((p) => p.key === 'B01.FR.03' && /missing\.test\.ts does not exist/.test(p.message)));
  });

  test('unknown ids, fields and status values are reported', () => {
    const { problems } = resolveStatuses(sample, { 'B01.FR.99': { csms: 'done' }, 'B01.FR.01': { csms: 'finished', foo: 1 } as never }, { root: tmp });
    assert.ok(problems.some((p) => p.key === 'B01.FR.99' && /unknown FR id/.test(p.message)));
    assert.ok(problems.some((p) => /must be one of/.test(p.message)));
    assert.ok(problems.some((p) => /unknown field "foo"/.test(p.message)));
  });

  test('generate() counts a downgraded claim as partial in the summary and lists it', () => {
    const statusPath = join(tmp, 'status.json');
    writeFileSync(statusPath, JSON.stringify({ 'B01.FR.01': { station: 'done', tests: ['pkg/other.test.ts'] } }));
    const g = generate({ statusPath, root: tmp });
    const b = g.summary.find((s) => s.block === 'B')!;
    assert.equal(b.station.partial, 1);
    assert.equal(b.station.done, 0);
    assert.equal(g.problems.length, 1);
    assert.match(g.markdown, /## Status problems\n\n- `B01\.FR\.01`: station claims done/);
  });

  test('--check passes on the committed docs/conformance.md and fails on a bad claim or stale file', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/conformance.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
    const ok = run('--check');
    assert.equal(ok.status, 0, ok.stderr);
    const badStatus = join(tmp, 'bad.json');
    writeFileSync(badStatus, JSON.stringify({ 'B01.FR.01': { csms: 'done' } }));
    assert.equal(run('--check', '--status', badStatus).status, 1);
    const stale = join(tmp, 'stale.md');
    writeFileSync(stale, readFileSync(join(REPO_ROOT, 'docs/conformance.md'), 'utf8').replace('| B01.FR.05 |', '| B01.FR.5 |'));
    const r = run('--check', '--out', stale);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /out of date/);
  });

  test('output is deterministic', () => {
    assert.equal(generate().markdown, generate().markdown);
  });

  test.after(() => rmSync(tmp, { recursive: true, force: true }));
});
