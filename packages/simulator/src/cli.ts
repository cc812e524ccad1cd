#!/usr/bin/env node
// chargewire-sim: one interactive station, a scenario run, or a swarm. `--help` lists every flag (USAGE below).
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import type { OcppVersion } from '@chargewire/ocpp';
import { createStation, type Station } from './station.ts';
import type { StationOptions } from './station-types.ts';
import { loadScenario, runScenario, type Scenario } from './scenario.ts';
import { runSwarm, type SwarmOptions } from './swarm.ts';
import { logJson } from './log-mask.ts';
import type { FaultReason } from './connector-fault.ts';
import { securityProfileProblem, type SecurityProfileNeed } from './blocks/security.ts';

const HELP = `commands:
  plug [evse] [connector]   plug an EV in          unplug [evse]          unplug it
  token <idToken> [evse]    present a token         start [evse] [W]       the EV (re)starts drawing power
  stop [evse]               end the session locally power <evse> <W>      what the EV draws
  limit <evse> <W|none>     station power limit     offline / online       drop / restore the connection
  pnc <pem-file> [evse] [connector] [eMAID]  plug in an ISO 15118 EV with this contract certificate chain (Plug & Charge)
  evstop [evse]             the ISO 15118 EV ends its session (SessionStopReq Terminate)
  fault <evse|0> [connector] [reason]  a hardware fault: Faulted   clearfault <evse|0> [connector]  repaired
  card [evse]               present a payment card  cancelpay [evse]       cancel the ad hoc payment
  qr [evse]                 show the QR code URL    (card/qr need --payments terminal,web; OCPP 2.1)
  state                     show the station        help / quit`;

export async function console_(st: Station, input = process.stdin, output = process.stdout): Promise<void> {
  const rl = createInterface({ input, output, prompt: `${st.opts.identity}> ` });
  const say = (s: string) => output.write(s + '\n');
  st.on('registration', (r) => say(`registration: ${r.status} (interval ${r.interval}s)`));
  st.on('status', (s) => say(`status: EVSE ${s.evseId} connector ${s.connectorId} ${s.status}`));
  st.on('transactionEvent', (e) => say(`tx: ${e.eventType} ${e.triggerReason} seqNo=${e.seqNo} ${e.transactionInfo.chargingState ?? ''}${e.offline ? ' (offline)' : ''}`));
  st.on('request', (r) => say(`csms -> ${r.action} ${logJson(r.payload)} => ${logJson(r.response ?? r.error)}`));
  st.on('disconnected', (d) => say(`disconnected (${d.code})`));
  st.on('connected', (c) => say(`connected (OCPP ${c.version})`));
  rl.prompt();
  for await (const line of rl) {
    const [cmd, ...a] = line.trim().split(/\s+/);
    const n = (i: number, d: number) => (a[i] !== undefined ? Number(a[i]) : d);
    try {
      switch (cmd) {
        case '': break;
        case 'plug': st.plugIn(n(0, 1), n(1, 1)); break;
        case 'unplug': st.unplug(n(0, 1)); break;
        case 'pnc': { // C07: the EV authorizes with its contract certificate
          const r = st.plugIn(n(1, 1), n(2, 1), { contractCertificate: readFileSync(a[0] ?? '', 'utf8'), ...(a[3] ? { eMAID: a[3] } : {}) });
          say(JSON.stringify(r ? await r : { status: 'PnCDisabled' }));
          break;
        }
        case 'token': say(JSON.stringify(await st.presentToken(a[0] ?? 'DEADBEEF', 'ISO14443', a[1] !== undefined ? Number(a[1]) : undefined))); break;
        case 'start': st.startCharging(n(0, 1), a[1] !== undefined ? Number(a[1]) : undefined); break;
        case 'stop': st.stopCharging(n(0, 1)); break;
        case 'evstop': say(st.evStopSession(n(0, 1))); break; // E15
        case 'fault': st.fault(n(0, 1), a[1] !== undefined ? Number(a[1]) : undefined, a[2] as FaultReason | undefined); break;
        case 'clearfault': st.clearFault(n(0, 1), a[1] !== undefined ? Number(a[1]) : undefined); break;
        case 'power': st.setPower(n(0, 1), n(1, 11000)); break;
        case 'limit': st.setLimit(n(0, 1), a[1] === undefined || a[1] === 'none' ? undefined : Number(a[1])); break;
        case 'offline': await st.goOffline(); break;
        case 'online': await st.goOnline(); break;
        case 'card': say(JSON.stringify(await st.presentPaymentCard({}, a[0] !== undefined ? Number(a[0]) : undefined))); break;
        case 'cancelpay': say(JSON.stringify(await st.cancelPayment(n(0, 1)))); break;
        case 'qr': say(st.scanQr(a[0] !== undefined ? Number(a[0]) : undefined)); break;
        case 'state': say(logJson(st.state(), 2)); break; // [C04.FR.04] tokens masked
        case 'help': say(HELP); break;
        case 'quit': case 'exit': rl.close(); return;
        default: say(`unknown command ${cmd}; try help`);
      }
    } catch (err) { say(`error: ${(err as Error).message}`); }
    rl.prompt();
  }
}

