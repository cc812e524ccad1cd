// Scenario files (YAML or JSON): a list of steps run against one station, non-interactively.
//   identity: CS001          # optional, CLI --id wins
//   variables: { TxCtrlr.TxStartPoint: EVConnected }
//   steps:
//     - plug: { evse: 1, connector: 1 }
//     - token: { idToken: AABBCCDD, type: ISO14443 }
//     - expectSent: TransactionEvent          # the station sent it (and the CSMS answered)
//       match: { eventType: Started }         # subset of the request
//       response: { }                          # optional subset of the CSMS response
//     - expectRequest: RequestStopTransaction  # the CSMS sent it to the station
//     - wait: 1000                             # ms
//     - unplug: { evse: 1 }
//     - plug: { evse: 1, contractCertificateFile: contract.pem, expect: Accepted }   # ISO 15118 Plug & Charge (C07)
//     - evStop: { evse: 1 }                     # the ISO 15118 EV ends its session (SessionStopReq Terminate, E15)
//     - fault: { evse: 1, connector: 1, reason: GroundFault }   # hardware fault: Faulted (evse 0: the station); clearFault: { evse: 1 }
//     - offline                                 # a bare name: a step without arguments
//     - unplug: 2                               # a scalar: the EVSE id (plug, unplug, start, stop, evStop, fault, clearFault, cancelPayment)
// Step actions: plug, unplug, token, start, stop, evStop, power, limit, fault, clearFault, offline, online, wait; with `payments` (OCPP 2.1 ad hoc
// payment, C18–C25): card { evse, pan, brand, decline, expect }, cancelPayment { evse }, qr { evse, maxTime, maxEnergy, maxCost }.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Station } from './station.ts';
import { logJson, maskToken } from './log-mask.ts';
import type { PaymentOptions } from './payment-terminal.ts';

export type ScenarioStep = Record<string, any>;
/** A step: an object (`{ unplug: { evse: 2 } }`, `{ unplug: 2 }`) or the bare name of a step without arguments (`'offline'`). */
export interface Scenario { identity?: string; version?: string; variables?: Record<string, string>; payments?: PaymentOptions; steps: (ScenarioStep | string)[] }
export interface ScenarioResult { ok: boolean; failures: string[]; steps: number }

export class ScenarioError extends Error {
  constructor(readonly code: 'OCPP_ERR_SCENARIO_FORMAT', message: string) { super(message); this.name = 'ScenarioError'; }
}

export function loadScenario(path: string): Scenario {
  const text = readFileSync(path, 'utf8');
  const data = (path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as Scenario | ScenarioStep[];
  const sc = Array.isArray(data) ? { steps: data } : data;
  if (!sc || !Array.isArray(sc.steps)) throw new ScenarioError('OCPP_ERR_SCENARIO_FORMAT', `${path}: expected a list of steps or { steps: [...] }`);
  for (const [i, step] of sc.steps.entries()) {
    const problem = stepProblem(step);
    if (problem) throw new ScenarioError('OCPP_ERR_SCENARIO_FORMAT', `${path}: step ${i + 1}: ${problem}`);
  }
  return sc;
}

/** Steps that can be written as a bare name (`- offline`): every argument has a default. */
const BARE = new Set(['plug', 'unplug', 'start', 'stop', 'evStop', 'fault', 'clearFault', 'offline', 'online', 'limit', 'card', 'cancelPayment', 'qr']);
const NEEDS_ARGS: Record<string, string> = { token: 'token: 04A1B2C3', power: 'power: 7400', wait: 'wait: 1000', expectSent: 'expectSent: BootNotification', expectRequest: 'expectRequest: Reset' };

/** Why a step cannot run (unknown action, missing arguments, not a step at all), or undefined. */
export function stepProblem(step: unknown): string | undefined {
  if (typeof step === 'string') {
    if (BARE.has(step)) return undefined;
    if (NEEDS_ARGS[step]) return `step "${step}" needs an argument, e.g. ${NEEDS_ARGS[step]}`;
    return `unknown step "${step}"; steps: ${[...BARE, ...Object.keys(NEEDS_ARGS)].join(', ')}`;
  }
  if (step === null || typeof step !== 'object' || Array.isArray(step)) return `a step is a name (e.g. offline) or an object (e.g. { plug: { evse: 1 } }), got ${logJson(step)}`;
  const keys = Object.keys(step);
  if ('expectSent' in step || 'expectRequest' in step) return undefined;
  if (!keys.length) return 'empty step {}';
  if (!BARE.has(keys[0]!) && !NEEDS_ARGS[keys[0]!]) return `unknown step ${logJson(step)}`;
  return undefined;
}

/** Does `actual` contain everything in `expected` (deep subset)? */
export function matches(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return actual === expected || (typeof actual === 'number' && Number(expected) === actual && expected !== '');
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.every((e, i) => matches(actual[i], e));
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected as Record<string, unknown>).every(([k, v]) => matches((actual as Record<string, unknown>)[k], v));
}

interface Seen { kind: 'sent' | 'request'; action: string; payload: unknown; response?: unknown; used: boolean }

