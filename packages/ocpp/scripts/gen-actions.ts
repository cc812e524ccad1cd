// Emits src/generated/actions.ts: the action registry (direction, block, versions, send) and
// the ActionMap type joining each action to its request/response types.
import { actionMeta, blockNames, sendOnly } from './action-meta.ts';
import type { LoadedSchema, Version } from './schema-io.ts';
import { HEADER } from './gen-types.ts';

export interface ActionInfo {
  name: string;
  direction: 'toCsms' | 'toStation' | 'both';
  block: string;
  versions: Version[];
  send: boolean;
  hasResponse: boolean;
}

/** Joins the schema inventory with action-meta.ts; throws when they disagree. */
export function actionInventory(schemas: LoadedSchema[]): ActionInfo[] {
  const byAction = new Map<string, LoadedSchema[]>();
  for (const s of schemas) byAction.set(s.action, [...(byAction.get(s.action) ?? []), s]);
  const problems: string[] = [];
  for (const a of byAction.keys()) if (!actionMeta[a]) problems.push(`schema action ${a} has no row in scripts/action-meta.ts`);
  for (const a of Object.keys(actionMeta)) if (!byAction.has(a)) problems.push(`action-meta.ts row ${a} has no schema`);
  const infos: ActionInfo[] = [];
  for (const [name, list] of [...byAction].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const meta = actionMeta[name];
    if (!meta) continue;
    const hasResponse = list.some((s) => s.kind === 'response');
    const send = sendOnly.includes(name);
    if (send === hasResponse) problems.push(`${name}: send=${send} but response schema ${hasResponse ? 'present' : 'absent'}`);
    const versions = [...new Set(list.map((s) => s.version))].sort();
    infos.push({ name, direction: meta[0], block: meta[1], versions, send, hasResponse });
  }
  if (problems.length) throw new Error(`action registry mismatch:\n  ${problems.join('\n  ')}`);
  return infos;
}

export function renderActions(infos: ActionInfo[]): string {
  const blocks = Object.entries(blockNames);
  const out = [
    HEADER,
    '// Direction and functional block come from scripts/action-meta.ts (OCPP 2.1 Part 0 / Part 2).',
    "import type * as T from './types.ts';",
    '',
    "export type OcppVersion = '2.0.1' | '2.1';",
    "export type Direction = 'toCsms' | 'toStation' | 'both';",
    `export type BlockId = ${blocks.map(([k]) => `'${k}'`).join(' | ')};`,
    '',
    '/** Functional blocks (OCPP 2.1 Part 0 §3.2). */',
    'export const blocks = {',
    ...blocks.map(([k, v]) => `  ${k}: '${v}',`),
    '} as const;',
    '',
    '/**',
    ' * Every OCPP action: who sends the request (`toCsms` = the Charging Station, `toStation` = the',
    ' * CSMS, `both`), the owning functional block, the protocol versions that define it, and',
    ' * whether it is sent with the SEND message type (no response).',
    ' */',
    'export const actions = {',
    ...infos.map((a) => `  ${a.name}: { direction: '${a.direction}', block: '${a.block}', versions: [${a.versions.map((v) => `'${v}'`).join(', ')}], send: ${a.send} },`),
    '} as const;',
    '',
    '/** Request and response payload types per action (`never` response for SEND-only actions). */',
    'export interface ActionMap {',
    ...infos.map((a) => `  ${a.name}: { request: T.${a.name}Request; response: ${a.hasResponse ? `T.${a.name}Response` : 'never'} };`),
    '}',
    '',
    'export type Action = keyof ActionMap;',
    "export type ActionRequest<A extends Action> = ActionMap[A]['request'];",
    "export type ActionResponse<A extends Action> = ActionMap[A]['response'];",
    '',
  ];
  return out.join('\n');
}
