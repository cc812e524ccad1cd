// Minimal HTML-table reader for the Markdown transcriptions of the OCPP specification.
// The transcriptions hold tables as `<table><tr><td rowspan=".." colspan="..">text</td>…</tr></table>`;
// this turns one such table into a grid where every (row, column) slot knows the cell covering it,
// so rowspan/colspan cells never shift the columns of the rows below them.

import { parseFrId, type ParsedId } from './conformance-ids.ts';

export interface GridCell {
  /** Decoded, whitespace-collapsed text of the cell. */
  text: string;
  /** True only in the slot where the cell starts (its top-left corner). */
  origin: boolean;
  rowspan: number;
  colspan: number;
}

const ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: ' ' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

export function cleanText(html: string): string {
  return decodeEntities(html.replace(/<br\s*\/?>/gi, ' ').replace(/<\/?(?:p|span|b|i|em|strong)\b[^>]*>/gi, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

function spanAttr(attrs: string, name: string): number {
  const m = new RegExp(`${name}\\s*=\\s*"?(\\d+)`, 'i').exec(attrs);
  const n = m ? parseInt(m[1]!, 10) : 1;
  return n >= 1 && n <= 50 ? n : 1;
}

/** Parses one `<table>…</table>` into a grid of rows; slots covered by a span repeat the cell with origin=false. */
export function parseTableGrid(tableHtml: string): GridCell[][] {
  const grid: GridCell[][] = [];
  const rowRe = /<tr\b[^>]*>([\s\S]*?)<\/tr>/gi;
  let rowMatch: RegExpExecArray | null;
  let r = 0;
  while ((rowMatch = rowRe.exec(tableHtml)) !== null) {
    const row = (grid[r] ??= []);
    const cellRe = /<t[dh]\b([^>]*)>([\s\S]*?)<\/t[dh]>/gi;
    let cellMatch: RegExpExecArray | null;
    let c = 0;
    while ((cellMatch = cellRe.exec(rowMatch[1]!)) !== null) {
      while (row[c]) c++; // skip slots already filled by a rowspan from above
      const attrs = cellMatch[1] ?? '';
      const cell: GridCell = {
        text: cleanText(cellMatch[2] ?? ''),
        origin: true,
        rowspan: spanAttr(attrs, 'rowspan'),
        colspan: spanAttr(attrs, 'colspan'),
      };
      for (let dr = 0; dr < cell.rowspan; dr++) {
        const target = (grid[r + dr] ??= []);
        for (let dc = 0; dc < cell.colspan; dc++) {
          target[c + dc] = dr === 0 && dc === 0 ? cell : { ...cell, origin: false };
        }
      }
      c += cell.colspan;
    }
    r++;
  }
  // Fill holes (ragged rows) so callers can index safely.
  return grid.map((row) => Array.from(row, (cell) => cell ?? { text: '', origin: false, rowspan: 1, colspan: 1 }));
}

interface Layout { id: number; pre: number; req: number }

/** Column layout from a header row (`ID | Precondition | Requirement definition | Note`), if this row is one. */
function headerLayout(row: GridCell[]): Layout | null {
  const names = row.map((c) => c.text.toLowerCase().replace(/\.$/, ''));
  const id = names.indexOf('id');
  if (id < 0) return null;
  const pre = names.findIndex((n) => n.startsWith('precondition'));
  const req = names.findIndex((n) => n.startsWith('requirement'));
  if (req < 0) return null;
  return { id, pre, req };
}

export interface RawFrRow {
  parsed: ParsedId;
  rawId: string;
  precondition: string;
  text: string;
  /** Content of the column before the ID column in errata tables (`Old`, `New`, `Delete`), if any. */
  marker: string;
}

/** All FR rows of one table. An ID cell spanning several rows gathers the requirement text of each. */
export function frRowsOfTable(tableHtml: string): RawFrRow[] {
  const grid = parseTableGrid(tableHtml);
  let layout: Layout = { id: 0, pre: 1, req: 2 };
  const out: RawFrRow[] = [];
  for (let r = 0; r < grid.length; r++) {
    const row = grid[r]!;
    const header = headerLayout(row);
    if (header) { layout = header; continue; }
    const idCell = row[layout.id];
    if (!idCell?.origin) continue;
    const parsed = parseFrId(idCell.text);
    if (!parsed) continue;
    const gather = (col: number): string => {
      if (col < 0) return '';
      const parts: string[] = [];
      for (let dr = 0; dr < idCell.rowspan; dr++) {
        const cell = grid[r + dr]?.[col];
        // A cell spanning down from an earlier row (shared precondition/requirement) counts for this row too.
        if (cell?.text && (cell.origin || dr === 0) && !parts.includes(cell.text)) parts.push(cell.text);
      }
      return parts.join(' ');
    };
    // Rows narrower than the header (`ID | requirement`) keep the requirement in their last cell.
    const reqCol = row.length > layout.req ? layout.req : row.length - 1;
    out.push({
      parsed,
      rawId: idCell.text,
      precondition: reqCol === layout.req ? gather(layout.pre) : '',
      text: reqCol > layout.id ? gather(reqCol) : '',
      marker: layout.id > 0 ? (row[0]?.text ?? '') : '',
    });
  }
  return out;
}

export interface Segment { kind: 'heading' | 'table'; text: string; line: number }

/** Headings and tables of a Markdown file, in order, with their 1-based line numbers. */
export function segments(markdown: string): Segment[] {
  const out: Segment[] = [];
  const re = /^(#+[ \t]+.*)$|<table\b[\s\S]*?<\/table>/gim;
  let line = 1;
  let last = 0;
  for (const m of markdown.matchAll(re)) {
    const idx = m.index ?? 0;
    for (let i = last; i < idx; i++) if (markdown.charCodeAt(i) === 10) line++;
    last = idx;
    if (m[1] !== undefined) out.push({ kind: 'heading', text: m[1].replace(/^#+\s*/, '').trim(), line });
    else out.push({ kind: 'table', text: m[0], line });
  }
  return out;
}