export async function runScenario(st: Station, sc: Scenario, opts: { log?: (line: string) => void; defaultTimeoutMs?: number } = {}): Promise<ScenarioResult> {
  const log = opts.log ?? (() => {});
  const seen: Seen[] = [];
  const onSent = (e: { action: string; payload: unknown; response?: unknown }) => seen.push({ kind: 'sent', action: e.action, payload: e.payload, response: e.response, used: false });
  const onReq = (e: { action: string; payload: unknown; response?: unknown }) => seen.push({ kind: 'request', action: e.action, payload: e.payload, response: e.response, used: false });
  st.on('sent', onSent);
  st.on('request', onReq);
  const failures: string[] = [];
  try {
    for (const [i, raw] of sc.steps.entries()) {
      const label = `step ${i + 1}`;
      const problem = stepProblem(raw);
      if (problem) { failures.push(`${label}: ${problem}`); log(`✖ ${failures.at(-1)}`); break; }
      const step: ScenarioStep = typeof raw === 'string' ? { [raw]: {} } : raw;
      const arg = (k: string) => (typeof step[k] === 'object' && step[k] !== null ? step[k] : { value: step[k] });
      if ('expectSent' in step || 'expectRequest' in step) {
        const kind = 'expectSent' in step ? 'sent' : 'request';
        const action = String(step.expectSent ?? step.expectRequest);
        const timeout = Number(step.timeoutMs ?? opts.defaultTimeoutMs ?? 10_000);
        const end = Date.now() + timeout;
        let hit: Seen | undefined;
        while (!(hit = seen.find((s) => !s.used && s.kind === kind && s.action === action && matches(s.payload, step.match ?? {}) && (step.response === undefined || matches(s.response, step.response))))) {
          if (Date.now() > end) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        if (!hit) {
          const near = seen.filter((s) => s.kind === kind && s.action === action).map((s) => logJson({ payload: s.payload, response: s.response })).slice(-3);
          failures.push(`${label}: expected ${kind === 'sent' ? 'station to send' : 'CSMS to request'} ${action} ${logJson(step.match ?? {})}${step.response ? ` -> ${logJson(step.response)}` : ''}; saw ${near.length ? near.join(' | ') : 'none'}`);
          log(`✖ ${failures.at(-1)}`);
          break;
        }
        // Everything before the match is consumed too: expectations are ordered.
        for (const s of seen.slice(0, seen.indexOf(hit) + 1)) if (s.kind === kind && s.action === action) s.used = true;
        log(`✔ ${label}: ${action}`);
        continue;
      }
      const [verb] = Object.keys(step);
      const a = arg(verb!);
      // The EVSE id: `evse`, else a scalar value (`unplug: 2`), else 1.
      const evseArg = (): number => Number(a.evse ?? a.value ?? 1);
      switch (verb) {
        case 'plug': {
          // An ISO 15118 EV may bring a contract (Plug & Charge, C07): eMAID, contractCertificate (PEM) or contractCertificateFile.
          const pem = a.contractCertificateFile ? readFileSync(String(a.contractCertificateFile), 'utf8') : a.contractCertificate;
          const pnc = st.plugIn(evseArg(), a.connector ?? 1, {
            ...(a.powerW !== undefined ? { powerW: a.powerW } : {}), ...(a.eMAID ? { eMAID: String(a.eMAID) } : {}), ...(pem ? { contractCertificate: String(pem) } : {}),
          });
          const r = pnc ? await pnc : undefined;
          if (a.expect && r?.status !== a.expect) { failures.push(`${label}: Plug & Charge -> ${r?.status ?? 'no contract'}, expected ${a.expect}`); log(`✖ ${failures.at(-1)}`); }
          break;
        }
        case 'unplug': st.unplug(evseArg()); break;
        case 'token': {
          const r = await st.presentToken(String(a.idToken ?? a.value), a.type ?? 'ISO14443', a.evse);
          if (a.expect && r.status !== a.expect) { failures.push(`${label}: token ${maskToken({ idToken: String(a.idToken ?? a.value), type: a.type ?? 'ISO14443' })} -> ${r.status}, expected ${a.expect}`); log(`✖ ${failures.at(-1)}`); }
          break;
        }
        case 'start': st.startCharging(evseArg(), a.powerW); break;
        case 'stop': st.stopCharging(evseArg()); break;
        case 'evStop': st.evStopSession(evseArg()); break;
        case 'fault': st.fault(evseArg(), a.connector, a.reason); break;
        case 'clearFault': st.clearFault(evseArg(), a.connector); break;
        case 'power': st.setPower(a.evse ?? 1, Number(a.watts ?? a.value)); break;
        case 'limit': st.setLimit(a.evse ?? 1, a.watts === undefined && a.value === undefined ? undefined : Number(a.watts ?? a.value)); break;
        case 'offline': await st.goOffline(); break;
        case 'online': await st.goOnline(); break;
        case 'wait': await new Promise((r) => setTimeout(r, Number(a.ms ?? a.value))); break;
        case 'card': {
          const { evse, expect, value: _v, ...card } = a;
          const r = await st.presentPaymentCard(card, evse);
          if (expect && r.status !== expect) { failures.push(`${label}: payment card -> ${r.status}, expected ${expect}`); log(`✖ ${failures.at(-1)}`); }
          break;
        }
        case 'cancelPayment': await st.cancelPayment(evseArg()); break;
        case 'qr': log(`QR: ${st.scanQr(a.evse, { ...(a.maxTime !== undefined ? { maxTime: Number(a.maxTime) } : {}), ...(a.maxEnergy !== undefined ? { maxEnergy: Number(a.maxEnergy) } : {}), ...(a.maxCost !== undefined ? { maxCost: Number(a.maxCost) } : {}) })}`); break;
        default: failures.push(`${label}: unknown step ${logJson(step)}`);
      }
      if (failures.length) break;
      log(`✔ ${label}: ${verb}`);
    }
  } finally {
    st.off('sent', onSent);
    st.off('request', onReq);
  }
  return { ok: failures.length === 0, failures, steps: sc.steps.length };
}