const USAGE = `usage:
  one station (console, or a scenario run with --scenario):
    chargewire-sim [--url URL] [--id ID] [--password P] [--versions 2.1,2.0.1] [--evses N] [--data-dir DIR]
                   [--payments terminal,web] [--security-profile 1|2|3] [--ca PEM] [--cert PEM --key PEM] [--scenario FILE]
  a swarm of N stations (loopback URLs only unless --allow-remote; --id is the identity prefix, default SIM):
    chargewire-sim [--url URL] --count N [--ramp-ms MS] [--duration-s S] [--heartbeat-s S] [--id PREFIX]
                   [--password P] [--versions 2.1,2.0.1] [--allow-remote]
  --url URL               CSMS endpoint without the identity (default ws://127.0.0.1:9000/ocpp; wss:// for TLS)
  --id ID                 station identity and Basic-auth user (default CS001, or the scenario's identity)
  --password P            Basic-auth password (security profiles 1 and 2)
  --versions V            OCPP versions to offer, most preferred first (default 2.1,2.0.1)
  --evses N               EVSEs, each with one 22 kW Type 2 connector (default 1)
  --data-dir DIR          keep the station's state in DIR across restarts
  --payments terminal,web OCPP 2.1 ad hoc payments: payment terminal and/or dynamic QR code
  --security-profile P    1: ws + password, 2: wss + password, 3: wss + client certificate
                          (default: 3 for wss with --cert and no --password, 2 for wss with --password, else 1)
  --ca PEM                CA certificate(s) the CSMS certificate must chain to (wss://)
  --cert PEM --key PEM    the station's client certificate (chain) and private key (wss://; required by profile 3)
  --scenario FILE         run a YAML/JSON scenario instead of the console (exit 1 on a mismatch)
  --count N               swarm mode: N stations
  --ramp-ms MS            total ramp-up time: station i starts at MS*i/N (default 0)
  --duration-s S          how long the swarm runs (default 30)
  --heartbeat-s S         heartbeat interval of the swarm's stations (default: the CSMS's)
  --allow-remote          let a swarm target a non-loopback URL
  -h, --help              this text`;

/** A command line that cannot run as given: main() prints the message and exits 2. */
export class CliError extends Error {
  constructor(readonly code: 'OCPP_ERR_SIM_CLI', message: string) { super(message); this.name = 'CliError'; }
}

export type CliPlan =
  | { kind: 'help' }
  | { kind: 'swarm'; swarm: SwarmOptions }
  | { kind: 'station'; station: StationOptions; scenario?: Scenario };

