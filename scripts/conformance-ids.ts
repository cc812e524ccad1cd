// Requirement IDs as they appear in the OCPP 2.1 transcriptions, and their canonical form.

/** Use-case prefix as transcribed -> canonical: OCR turns `I02` into `102` and `O01` into `001`. */
export function normaliseUseCase(prefix: string): string {
  const p = prefix.trim().toUpperCase();
  if (/^0\d\d$/.test(p)) return `O${p.slice(1)}`;
  if (/^1\d\d$/.test(p)) return `I${p.slice(1)}`;
  return p;
}

export interface ParsedId {
  id: string;
  useCase: string;
  number: number;
  new21: boolean;
}

/**
 * Parses an ID cell. Accepts `B01.FR.05`, `A02.FR.19 (2.1)`, `A02.FR.22(2.1)`, `102.FR.01`,
 * `N02-FR.23 (2.1)`, `B09.FR.2 2 (2.1)` (OCR split), `B10.FR.10 (new)`, `FR.06 (2.1)`, `SC.01`, `V2X.03`.
 */
export function parseFrId(cell: string): ParsedId | null {
  const t = cell.replace(/\s+/g, ' ').trim();
  const suffix = String.raw`\s*(\(\s*2\.1\s*\)|\(\s*new\s*\))?\s*`;
  let m = new RegExp(String.raw`^([A-Z0-9][0-9]{2})\s*[.\-]\s*FR\s*\.\s*(\d(?:\s?\d){0,2})${suffix}$`).exec(t);
  if (m) {
    const digits = m[2]!.replace(/\s/g, '');
    const useCase = normaliseUseCase(m[1]!);
    // A00 numbers are printed with three digits (A00.FR.001); elsewhere two (a stray `034` is 34).
    const num = parseInt(digits, 10);
    const printed = useCase === 'A00' ? digits.padStart(3, '0') : String(num).padStart(2, '0');
    return { id: `${useCase}.FR.${printed}`, useCase, number: num, new21: /2\.1/.test(m[3] ?? '') };
  }
  m = new RegExp(String.raw`^(FR|SC|V2X)\s*\.\s*(\d{1,3})${suffix}$`).exec(t);
  if (m) {
    const num = parseInt(m[2]!, 10);
    const useCase = m[1] === 'FR' ? 'GEN' : m[1]!;
    return { id: `${m[1]}.${String(num).padStart(2, '0')}`, useCase, number: num, new21: /2\.1/.test(m[3] ?? '') };
  }
  return null;
}
