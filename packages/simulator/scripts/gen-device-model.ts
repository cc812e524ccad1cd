// Generates packages/simulator/src/device-model/standard-variables.ts from the OCA device model
// appendix CSVs (dm_components_vars.csv, components.csv, variables.csv), enriched with mutability,
// variable instance, valuesList and min/max limits from Part 2 "Referenced Components and
// Variables" (the CSVs carry no mutability or limits).
// Usage: node --import tsx packages/simulator/scripts/gen-device-model.ts [--check]
//   --check: exit 1 if the checked-in file differs from what would be generated.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseCsvRecords } from '../src/device-model/csv.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const specDir = process.env.CHARGEWIRE_SPEC_DIR ?? fileURLToPath(new URL('../../../../shared/spec/ocpp2.1', import.meta.url));
const csvDir = join(specDir, 'Appendices_CSV_v2.0');
const part2 = join(specDir, 'OCPP-2.1_edition1_part2_specification.md');
const outFile = join(here, '../src/device-model/standard-variables.ts');

const DATA_TYPES = ['string', 'decimal', 'integer', 'dateTime', 'boolean', 'OptionList', 'SequenceList', 'MemberList'] as const;
type DataType = (typeof DATA_TYPES)[number];
type Mutability = 'ReadOnly' | 'WriteOnly' | 'ReadWrite';

interface Row {
  component: string; variable: string; instance?: string; mutability?: Mutability; dataType: DataType;
  unit?: string; valuesList?: string; minLimit?: number; maxLimit?: number; required: boolean; description: string;
}

function normDataType(s: string): DataType | undefined {
  const t = s.trim();
  return DATA_TYPES.find((d) => d.toLowerCase() === t.toLowerCase());
}