/** What a security profile lacks (securityProfileProblem), said with the flags that provide it. */
const CLI_NEEDS: Record<SecurityProfileNeed, (url: string) => string> = {
  wss: (url) => `needs a wss:// URL (got ${url})`,
  password: () => 'needs --password (HTTP Basic auth)',
  clientCertificate: () => 'needs a client certificate: --cert <pem file> --key <pem file>',
  verifyCsms: () => 'may not skip the CSMS certificate check',
};

const SINGLE_ONLY = ['evses', 'data-dir', 'payments', 'scenario', 'security-profile', 'ca', 'cert', 'key'] as const;
const SWARM_ONLY = ['ramp-ms', 'duration-s', 'heartbeat-s', 'allow-remote'] as const;

/** Parse and check the command line: what to run, or a CliError saying what is wrong. */
export function parseCli(argv: string[]): CliPlan {
  const fail = (m: string): never => { throw new CliError('OCPP_ERR_SIM_CLI', m); };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        url: { type: 'string' }, id: { type: 'string' }, password: { type: 'string' }, versions: { type: 'string' }, evses: { type: 'string' },
        'data-dir': { type: 'string' }, payments: { type: 'string' }, scenario: { type: 'string' },
        'security-profile': { type: 'string' }, ca: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' },
        count: { type: 'string' }, 'ramp-ms': { type: 'string' }, 'duration-s': { type: 'string' }, 'heartbeat-s': { type: 'string' },
        'allow-remote': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) { return fail(`${(err as Error).message}; see --help`); }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  const given = (k: string) => (v as Record<string, unknown>)[k] !== undefined;
  const num = (flag: string, value: string, min: number, integer = true): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) fail(`--${flag} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${value}`);
    return n;
  };
  const url = v.url ?? 'ws://127.0.0.1:9000/ocpp';
  if (!/^wss?:\/\//.test(url)) fail(`--url must be a ws:// or wss:// URL, got ${url}`);
  const versions = v.versions?.split(',').map((s) => s.trim());
  for (const x of versions ?? []) if (x !== '2.1' && x !== '2.0.1') fail(`--versions takes 2.1 and/or 2.0.1, got ${x}`);
  const common = { ...(v.password !== undefined ? { password: v.password } : {}), ...(versions ? { versions: versions as OcppVersion[] } : {}) };

  if (v.count !== undefined) {
    // Flags a swarm would silently ignore are refused.
    const ignored = SINGLE_ONLY.filter(given);
    if (ignored.length) fail(`${ignored.map((k) => `--${k}`).join(', ')} ${ignored.length > 1 ? 'apply' : 'applies'} to a single station, not to a swarm (--count)`);
    return {
      kind: 'swarm',
      swarm: {
        url, count: num('count', v.count, 1), rampMs: num('ramp-ms', v['ramp-ms'] ?? '0', 0), durationS: num('duration-s', v['duration-s'] ?? '30', 0, false),
        allowRemote: v['allow-remote'] ?? false, ...common, ...(v.id !== undefined ? { idPrefix: v.id } : {}),
        ...(v['heartbeat-s'] !== undefined ? { heartbeatS: num('heartbeat-s', v['heartbeat-s'], 1) } : {}),
      },
    };
  }
  const ignored = SWARM_ONLY.filter(given);
  if (ignored.length) fail(`${ignored.map((k) => `--${k}`).join(', ')} ${ignored.length > 1 ? 'apply' : 'applies'} to swarm mode only (with --count)`);

  // Security profile (A00): the flag, else what the URL and credentials imply.
  const read = (flag: string, file: string): string => {
    try { return readFileSync(file, 'utf8'); } catch (err) { return fail(`cannot read --${flag} ${file}: ${(err as Error).message}`); }
  };
  if (given('cert') !== given('key')) fail('--cert and --key go together: the client certificate needs its private key');
  const tls = {
    ...(v.ca !== undefined ? { ca: read('ca', v.ca) } : {}),
    ...(v.cert !== undefined ? { cert: read('cert', v.cert) } : {}), ...(v.key !== undefined ? { key: read('key', v.key) } : {}),
  };
  const secure = url.startsWith('wss://');
  if (Object.keys(tls).length && !secure) fail(`--ca, --cert and --key need a wss:// URL (got ${url})`);
  let profile: 1 | 2 | 3 | undefined;
  if (v['security-profile'] !== undefined) {
    const p = v['security-profile'];
    if (p !== '1' && p !== '2' && p !== '3') fail(`--security-profile takes 1, 2 or 3, got ${p}`);
    profile = Number(p) as 1 | 2 | 3;
  } else if (secure) profile = tls.cert && v.password === undefined ? 3 : v.password !== undefined ? 2 : undefined;
  else if (v.password !== undefined) profile = 1;
  // [A00] what the profile needs, checked as the station checks it (checkSecurityProfile), in terms of the flags.
  const problem = securityProfileProblem({ identity: '', url, ...common, ...(profile !== undefined ? { securityProfile: profile } : {}), tls });
  if (problem) fail(`--security-profile ${profile} ${CLI_NEEDS[problem.need](url)}`);

  const sc = v.scenario !== undefined ? loadScenario(v.scenario) : undefined;
  const evses = Array.from({ length: num('evses', v.evses ?? '1', 1) }, () => ({ maxPowerW: 22_000, connectors: [{ type: 'cType2', maxPowerW: 22_000 }] }));
  const payments = v.payments?.split(',').map((s) => s.trim());
  for (const x of payments ?? []) if (x !== 'terminal' && x !== 'web') fail(`--payments takes terminal and/or web, got ${x}`);
  return {
    kind: 'station',
    ...(sc ? { scenario: sc } : {}),
    station: {
      identity: v.id ?? sc?.identity ?? 'CS001', url, evses, ...common,
      ...(!versions && sc?.version ? { versions: [sc.version as OcppVersion] } : {}),
      ...(profile !== undefined ? { securityProfile: profile } : {}), ...(Object.keys(tls).length ? { tls } : {}),
      ...(v['data-dir'] !== undefined ? { dataDir: v['data-dir'] } : {}), ...(sc?.variables ? { variables: sc.variables } : {}),
      // --payments terminal,web: an integrated payment terminal and/or a dynamic QR code (OCPP 2.1 C18–C25).
      ...(payments || sc?.payments ? { payments: sc?.payments ?? { terminal: payments!.includes('terminal'), web: payments!.includes('web') } } : {}),
    },
  };
}

