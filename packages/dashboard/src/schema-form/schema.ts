// JSON-schema driven forms: resolve $refs against the OpenAPI document, make an empty draft, and turn
// a draft into the request payload with one error per field path (a.b[0].c) before anything is sent.

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  default?: unknown;
}

/** A form value: strings for leaves (as typed), objects/arrays as such, undefined = left out. */
export type Draft = string | Draft[] | { [key: string]: Draft } | undefined;
export type FieldErrors = Record<string, string>;

/** Properties the form does not show (vendor extension data). */
export const HIDDEN_PROPERTIES = new Set(['customData']);

/** Follow `$ref`s (`#/components/schemas/X` or `#/definitions/X`) within `root`. */
export function resolve(schema: JsonSchema, root: unknown): JsonSchema {
  let s = schema;
  for (let i = 0; i < 20 && s.$ref; i++) {
    const parts = s.$ref.replace(/^#\//, '').split('/');
    let cur: unknown = root;
    for (const p of parts) cur = (cur as Record<string, unknown> | undefined)?.[p];
    if (!cur) throw new Error(`unresolved schema reference ${s.$ref}`);
    const { $ref: _r, ...rest } = s;
    s = { ...(cur as JsonSchema), ...rest };
  }
  return s;
}

export function kindOf(s: JsonSchema): 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (t === 'object' || t === 'array' || t === 'integer' || t === 'number' || t === 'boolean') return t;
  if (!t && s.properties) return 'object';
  return 'string';
}

export const childPath = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** API / OCPP field paths (`a.0.b`, `a[0].b`) in the form's notation (`a[0].b`). */
export function normalizePath(field: string): string {
  return field.replace(/^body\.?/, '').replace(/\.(\d+)(?=\.|\[|$)/g, '[$1]');
}

/** The empty draft: required objects present with their required children, everything else left out. */
export function initDraft(schema: JsonSchema, root: unknown, required = true, depth = 0): Draft {
  const s = resolve(schema, root);
  const k = kindOf(s);
  if (k === 'object') {
    if (!required || depth > 8) return undefined;
    const out: Record<string, Draft> = {};
    for (const [key, child] of Object.entries(s.properties ?? {})) {
      if (HIDDEN_PROPERTIES.has(key)) continue;
      const d = initDraft(child, root, (s.required ?? []).includes(key), depth + 1);
      if (d !== undefined) out[key] = d;
    }
    return out;
  }
  if (k === 'array') {
    if (!required) return undefined;
    return Array.from({ length: Math.max(1, s.minItems ?? 0) }, () => initDraft(s.items ?? {}, root, true, depth + 1));
  }
  if (s.default !== undefined) return String(s.default);
  return '';
}

/** Build the payload from a draft, collecting field errors. */
export function buildValue(schema: JsonSchema, root: unknown, draft: Draft): { value: unknown; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const value = build(schema, root, draft, '', true, errors);
  return { value: value === undefined ? {} : value, errors };
}

function build(schema: JsonSchema, root: unknown, draft: Draft, path: string, required: boolean, errors: FieldErrors): unknown {
  const s = resolve(schema, root);
  const k = kindOf(s);
  const missing = () => {
    if (required) errors[path] = 'required';
    return undefined;
  };
  if (k === 'object') {
    if (draft === undefined || typeof draft !== 'object' || Array.isArray(draft)) return missing();
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(s.properties ?? {})) {
      if (HIDDEN_PROPERTIES.has(key)) continue;
      const v = build(child, root, draft[key], childPath(path, key), (s.required ?? []).includes(key), errors);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  if (k === 'array') {
    if (!Array.isArray(draft)) return missing();
    const items = draft.map((d, i) => build(s.items ?? {}, root, d, childPath(path, i), true, errors));
    if (s.minItems !== undefined && items.length < s.minItems) errors[path] = `needs at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`;
    if (s.maxItems !== undefined && items.length > s.maxItems) errors[path] = `at most ${s.maxItems} items`;
    return items;
  }
  const text = typeof draft === 'string' ? draft : '';
  if (text === '') return missing();
  const error = leafError(s, k, text);
  if (error) {
    errors[path] = error;
    return undefined;
  }
  if (k === 'integer' || k === 'number') return Number(text);
  if (k === 'boolean') return text === 'true';
  return text;
}

/** Why a typed leaf value is invalid, or undefined. */
export function leafError(s: JsonSchema, k: ReturnType<typeof kindOf>, text: string): string | undefined {
  if (k === 'integer' || k === 'number') {
    const ok = k === 'integer' ? /^-?\d+$/.test(text.trim()) : text.trim() !== '' && Number.isFinite(Number(text));
    if (!ok) return k === 'integer' ? 'must be a whole number' : 'must be a number';
    const n = Number(text);
    if (s.minimum !== undefined && n < s.minimum) return `must be at least ${s.minimum}`;
    if (s.maximum !== undefined && n > s.maximum) return `must be at most ${s.maximum}`;
    return undefined;
  }
  if (k === 'boolean') return text === 'true' || text === 'false' ? undefined : 'must be true or false';
  if (s.enum && !s.enum.includes(text)) return `must be one of ${s.enum.join(', ')}`;
  if (s.maxLength !== undefined && text.length > s.maxLength) return `at most ${s.maxLength} characters (has ${text.length})`;
  if (s.minLength !== undefined && text.length < s.minLength) return `at least ${s.minLength} characters`;
  if (s.format === 'date-time' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text)) return 'must be a date-time like 2026-01-31T12:00:00Z';
  return undefined;
}

/** Pick the request schema of `action` for the station's OCPP version out of /openapi.json. */
export function actionRequestSchema(openapi: unknown, action: string, version: string | undefined): JsonSchema | undefined {
  const doc = openapi as { paths?: Record<string, { post?: { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } } }> };
  const path = Object.keys(doc.paths ?? {}).find((p) => p.endsWith(`/ocpp/${action}`));
  const schema = path ? doc.paths?.[path]?.post?.requestBody?.content?.['application/json']?.schema : undefined;
  if (!schema) return undefined;
  const options = schema.anyOf ?? [schema];
  const prefix = version === '2.0.1' ? 'OCPP201_' : 'OCPP21_';
  return options.find((o) => o.$ref?.includes(`/${prefix}`)) ?? options[0];
}

/** CSMS-to-station actions listed in /openapi.json, with the versions that have them. */
export function commandActions(openapi: unknown): Array<{ action: string; versions: string[] }> {
  const doc = openapi as { paths?: Record<string, { post?: { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } } }> };
  const out: Array<{ action: string; versions: string[] }> = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const m = /\/api\/stations\/\{id\}\/ocpp\/([A-Za-z0-9]+)$/.exec(path);
    if (!m) continue;
    const schema = item.post?.requestBody?.content?.['application/json']?.schema;
    const refs = (schema?.anyOf ?? (schema ? [schema] : [])).map((s) => s.$ref ?? '');
    const versions = [...(refs.some((r) => r.includes('/OCPP21_')) ? ['2.1'] : []), ...(refs.some((r) => r.includes('/OCPP201_')) ? ['2.0.1'] : [])];
    out.push({ action: m[1]!, versions });
  }
  return out.sort((a, b) => a.action.localeCompare(b.action));
}