export function firstSentence(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  const m = /^(.*?[.!?])(\s+[A-Z(<"]|$)/.exec(t);
  return (m ? m[1]! : t).trim();
}

function decode(s: string): string {
  return s.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
}

interface Part2Entry { component: string; variable: string; instance?: string; required?: boolean;
  mutability?: Mutability; dataType?: DataType; unit?: string; valuesList?: string; minLimit?: number; maxLimit?: number; description?: string }

/** Extracts the component/variable tables of Part 2 "Chapter 2. Referenced Components and Variables". */
function parsePart2(md: string): Part2Entry[] {
  const start = md.indexOf('# Chapter 2. Referenced Components and Variables');
  const body = start >= 0 ? md.slice(start) : '';
  const out: Part2Entry[] = [];
  let pendingComponent: string | undefined; // tables split across pages: header in one fragment, variable in the next
  const isToken = (v: string) => /^[A-Za-z0-9_.:\-]+$/.test(v);
  for (const t of body.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
    const rows = (t.match(/<tr>[\s\S]*?<\/tr>/g) ?? []).map((r) =>
      [...r.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => decode(m[1]!)));
    const get = (...keys: string[]): string | undefined => {
      const r = rows.find((c) => c.slice(0, -1).some((k) => keys.some((key) => k.toLowerCase().startsWith(key))));
      return r ? r[r.length - 1] : undefined;
    };
    const varRow = rows.find((c) => c[0] === 'Variable');
    const component = get('componentname') ?? (varRow ? pendingComponent : undefined);
    pendingComponent = varRow ? undefined : get('componentname');
    const variable = varRow?.[varRow.length - 1];
    if (!component || !variable || !isToken(component) || !isToken(variable)) continue;
    const req = rows.find((c) => c[0] === 'Required')?.[1];
    const num = (v?: string) => (v !== undefined && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : undefined);
    const mut = get('mutability');
    const instance = get('variableinstance', 'instancename');
    // Only keep a valuesList that is an actual comma-separated list of tokens (not prose).
    const vl = get('valueslist', 'optionlist')?.replace(/^"|"$/g, '');
    const valuesList = vl && vl.split(',').every((v) => isToken(v.trim())) ? vl.split(',').map((v) => v.trim()).join(',') : undefined;
    out.push({
      component, variable,
      ...(instance && isToken(instance) ? { instance } : {}),
      ...(req !== undefined ? { required: req.toLowerCase() === 'yes' } : {}),
      ...(mut === 'ReadOnly' || mut === 'WriteOnly' || mut === 'ReadWrite' ? { mutability: mut } : {}),
      dataType: normDataType(get('datatype') ?? ''),
      unit: get('unit') || undefined,
      valuesList,
      minLimit: num(get('minlimit')), maxLimit: num(get('maxlimit')),
      description: rows.find((c) => c[0] === 'Description')?.[1],
    });
  }
  return out;
}

export function generate(): string {
  const read = (f: string) => parseCsvRecords(readFileSync(join(csvDir, f), 'utf8'), ';');
  const components = read('components.csv').map((r) => ({ name: r['Component']!, description: firstSentence(r['Description'] ?? '') }))
    .filter((c) => c.name && !/\s/.test(c.name));
  const generic = new Map<string, { dataType?: DataType; unit?: string; description: string }>();
  for (const r of read('variables.csv')) {
    if (!r['Name']) continue;
    generic.set(r['Name'], { dataType: normDataType(r['DataType'] ?? ''), unit: r['Unit'] || undefined, description: firstSentence(r['Description'] ?? '') });
  }
  const p2 = parsePart2(readFileSync(part2, 'utf8'));
  // Part 2 transcription has case typos (LocalauthorizeOffline) and 'Ctrl' for 'Ctrlr': match case-insensitively.
  const normComp = (c: string) => c.replace(/Ctrl$/, 'Ctrlr');
  const key = (c: string, v: string, i?: string) => `${normComp(c)}.${v}[${i ?? ''}]`.toLowerCase();
  const p2map = new Map(p2.map((e) => [key(e.component, e.variable, e.instance), e]));
  const rows = new Map<string, Row>();
  const add = (r: Row) => { if (!rows.has(key(r.component, r.variable, r.instance))) rows.set(key(r.component, r.variable, r.instance), r); };

  for (const r of read('dm_components_vars.csv')) {
    const component = r['Specific Component'] ?? '';
    const variable = r['Variable'] ?? '';
    if (!component || component === '<generic>' || /\s/.test(component) || !variable || /\s/.test(variable)) continue;
    const instRaw = r['Instance'] ?? '';
    // Placeholder instances ("<vendorId>", "1, 2 .. 20") are not concrete instances.
    const instance = instRaw && !/[<\s,]/.test(instRaw) ? instRaw : undefined;
    const e = p2map.get(key(component, variable, instance));
    const g = generic.get(variable);
    const dataType = normDataType(r['DataType'] ?? '') ?? e?.dataType ?? g?.dataType ?? 'string';
    add({
      component, variable, instance,
      mutability: e?.mutability, dataType,
      unit: r['Unit'] || e?.unit || undefined, valuesList: e?.valuesList, minLimit: e?.minLimit, maxLimit: e?.maxLimit,
      required: (r['Required?'] ?? '').toLowerCase() === 'yes' || e?.required === true,
      description: firstSentence(r['Description'] || e?.description || g?.description || ''),
    });
  }
  // Part 2 entries that the CSV does not list (e.g. renamed or newer variables).
  for (const e of p2) {
    add({
      component: normComp(e.component), variable: e.variable, instance: e.instance, mutability: e.mutability,
      dataType: e.dataType ?? generic.get(e.variable)?.dataType ?? 'string', unit: e.unit, valuesList: e.valuesList,
      minLimit: e.minLimit, maxLimit: e.maxLimit, required: e.required === true,
      description: firstSentence(e.description ?? generic.get(e.variable)?.description ?? ''),
    });
  }
  const sorted = [...rows.values()].sort((a, b) => (key(a.component, a.variable, a.instance) < key(b.component, b.variable, b.instance) ? -1 : 1));
  const lit = (o: object) => JSON.stringify(Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
  const genericRows = [...generic.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, g]) => lit({ name, dataType: g.dataType ?? 'string', unit: g.unit, description: g.description }));
  return [
    '// GENERATED by packages/simulator/scripts/gen-device-model.ts from the OCA OCPP 2.1 device model',
    '// appendix CSVs (dm_components_vars.csv, components.csv, variables.csv) and Part 2 "Referenced',
    '// Components and Variables" (mutability, instance, valuesList, limits). Do not edit by hand.',
    '// Source text (c) Open Charge Alliance, CC BY-ND 4.0.',
    '',
    "export type DataType = 'string' | 'decimal' | 'integer' | 'dateTime' | 'boolean' | 'OptionList' | 'SequenceList' | 'MemberList';",
    "export type Mutability = 'ReadOnly' | 'WriteOnly' | 'ReadWrite';",
    '',
    'export interface StandardComponent { name: string; description: string }',
    'export interface GenericVariable { name: string; dataType: DataType; unit?: string; description: string }',
    'export interface StandardVariable {',
    '  component: string; variable: string; instance?: string; mutability?: Mutability; dataType: DataType;',
    '  unit?: string; valuesList?: string; minLimit?: number; maxLimit?: number; required: boolean; description: string;',
    '}',
    '',
    'export const STANDARD_COMPONENTS: readonly StandardComponent[] = [',
    ...components.sort((a, b) => (a.name < b.name ? -1 : 1)).map((c) => `  ${lit(c)},`),
    '];',
    '',
    'export const GENERIC_VARIABLES: readonly GenericVariable[] = [',
    ...genericRows.map((r) => `  ${r},`),
    '];',
    '',
    'export const STANDARD_VARIABLES: readonly StandardVariable[] = [',
    ...sorted.map((r) => `  ${lit(r)},`),
    '];',
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = generate();
  if (process.argv.includes('--check')) {
    const current = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
    if (current !== text) {
      console.error(`device model drift: ${outFile} is out of date; run gen-device-model.ts`);
      process.exit(1);
    }
    console.log('device model up to date');
  } else {
    writeFileSync(outFile, text);
    console.log(`wrote ${outFile}`);
  }
}
