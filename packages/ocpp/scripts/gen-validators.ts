// Emits src/generated/validators.js (+ .d.ts): Ajv standalone validators, one per
// (version, action, request|response), that need no ajv at runtime.
// The OCA schema files stay byte-identical; everything below adapts in-memory copies:
//  - `$id`s are re-keyed per version (urn:chargewire:ocpp<version>:<Message>) and definitions
//    are shared per (version, decimal rule) in one definitions schema (see adaptSchemas);
//  - descriptions/javaType/comment are dropped (they only bloat the embedded schema copies);
//  - Part 2 §2.1.4 primitive rules the schemas do not carry are added (see primitives below).
import { createRequire } from 'node:module';
import AjvModule, { _, str, type KeywordCxt } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { identifierFields } from './identifier-fields.ts';
import type { ActionInfo } from './gen-actions.ts';
import type { JsonSchema, LoadedSchema } from './schema-io.ts';
import { HEADER } from './gen-types.ts';

const require = createRequire(import.meta.url);
const Ajv = AjvModule.default ?? AjvModule;
const standaloneCode = standaloneModule.default ?? standaloneModule;

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
/** Part 2 §2.1.4 decimal: at most six decimal places towards the Charging Station. */
export const MAX_DECIMAL_PLACES = 6;
/** Part 2 §2.1.4 identifierString: a-z A-Z 0-9 * - _ = : + | @ . */
export const IDENTIFIER_STRING_PATTERN = '^[a-zA-Z0-9*\\-_=:+|@.]*$';
/** Part 2 §2.1.4 dateTime: RFC 3339 date-time with at most 3 fractional-second digits. */
export const DATE_TIME_RE =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[Tt](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d{1,3})?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

// Decimal places of the shortest decimal string of n (String(n), exponent forms included):
// 0.1234567 -> 7, 1e-7 -> 7, 1.5e-7 -> 8, 1e21 -> 0. Kept as JS source so the same text is
// inlined into validators.js.
const DECIMAL_PLACES_SRC = `function decimalPlaces(n) {
  if (!Number.isFinite(n)) return 0;
  const m = /^(\\d+)(?:\\.(\\d+))?(?:e([+-]\\d+))?$/.exec(String(Math.abs(n)));
  if (!m) return 0;
  return Math.max(0, (m[2] || '').length - Number(m[3] || 0));
}`;
export const decimalPlaces = new Function(`return ${DECIMAL_PLACES_SRC}`)() as (n: number) => number;

// Runtime helpers inlined into validators.js in place of ajv/dist/runtime/* requires.
const RUNTIME_PRELUDE = `// Length in Unicode code points (surrogate pairs count once), as ajv/dist/runtime/ucs2length.
function ucs2length(str) {
  const len = str.length;
  let length = 0;
  let pos = 0;
  while (pos < len) {
    length++;
    const value = str.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < len) {
      const next = str.charCodeAt(pos);
      if ((next & 0xfc00) === 0xdc00) pos++;
    }
  }
  return length;
}
// Structural equality of JSON values, as ajv/dist/runtime/equal (fast-deep-equal).
function equal(a, b) {
  if (a === b) return true;
  if (a && b && typeof a == 'object' && typeof b == 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
  }
  return a !== a && b !== b;
}
// Decimal places of the shortest decimal string of n (exponent forms included).
${DECIMAL_PLACES_SRC}
`;

function stripDocs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripDocs);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' || k === 'javaType' || k === 'comment') continue;
    out[k] = k === 'enum' ? v : stripDocs(v);
  }
  return out;
}

function walkSchemaNodes(node: JsonSchema, fn: (n: JsonSchema) => void): void {
  fn(node);
  for (const p of Object.values(node.properties ?? {})) walkSchemaNodes(p, fn);
  for (const d of Object.values(node.definitions ?? {})) walkSchemaNodes(d, fn);
  if (node.items) walkSchemaNodes(node.items, fn);
}

