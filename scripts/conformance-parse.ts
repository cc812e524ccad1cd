// Extracts every functional requirement (FR) of OCPP 2.1 Part 2 from the Markdown transcription:
// FR rows live in HTML tables whose first column is the ID (`B01.FR.05`, `A02.FR.19 (2.1)`, `FR.01`).
// Use-case titles come from the Part 0 use-case table, falling back to Part 2 headings.
import { parseTableGrid, segments, frRowsOfTable, type RawFrRow } from './conformance-html.ts';
import { normaliseUseCase, parseFrId } from './conformance-ids.ts';
import { parseErrata, type ErrataKind } from './conformance-errata.ts';
import { deriveSide, type DirectionOf, type Side, type SideBasis } from './conformance-side.ts';

export { parseFrId, normaliseUseCase };
export type { ErrataKind, Side, SideBasis };

export interface ErrataNote {
  /** Errata section number, e.g. "2.3". */
  section: string;
  kind: ErrataKind;
  title: string;
}

export interface FrRow {
  /** Unique key: the ID, plus `#2`, `#3`… for repeated occurrences of an ID in the spec. */
  key: string;
  /** Normalised requirement ID as printed, e.g. `B01.FR.05`, `O01.FR.18`, `FR.01`, `V2X.03`. */
  id: string;
  /** The first cell as transcribed, e.g. `001.FR.18(2.1)`. */
  rawId: string;
  /** Use case, e.g. `B01`; `A00` for the security-profile requirements; `GEN`, `SC`, `V2X` for generic rows. */
  useCase: string;
  useCaseTitle: string;
  /** Block letter A–S, or `GEN` for the generic requirements of Part 2 chapter 3. */
  block: string;
  blockName: string;
  /** Marked `(2.1)`: new or changed in OCPP 2.1. */
  new21: boolean;
  precondition: string;
  text: string;
  side: Side;
  sideBasis: SideBasis;
  /** True when the same ID occurs more than once in the source. */
  duplicate: boolean;
  source: 'part2' | 'errata';
  /** 1-based line of the table in its source file. */
  line: number;
  errata: ErrataNote[];
}

export const GENERIC_BLOCK = 'GEN';
export const GENERIC_BLOCK_NAME = 'Generic requirements (Part 2 §3)';
export const BLOCK_ORDER = [GENERIC_BLOCK, ...'ABCDEFGHIJKLMNOPQRS'.split('')];

const FALLBACK_BLOCK_NAMES: Record<string, string> = {
  A: 'Security', B: 'Provisioning', C: 'Authorization', D: 'Local Authorization List Management',
  E: 'Transactions', F: 'Remote Control', G: 'Availability', H: 'Reservation', I: 'Tariff and Cost',
  J: 'Meter Values', K: 'Smart Charging', L: 'Firmware Management', M: 'ISO 15118 Certificate Management',
  N: 'Diagnostics', O: 'Display Message', P: 'Data Transfer', Q: 'Bidirectional Power Transfer',
  R: 'DER Control', S: 'Battery Swapping',
};

const SPECIAL_USE_CASES: Record<string, { block: string; title: string }> = {
  GEN: { block: GENERIC_BLOCK, title: 'Generic requirements (Part 2 §3)' },
  A00: { block: 'A', title: 'Security profiles and general security requirements (Part 2 A §1)' },
  SC: { block: 'K', title: 'Smart charging signals from multiple actors (Part 2 K §4, SC.xx)' },
  V2X: { block: 'Q', title: 'Generic V2X requirements (Part 2 Q, V2X.xx)' },
};

export function blockOfUseCase(useCase: string): string {
  return SPECIAL_USE_CASES[useCase]?.block ?? useCase[0]!;
}

export interface Catalogue {
  useCaseTitles: Map<string, string>;
  blockNames: Map<string, string>;
}

/** Use-case titles and block names from Part 0 (use-case table and functional-block table). */
export function parsePart0(part0: string): Catalogue {
  const useCaseTitles = new Map<string, string>();
  const blockNames = new Map<string, string>();
  for (const seg of segments(part0)) {
    if (seg.kind !== 'table') continue;
    const grid = parseTableGrid(seg.text);
    const head = grid[0]?.map((c) => c.text.toLowerCase()) ?? [];
    const ucCol = head.indexOf('uc id');
    if (ucCol >= 0) {
      let clause = '';
      for (const row of grid.slice(1)) {
        const c = row[0]?.text.trim() ?? '';
        if (/^[A-S]$/.test(c)) clause = c;
        let uc = normaliseUseCase(row[ucCol]?.text ?? '');
        if (!/^[A-S]\d\d$/.test(uc)) continue;
        // The table lists S04 as "R04" under clause S: the clause letter wins.
        if (clause && uc[0] !== clause) uc = clause + uc.slice(1);
        const title = row[ucCol + 1]?.text ?? '';
        if (title && !useCaseTitles.has(uc)) useCaseTitles.set(uc, title);
      }
    } else if (head[0] === 'clause' && head[1]?.startsWith('functional block')) {
      for (const row of grid.slice(1)) {
        const letter = (row[0]?.text ?? '').replace(/\.$/, '').trim();
        if (/^[A-S]$/.test(letter) && row[1]?.text) blockNames.set(letter, row[1].text);
      }
    }
  }
  return { useCaseTitles, blockNames };
}

