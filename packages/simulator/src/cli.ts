#!/usr/bin/env node
// chargewire-sim: one interactive station, a scenario run, or a swarm.
//   chargewire-sim --url ws://localhost:9000/ocpp --id CS001 [--password P] [--versions 2.1,2.0.1] [--evses 2] [--data-dir DIR]
//   chargewire-sim --url ... --id CS001 --scenario file.yaml|json     (exit 1 on a mismatch)
//   chargewire-sim --url ... --count 1000 --ramp-ms 10000 --duration-s 60 [--allow-remote]
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import type { OcppVersion } from '@chargewire/ocpp';
import { createStation, type Station } from './station.ts';
import { loadScenario, runScenario } from './scenario.ts';
import { runSwarm } from './swarm.ts';
import { logJson } from './log-mask.ts';
import type { FaultReason } from './connector-fault.ts';

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

export async function main(argv = process.argv.slice(2)): Promise<number> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string', default: 'ws://127.0.0.1:9000/ocpp' }, id: { type: 'string', default: 'CS001' },
      password: { type: 'string' }, versions: { type: 'string' }, evses: { type: 'string' }, 'data-dir': { type: 'string' },
      scenario: { type: 'string' }, count: { type: 'string' }, 'ramp-ms': { type: 'string' }, 'duration-s': { type: 'string' },
      'allow-remote': { type: 'boolean' }, 'heartbeat-s': { type: 'string' }, help: { type: 'boolean', short: 'h' }, payments: { type: 'string' },
    },
  });
  if (v.help) { process.stdout.write(`usage: chargewire-sim --url URL --id ID [--scenario FILE | --count N --ramp-ms M --duration-s S]\n${HELP}\n`); return 0; }
  const versions = v.versions ? (v.versions.split(',') as OcppVersion[]) : undefined;
  if (v.count) {
    const s = await runSwarm({
      url: v.url!, count: Number(v.count), rampMs: Number(v['ramp-ms'] ?? 0), durationS: Number(v['duration-s'] ?? 30),
      allowRemote: v['allow-remote'] ?? false, ...(v.password ? { password: v.password } : {}), ...(versions ? { versions } : {}),
      ...(v['heartbeat-s'] ? { heartbeatS: Number(v['heartbeat-s']) } : {}),
    });
    process.stdout.write(`summary ${JSON.stringify(s)}\n`);
    return s.connectedMax === 0 ? 1 : 0;
  }
  const sc = v.scenario ? loadScenario(v.scenario) : undefined;
  const evses = Array.from({ length: Number(v.evses ?? 1) }, () => ({ maxPowerW: 22_000, connectors: [{ type: 'cType2', maxPowerW: 22_000 }] }));
  const st = createStation({
    identity: sc?.identity && !argv.includes('--id') ? sc.identity : v.id!, url: v.url!, evses,
    ...(v.password ? { password: v.password } : {}), ...(versions ?? sc?.version ? { versions: versions ?? [sc!.version as OcppVersion] } : {}),
    ...(v['data-dir'] ? { dataDir: v['data-dir'] } : {}), ...(sc?.variables ? { variables: sc.variables } : {}),
    // --payments terminal,web: an integrated payment terminal and/or a dynamic QR code (OCPP 2.1 C18–C25).
    ...(v.payments || sc?.payments ? { payments: sc?.payments ?? { terminal: v.payments!.includes('terminal'), web: v.payments!.includes('web') } } : {}),
  });
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