export function towardsStation(direction: ActionInfo['direction'], kind: LoadedSchema['kind']): boolean {
  if (direction === 'both') return true;
  return direction === 'toStation' ? kind === 'request' : kind === 'response';
}

/** Part 2 §2.1.4 rules on one node tree (integer range; decimal places when towards the station). */
function addPrimitiveRules(node: JsonSchema, decimals: boolean): void {
  walkSchemaNodes(node, (n) => {
    if (n.type === 'integer') { // §2.1.4 integer: 32 bit signed
      n.minimum = Math.max(n.minimum ?? INT32_MIN, INT32_MIN);
      n.maximum = Math.min(n.maximum ?? INT32_MAX, INT32_MAX);
    }
    if (n.type === 'number' && decimals) n.maxDecimalPlaces = MAX_DECIMAL_PLACES; // §2.1.4 decimal
  });
}

/** §2.1.4 identifierString: `owner` is a definition name or a message name. */
function addIdentifierPatterns(owner: string, node: JsonSchema | undefined): void {
  for (const [o, field] of identifierFields) {
    const prop = o === owner ? node?.properties?.[field] : undefined;
    const target = prop?.type === 'array' ? prop.items : prop;
    if (target?.type === 'string') target.pattern = IDENTIFIER_STRING_PATTERN;
  }
}

const defsId = (version: string, decimals: boolean): string =>
  `urn:chargewire:ocpp${version}:definitions:${decimals ? 'towards-station' : 'from-station'}`;

function rewriteRefs(node: unknown, target: string): void {
  if (!node || typeof node !== 'object') return;
  const rec = node as Record<string, unknown>;
  if (typeof rec.$ref === 'string') rec.$ref = target + rec.$ref;
  for (const v of Object.values(rec)) rewriteRefs(v, target);
}

/**
 * In-memory adaptation (never written back to disk). Each message schema keeps only its root;
 * `#/definitions/X` refs point into one shared definitions schema per (version, decimal rule),
 * so a definition is compiled once per version instead of once per message. This is sound
 * because a definition name has one shape per version (gen-types.ts collectShapes checks it).
 */