export async function main(argv = process.argv.slice(2)): Promise<number> {
  let plan: CliPlan;
  try { plan = parseCli(argv); } catch (err) {
    if (!(err instanceof CliError)) throw err;
    process.stderr.write(`chargewire-sim: ${err.message}\n`);
    return 2;
  }
  if (plan.kind === 'help') { process.stdout.write(`${USAGE}\nconsole ${HELP}\n`); return 0; }
  if (plan.kind === 'swarm') {
    const s = await runSwarm(plan.swarm);
    process.stdout.write(`summary ${JSON.stringify(s)}\n`);
    return s.connectedMax === 0 ? 1 : 0;
  }
  const sc = plan.scenario;
  const st = createStation(plan.station);
  st.on('failure', (err) => process.stderr.write(`warning: ${err.message}\n`));
  await st.start();
  if (sc) {
    const r = await runScenario(st, sc, { log: (l) => process.stdout.write(l + '\n') });
    await st.stop();
    process.stdout.write(r.ok ? `scenario passed (${r.steps} steps)\n` : `scenario FAILED:\n  ${r.failures.join('\n  ')}\n`);
    return r.ok ? 0 : 1;
  }
  await console_(st);
  await st.stop();
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then((code) => process.exit(code), (err: Error) => { process.stderr.write(`chargewire-sim: ${err.message}\n`); process.exit(2); });
}
