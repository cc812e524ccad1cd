// Runtime access to the official OCA JSON schemas (packages/ocpp/schemas, byte-identical copies),
// e.g. for the CSMS REST API to document command bodies. Validation uses the precompiled
// validators in ./generated/validators.js instead.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type SchemaVersion = '2.0.1' | '2.1';
export type SchemaKind = 'request' | 'response';

const cache = new Map<string, object>();
let dir: string | undefined;

/**
 * packages/ocpp/schemas, found through the package rather than relative to this module: the CSMS also
 * runs as one bundle in another directory (scripts/build.ts).
 */
export function schemasDir(): string {
  return (dir ??= join(dirname(createRequire(import.meta.url).resolve('@chargewire/ocpp/package.json')), 'schemas'));
}

/** File name of an action's schema; NotifyPeriodicEventStream (SEND-only) has no "Request" suffix. */
export function schemaFileName(version: SchemaVersion, action: string, kind: SchemaKind): string {
  if (version === '2.1' && action === 'NotifyPeriodicEventStream' && kind === 'request') return `${action}.json`;
  return `${action}${kind === 'request' ? 'Request' : 'Response'}.json`;
}

/**
 * Parsed JSON schema of one message, cached. Throws if the version does not define it
 * (a 2.1-only action under 2.0.1, or the response of a SEND-only action). Treat the
 * returned object as read-only: it is shared between callers.
 */
export function loadSchema(version: SchemaVersion, action: string, kind: SchemaKind): object {
  if (!/^[A-Za-z0-9]+$/.test(action)) throw new Error(`invalid OCPP action name: ${action}`);
  const file = schemaFileName(version, action, kind);
  const key = `${version}/${file}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let text: string;
  try {
    text = readFileSync(join(schemasDir(), `v${version}`, file), 'utf8');
  } catch {
    throw new Error(`no OCPP ${version} ${kind} schema for action ${action}`);
  }
  const schema = JSON.parse(text) as object;
  cache.set(key, schema);
  return schema;
}
