// Test harness: a station on a ManualClock talking to a ScriptedCsms through a MemoryLink.
import type { Action, ActionMap, OcppVersion } from '@chargewire/ocpp';
import { ManualClock, settle } from '../clock.ts';
import { MemoryLink } from '../memory-link.ts';
import { createStation, type Station } from '../station.ts';
import type { StationOptions } from '../station-types.ts';
import { ScriptedCsms } from './scripted-csms.ts';

type Replies = { [A in Action]?: (req: ActionMap[A]['request']) => ActionMap[A]['response'] | Promise<ActionMap[A]['response']> };

export interface Harness { st: Station; csms: ScriptedCsms; clock: ManualClock; link: MemoryLink }

export async function harness(opts: Partial<StationOptions> & { version?: OcppVersion; replies?: Replies; start?: boolean } = {}): Promise<Harness> {
  const csms = new ScriptedCsms(opts.replies);
  const clock = new ManualClock();
  const link = new MemoryLink(csms.attach, opts.version ?? '2.1', opts.identity ?? 'CS001');
  const { version: _v, replies: _r, start, ...rest } = opts;
  const st = createStation({ identity: 'CS001', clock, link, rebootDelayMs: 1, ...rest });
  if (start !== false) {
    await st.start();
    await settle();
  }
  return { st, csms, clock, link };
}

export const VERSIONS: OcppVersion[] = ['2.1', '2.0.1'];
