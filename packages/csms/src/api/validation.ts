// Route validation for the API: strict JSON bodies (no type coercion, unknown fields rejected by the
// schemas' additionalProperties: false), coerced path/query strings. Fastify's default compiler coerces
// body types ("123" for 123) and silently drops unknown fields; in doubt we choose the strict behaviour.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { ApiError } from './errors.ts';

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function makeAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => isoDateTime.test(s) && !Number.isNaN(Date.parse(s)) });
  return ajv;
}

const bodyAjv = makeAjv(false);
const stringAjv = makeAjv(true);

/** The lazily compiled validators made so far (compileAllValidators). */
const lazyValidators: Array<() => ValidateFunction> = [];

/**
 * Fastify asks for every route's validators when the app starts; compiling them all then took ≈ 0.3 s of
 * `npm start` on the benchmark hosts (issue 7, docs/performance-history.md "Session 15"). So each is compiled
 * on its first request instead: the returned function behaves as the Ajv validator (its `errors`, and the
 * `schemaEnv` that makes Fastify pass the parent for root coercion). A schema that does not compile throws
 * there, as a 500; compileAllValidators() lets a test compile them all.
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  let compiled: ValidateFunction | undefined;
  const get = (): ValidateFunction => (compiled ??= (httpPart === 'body' ? bodyAjv : stringAjv).compile(schema));
  lazyValidators.push(get);
  const validate = (data: unknown, ctx?: unknown): boolean => {
    const v = get();
    const ok = (v as (d: unknown, c?: unknown) => boolean)(data, ctx);
    validate.errors = v.errors;
    return ok;
  };
  validate.errors = null as ValidateFunction['errors'];
  Object.defineProperty(validate, 'schemaEnv', { get: () => get().schemaEnv });
  return validate;
};

/** Compiles every validator made so far; throws what a schema that does not compile throws. For tests. */
export function compileAllValidators(): number {
  for (const get of lazyValidators) get();
  return lazyValidators.length;
}

/** Dotted path of the field an Ajv error is about (`a.b[0].c` style, with the missing/extra property). */
export function fieldOfAjvError(e: Pick<ErrorObject, 'instancePath' | 'params'>): string {
  const base = e.instancePath
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
  const params = e.params as Record<string, unknown>;
  const extra = (params['missingProperty'] ?? params['additionalProperty']) as string | undefined;
  if (extra) return base ? `${base}.${extra}` : extra;
  return base;
}

const partName: Record<string, string> = { body: 'body', querystring: 'query parameter', params: 'path parameter', headers: 'header' };

/** Fastify's schema-validation error -> API_ERR_VALIDATION naming the part and the field. */
export function validationToApiError(validation: ErrorObject[], context: string | undefined): ApiError {
  const first = validation[0];
  const part = partName[context ?? 'body'] ?? context ?? 'request';
  if (!first) return new ApiError('API_ERR_VALIDATION', `invalid ${part}`);
  const field = fieldOfAjvError(first);
  let detail = first.message ?? first.keyword;
  const params = first.params as Record<string, unknown>;
  if (first.keyword === 'additionalProperties') detail = 'is not allowed';
  else if (first.keyword === 'required') detail = 'is required';
  else if (first.keyword === 'enum' && Array.isArray(params['allowedValues'])) detail = `must be one of ${(params['allowedValues'] as unknown[]).join(', ')}`;
  const message = field ? `${part} '${field}' ${detail}` : `${part} ${detail}`;
  return new ApiError('API_ERR_VALIDATION', message, field ? { field } : {});
}
