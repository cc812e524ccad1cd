// Reads the Part 2 chapter of the OCPP 2.1 Edition 1 errata (2025-09): which FRs each errata section
// changes, adds or deletes. Sections look like `# 2.3. Page 71 - (2025-09) - B09.FR.22/26/27/28 - …`
// followed by tables in the FR layout, optionally with an `Old` / `New` / `Delete` marker column.
import { frRowsOfTable, segments, type RawFrRow } from './conformance-html.ts';

export type ErrataKind = 'changed' | 'added' | 'deleted';

export interface ErrataEntry {
  section: string;
  title: string;
  kind: ErrataKind;
  row: RawFrRow;
}

/** Entries per FR row found in the errata's Part 2 chapter, in document order. */
export function parseErrata(errata: string, existingIds: Set<string>): ErrataEntry[] {
  const out: ErrataEntry[] = [];
  let inPart2 = false;
  let section = '';
  let title = '';
  let deletedContext = false;
  const lines = errata.split('\n');
  let lastLine = 0;
  for (const seg of segments(errata)) {
    if (seg.kind === 'heading') {
      const top = /^(\d+)\.\s/.exec(seg.text);
      if (top) inPart2 = top[1] === '2';
      const sec = /^(2\.\d+)\.\s*(.*)$/.exec(seg.text);
      if (inPart2 && sec) {
        section = sec[1]!;
        title = sec[2]!.trim();
        deletedContext = /\bdelet/i.test(title);
      }
      lastLine = seg.line;
      continue;
    }
    if (!inPart2 || !section) continue;
    // Prose between the previous segment and this table ("Deleted requirement", "New requirement").
    const prose = lines.slice(lastLine, seg.line - 1).join(' ');
    lastLine = seg.line;
    const proseDeleted = deletedContext || /\bdeleted requirement/i.test(prose);
    for (const row of frRowsOfTable(seg.text)) {
      const marker = row.marker.toLowerCase();
      if (marker === 'old') continue; // the "New" row of the same pair carries the change
      let kind: ErrataKind;
      if (marker.startsWith('delete') || proseDeleted) kind = 'deleted';
      else if (existingIds.has(row.parsed.id)) kind = 'changed';
      else kind = 'added';
      out.push({ section, title, kind, row });
    }
  }
  return out;
}