/** Use-case titles from Part 2 headings such as `# B01 - Cold Boot Charging Station - Requirements`. */
export function headingTitles(part2: string): Map<string, string> {
  const titles = new Map<string, string>();
  for (const seg of segments(part2)) {
    if (seg.kind !== 'heading') continue;
    const m = /^([A-Z0-9]\d\d)\s*[-–]\s*(.+?)(?:\s*-\s*(?:Requirements|Example).*)?$/.exec(seg.text);
    if (!m) continue;
    const uc = normaliseUseCase(m[1]!);
    if (/^[A-S]\d\d$/.test(uc) && !titles.has(uc)) titles.set(uc, m[2]!.trim());
  }
  return titles;
}

export interface ParseInput {
  part2: string;
  part0?: string;
  errata?: string;
  /** Sender of each action's request; lets a message-subject requirement ("XRequest SHALL …") get a side. */
  directionOf?: DirectionOf;
}

export interface ParseResult {
  rows: FrRow[];
  blockNames: Map<string, string>;
}

export function useCaseTitle(useCase: string, catalogue: Catalogue, headings: Map<string, string>): string {
  return SPECIAL_USE_CASES[useCase]?.title ?? catalogue.useCaseTitles.get(useCase) ?? headings.get(useCase) ?? '(untitled)';
}

function blockName(block: string, catalogue: Catalogue): string {
  if (block === GENERIC_BLOCK) return GENERIC_BLOCK_NAME;
  return catalogue.blockNames.get(block) ?? FALLBACK_BLOCK_NAMES[block] ?? block;
}

/** Every FR of Part 2 (plus FRs the errata add), with use case, block, side and errata notes. */
export function parseRequirements(input: ParseInput): ParseResult {
  const catalogue: Catalogue = input.part0 ? parsePart0(input.part0) : { useCaseTitles: new Map(), blockNames: new Map() };
  const headings = headingTitles(input.part2);
  const rows: FrRow[] = [];
  const make = (raw: RawFrRow, source: FrRow['source'], line: number): FrRow => {
    const { side, basis } = deriveSide(raw.text, input.directionOf);
    const block = blockOfUseCase(raw.parsed.useCase);
    return {
      key: raw.parsed.id,
      id: raw.parsed.id,
      rawId: raw.rawId,
      useCase: raw.parsed.useCase,
      useCaseTitle: useCaseTitle(raw.parsed.useCase, catalogue, headings),
      block,
      blockName: blockName(block, catalogue),
      new21: raw.parsed.new21,
      precondition: raw.precondition,
      text: raw.text,
      side,
      sideBasis: basis,
      duplicate: false,
      source,
      line,
      errata: [],
    };
  };
  for (const seg of segments(input.part2)) {
    if (seg.kind !== 'table') continue;
    for (const raw of frRowsOfTable(seg.text)) rows.push(make(raw, 'part2', seg.line));
  }
  if (input.errata) {
    const part2Ids = new Set(rows.map((r) => r.id));
    for (const entry of parseErrata(input.errata, part2Ids)) {
      const id = entry.row.parsed.id;
      let targets = rows.filter((r) => r.id === id);
      if (targets.length === 0) {
        const added = make(entry.row, 'errata', 0);
        rows.push(added);
        targets = [added];
      }
      for (const row of targets) {
        if (row.errata.some((n) => n.section === entry.section)) continue;
        row.errata.push({ section: entry.section, kind: entry.kind, title: entry.title });
      }
    }
  }
  // Keys: an ID that occurs more than once keeps all occurrences (`X.FR.01`, `X.FR.01#2`, …).
  const count = new Map<string, number>();
  for (const row of rows) count.set(row.id, (count.get(row.id) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const row of rows) {
    const n = (seen.get(row.id) ?? 0) + 1;
    seen.set(row.id, n);
    row.duplicate = (count.get(row.id) ?? 0) > 1;
    row.key = n === 1 ? row.id : `${row.id}#${n}`;
  }
  const blockNames = new Map(BLOCK_ORDER.map((b) => [b, blockName(b, catalogue)] as const));
  return { rows, blockNames };
}