export function adaptSchemas(schemas: LoadedSchema[], infos: ActionInfo[]): { schemas: JsonSchema[]; ids: Map<LoadedSchema, string> } {
  const dir = new Map(infos.map((a) => [a.name, a.direction]));
  const defs = new Map<string, Record<string, JsonSchema>>();
  const out: JsonSchema[] = [];
  const ids = new Map<LoadedSchema, string>();
  for (const s of schemas) {
    const decimals = towardsStation(dir.get(s.action)!, s.kind);
    const shared = defsId(s.version, decimals);
    const bucket = defs.get(shared) ?? {};
    defs.set(shared, bucket);
    for (const [name, d] of Object.entries(s.schema.definitions ?? {})) bucket[name] ??= d;
    const { definitions: _d, ...root } = stripDocs(s.schema) as JsonSchema;
    root.$id = `urn:chargewire:ocpp${s.version}:${s.messageName}`;
    addPrimitiveRules(root, decimals);
    addIdentifierPatterns(s.messageName, root);
    rewriteRefs(root, shared);
    out.push(root);
    ids.set(s, root.$id);
  }
  for (const [id, bucket] of [...defs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const definitions = stripDocs(Object.fromEntries(Object.entries(bucket).sort(([a], [b]) => (a < b ? -1 : 1)))) as Record<string, JsonSchema>;
    for (const [name, d] of Object.entries(definitions)) {
      addPrimitiveRules(d, id.endsWith('towards-station'));
      addIdentifierPatterns(name, d);
    }
    out.push({ $schema: 'http://json-schema.org/draft-06/schema#', $id: id, definitions });
  }
  return { schemas: out, ids };
}

function exportName(s: LoadedSchema): string {
  return `v${s.version.replace(/\./g, '_')}_${s.messageName}`;
}

function makeAjv() {
  const ajv = new Ajv({ code: { source: true, esm: true }, strict: false, allErrors: false, validateFormats: true, inlineRefs: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  ajv.addFormat('date-time', DATE_TIME_RE);
  ajv.addKeyword({
    keyword: 'maxDecimalPlaces',
    type: 'number',
    schemaType: 'number',
    error: {
      message: ({ schemaCode }) => str`must have at most ${schemaCode} decimal places`,
      params: ({ schemaCode }) => _`{limit: ${schemaCode}}`,
    },
    code(cxt: KeywordCxt) {
      const fn = cxt.gen.scopeValue('func', { ref: decimalPlaces, code: _`decimalPlaces` });
      cxt.fail(_`${fn}(${cxt.data}) > ${cxt.schema}`);
    },
  });
  return ajv;
}

export function renderValidators(schemas: LoadedSchema[], infos: ActionInfo[]): { js: string; dts: string } {
  const ajv = makeAjv();
  const adapted = adaptSchemas(schemas, infos);
  for (const schema of adapted.schemas) ajv.addSchema(schema);
  const mapping: Record<string, string> = {};
  for (const s of schemas) mapping[exportName(s)] = adapted.ids.get(s)!;
  let code: string = standaloneCode(ajv, mapping);
  const runtime = /const (func\d+) = require\("ajv\/dist\/runtime\/(\w+)"\)\.default;/g;
  code = code.replace(runtime, (_m, v: string, mod: string) => {
    if (mod !== 'ucs2length' && mod !== 'equal') throw new Error(`unhandled ajv runtime import ${mod}`);
    return `const ${v} = ${mod};`;
  });
  if (/require\(/.test(code)) throw new Error('standalone code still contains require()');
  code = code.replace(/^"use strict";/, '').replace(/;(function validate\d+\(|const (?:schema|func|pattern|formats)\d+ = |export const )/g, ';\n$1');
  const byVersion = new Map<string, LoadedSchema[]>();
  for (const s of schemas) byVersion.set(s.version, [...(byVersion.get(s.version) ?? []), s]);
  const table: string[] = ['export const validators = {'];
  for (const [version, list] of byVersion) {
    table.push(`  '${version}': {`);
    for (const a of [...new Set(list.map((s) => s.action))].sort()) {
      const parts = list.filter((s) => s.action === a).map((s) => `${s.kind}: ${exportName(s)}`);
      table.push(`    ${a}: { ${parts.join(', ')} },`);
    }
    table.push('  },');
  }
  table.push('};', '');
  const js = [
    HEADER,
    '// Ajv standalone validators (draft-06, allErrors: false) plus OCPP 2.1 Part 2 §2.1.4 rules:',
    '// dateTime (format), int32 range (minimum/maximum), at most 6 decimal places towards the',
    '// Charging Station (maxDecimalPlaces), identifierString characters (pattern). No runtime deps.',
    '/* eslint-disable */',
    RUNTIME_PRELUDE,
    code.trim(),
    '',
    ...table,
  ].join('\n');
  const dts = [
    HEADER,
    'export interface AjvLikeError {',
    '  keyword: string;',
    '  instancePath: string;',
    '  schemaPath: string;',
    '  params: Record<string, unknown>;',
    '  message?: string;',
    '}',
    'export type ValidateFn = ((data: unknown) => boolean) & { errors?: AjvLikeError[] | null };',
    'export interface ActionValidators {',
    '  request?: ValidateFn;',
    '  response?: ValidateFn;',
    '}',
    "export declare const validators: {",
    "  readonly '2.0.1': { readonly [action: string]: ActionValidators | undefined };",
    "  readonly '2.1': { readonly [action: string]: ActionValidators | undefined };",
    '};',
    '/** Decimal places of the shortest decimal string of n (Part 2 §2.1.4 decimal rule). */',
    'export declare function decimalPlaces(n: number): number;',
    '',
  ].join('\n');
  return { js: js.replace('function decimalPlaces(', 'export function decimalPlaces('), dts };
}
