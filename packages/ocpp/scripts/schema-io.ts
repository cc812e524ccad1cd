// Reads the OCA JSON schemas (byte-identical copies under packages/ocpp/schemas) for the generator.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Version = '2.0.1' | '2.1';
export const VERSIONS: readonly Version[] = ['2.0.1', '2.1'];
export type Kind = 'request' | 'response';

export interface JsonSchema {
  $id?: string;
  $ref?: string;
  $schema?: string;
  type?: string;
  description?: string;
  enum?: string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean;
  definitions?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  [k: string]: unknown;
}

export interface LoadedSchema {
  version: Version;
  action: string;
  kind: Kind;
  /** `<Action>Request` / `<Action>Response` (also for NotifyPeriodicEventStream.json). */
  messageName: string;
  file: string;
  schema: JsonSchema;
}

export const SCHEMA_ROOT = fileURLToPath(new URL('../schemas/', import.meta.url));

export function loadAllSchemas(): LoadedSchema[] {
  const out: LoadedSchema[] = [];
  for (const version of VERSIONS) {
    const dir = `${SCHEMA_ROOT}v${version}/`;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const m = /^(.+?)(Request|Response)?\.json$/.exec(file);
      if (!m?.[1]) throw new Error(`unexpected schema file name ${dir}${file}`);
      // Quirk: 2.1 ships NotifyPeriodicEventStream.json (no "Request" suffix): a SEND-only message.
      const kind: Kind = m[2] === 'Response' ? 'response' : 'request';
      const action = m[1];
      const schema = JSON.parse(readFileSync(dir + file, 'utf8')) as JsonSchema;
      out.push({ version, action, kind, messageName: `${action}${kind === 'request' ? 'Request' : 'Response'}`, file, schema });
    }
  }
  return out;
}
