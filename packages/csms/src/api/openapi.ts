// OpenAPI 3.1 document built from the registered routes' schemas. The generic command route is
// expanded into one path per CSMS-to-station action, whose request/response bodies are the official
// OCA schemas (definitions hoisted into components, $id/$schema dropped: renaming in code only).
import type { RouteOptions } from 'fastify';
import { isDeepStrictEqual } from 'node:util';
import { actions, type OcppVersion } from '@chargewire/ocpp';
import { loadSchema } from '@chargewire/ocpp';
import { apiErrorCodes, errorSchema } from './errors.ts';
import { csmsToStationActions } from './routes/command.ts';

declare module 'fastify' {
  /** Documentation keys read by buildOpenApi (Fastify itself ignores them). */
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: readonly string[];
    hide?: boolean;
    /** The generic command route: documented as one path per CSMS-to-station action. */
    'x-ocpp-command'?: boolean;
    /** The body is this OCPP action's request payload (documented with the OCA schemas). */
    'x-ocpp-action'?: string;
  }
}

type Json = Record<string, unknown>;
const VERSIONS: OcppVersion[] = ['2.1', '2.0.1'];
const prefixOf = (v: OcppVersion) => (v === '2.1' ? 'OCPP21_' : 'OCPP201_');

/** Deep copy with `$ref`s rewritten by `ref`. */
function mapRefs(node: unknown, ref: (r: string) => string): unknown {
  if (Array.isArray(node)) return node.map((n) => mapRefs(n, ref));
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' ? ref(v) : mapRefs(v, ref);
  return out;
}

const apiRefs = (schema: unknown) => mapRefs(schema, (r) => (r === 'ApiError#' ? '#/components/schemas/ApiError' : r));

export class OcppComponents {
  readonly schemas: Json = {};
  /** Component ref of an action's request/response schema for one version (hoisting its definitions). */
  ref(version: OcppVersion, action: string, kind: 'request' | 'response'): string {
    const p = prefixOf(version);
    const name = `${p}${action}${kind === 'request' ? 'Request' : 'Response'}`;
    if (!this.schemas[name]) {
      const { $schema: _s, $id: _i, definitions, ...root } = loadSchema(version, action, kind) as Json & { definitions?: Record<string, unknown> };
      const names = new Map<string, string>();
      for (const [def, body] of Object.entries(definitions ?? {})) {
        let target = `${p}${def}`;
        const existing = this.schemas[target];
        if (existing !== undefined && !isDeepStrictEqual(existing, body)) target = `${p}${action}_${def}`;
        names.set(def, target);
      }
      const rewrite = (r: string) => {
        const m = /^#\/definitions\/(.+)$/.exec(r);
        return m && names.has(m[1]!) ? `#/components/schemas/${names.get(m[1]!)}` : r;
      };
      for (const [def, body] of Object.entries(definitions ?? {})) this.schemas[names.get(def)!] ??= mapRefs(body, rewrite);
      this.schemas[name] = mapRefs(root, rewrite);
    }
    return `#/components/schemas/${name}`;
  }
}

function parametersOf(schema: Json): Json[] {
  const out: Json[] = [];
  for (const [where, key] of [['path', 'params'], ['query', 'querystring']] as const) {
    const s = schema[key] as { properties?: Record<string, Json>; required?: string[] } | undefined;
    for (const [name, p] of Object.entries(s?.properties ?? {})) {
      const { description, ...rest } = p;
      out.push({ name, in: where, required: where === 'path' || (s?.required ?? []).includes(name), schema: rest, ...(description ? { description } : {}) });
    }
  }
  return out;
}

const errorResponse = (status: number) => ({
  description: Object.values(apiErrorCodes).filter((c) => c.status === status).map((c) => c.text).join('; ') || 'error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
});

function responsesOf(schema: Json, secured: boolean): Json {
  const out: Json = {};
  for (const [status, body] of Object.entries((schema['response'] as Json | undefined) ?? { 200: {} })) {
    const b = body as Json;
    if (b['$ref'] === 'ApiError#') out[status] = errorResponse(Number(status));
    else if (status === '204') out[status] = { description: 'No content' };
    else out[status] = { description: (b['description'] as string | undefined) ?? 'OK', content: { 'application/json': { schema: apiRefs(b) } } };
  }
  if (secured) {
    out['401'] ??= errorResponse(401);
    out['403'] ??= errorResponse(403);
  }
  return out;
}

function commandPaths(components: OcppComponents, route: Json): Record<string, Json> {
  const paths: Record<string, Json> = {};
  const base = route['schema'] as Json;
  const params = parametersOf(base).filter((p) => p['name'] !== 'action');
  for (const action of csmsToStationActions()) {
    const versions = VERSIONS.filter((v) => (actions as unknown as Record<string, { versions: string[] }>)[action]!.versions.includes(v));
    const anyOf = (kind: 'request' | 'response') => {
      const refs = versions.map((v) => ({ $ref: components.ref(v, action, kind) }));
      return refs.length === 1 ? refs[0] : { anyOf: refs };
    };
    paths[`/api/stations/{id}/ocpp/${action}`] = {
      post: {
        operationId: `ocpp${action}`,
        tags: ['commands'],
        summary: `${action} (OCPP ${versions.join(' / ')})`,
        description: `Sends ${action}Request to the station; the body is validated with the request schema of the station's negotiated version.`,
        security: [{ bearer: [] }],
        parameters: params,
        requestBody: { required: true, content: { 'application/json': { schema: anyOf('request') } } },
        responses: {
          ...responsesOf(base, true),
          200: { description: "The station's response", content: { 'application/json': { schema: { type: 'object', required: ['response'], properties: { response: anyOf('response') } } } } },
        },
      },
    };
  }
  return paths;
}

export function buildOpenApi(routes: readonly RouteOptions[]): Json {
  const components = new OcppComponents();
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const schema = (route.schema ?? {}) as Json;
    if (schema['hide']) continue;
    if (schema['x-ocpp-command']) {
      Object.assign(paths, commandPaths(components, route as unknown as Json));
      continue;
    }
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const secured = path.startsWith('/api/');
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    for (const method of methods) {
      const op: Json = {
        operationId: `${method.toLowerCase()}${path.replace(/[{}]/g, '').split(/[/-]/).map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('')}`,
        tags: schema['tags'] ?? [],
        summary: schema['summary'] ?? '',
        ...(schema['description'] ? { description: schema['description'] } : {}),
        security: secured ? [{ bearer: [] }] : [],
        parameters: parametersOf(schema),
        responses: responsesOf(schema, secured),
      };
      const ocppAction = schema['x-ocpp-action'] as string | undefined;
      if (ocppAction) {
        const refs = VERSIONS.map((v) => ({ $ref: components.ref(v, ocppAction, 'request') }));
        op['requestBody'] = { required: true, content: { 'application/json': { schema: { anyOf: refs } } } };
      } else if (schema['body']) {
        op['requestBody'] = { required: true, content: { 'application/json': { schema: apiRefs(schema['body']) } } };
      }
      (paths[path] ??= {})[method.toLowerCase()] = op;
    }
  }
  const { $id: _id, ...apiError } = errorSchema;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Chargewire CSMS operator API',
      version: '0.1.0',
      description: 'Every /api route needs `Authorization: Bearer <token>`. Errors: `{ error: { code, message, field? } }`; codes in docs/api.md.',
    },
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { ApiError: apiError, ...components.schemas } },
  };
}
