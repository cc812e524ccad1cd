// What the rpc benchmark measures. Each throughput scenario = server configuration × frame × client.
import type { ServerConfig } from './server-child.ts';
import type { FrameName } from './frames.ts';

export interface Scenario {
  id: string;
  title: string;
  server: ServerConfig;
  frame: FrameName;
  /** 'raw': light pre-serialised `ws` clients; 'ocpp': our OcppClient (validation on). */
  client: 'raw' | 'ocpp';
}

export interface MemoryScenario {
  id: string;
  title: string;
  server: ServerConfig;
  /** The one CALL each idle connection makes before the measurement. */
  frame: FrameName;
}

const raw = (compression = false): ServerConfig => ({ kind: 'raw', compression, validate: false });
const ocpp = (compression = false, validate = true): ServerConfig => ({ kind: 'ocpp', compression, validate });
/** ocpp-rpc 2.2 (npm), strictMode: its own validation of requests and responses (OCPP 2.0.1 schemas: frames.ts). */
const ocppRpc = (compression = false): ServerConfig => ({ kind: 'ocpp-rpc', compression, validate: true });

export const scenarios: Scenario[] = [
  { id: 'raw-heartbeat', title: 'raw ws echo, Heartbeat', server: raw(), frame: 'heartbeat', client: 'raw' },
  { id: 'ocpp-heartbeat', title: 'createOcppServer, Heartbeat, validation on', server: ocpp(), frame: 'heartbeat', client: 'raw' },
  { id: 'ocpp-heartbeat-novalidate', title: 'createOcppServer, Heartbeat, validation off', server: ocpp(false, false), frame: 'heartbeat', client: 'raw' },
  { id: 'raw-heartbeat-deflate', title: 'raw ws echo, Heartbeat, deflate negotiated', server: raw(true), frame: 'heartbeat', client: 'raw' },
  { id: 'ocpp-heartbeat-deflate', title: 'createOcppServer, Heartbeat, deflate negotiated', server: ocpp(true), frame: 'heartbeat', client: 'raw' },
  { id: 'raw-boot', title: 'raw ws echo, BootNotification', server: raw(), frame: 'boot', client: 'raw' },
  { id: 'ocpp-boot', title: 'createOcppServer, BootNotification', server: ocpp(), frame: 'boot', client: 'raw' },
  { id: 'raw-meter', title: 'raw ws echo, MeterValues (7 samples)', server: raw(), frame: 'meter', client: 'raw' },
  { id: 'ocpp-meter', title: 'createOcppServer, MeterValues (7 samples)', server: ocpp(), frame: 'meter', client: 'raw' },
  { id: 'raw-report4k', title: 'raw ws echo, NotifyReport 4 KB', server: raw(), frame: 'report4k', client: 'raw' },
  { id: 'ocpp-report4k', title: 'createOcppServer, NotifyReport 4 KB', server: ocpp(), frame: 'report4k', client: 'raw' },
  { id: 'raw-report4k-deflate', title: 'raw ws echo, NotifyReport 4 KB, deflate', server: raw(true), frame: 'report4k', client: 'raw' },
  { id: 'ocpp-report4k-deflate', title: 'createOcppServer, NotifyReport 4 KB, deflate', server: ocpp(true), frame: 'report4k', client: 'raw' },
  { id: 'ocpprpc-heartbeat', title: 'ocpp-rpc RPCServer, Heartbeat, strictMode', server: ocppRpc(), frame: 'heartbeat', client: 'raw' },
  { id: 'ocpprpc-boot', title: 'ocpp-rpc RPCServer, BootNotification, strictMode', server: ocppRpc(), frame: 'boot', client: 'raw' },
  { id: 'ocpprpc-meter', title: 'ocpp-rpc RPCServer, MeterValues (7 samples), strictMode', server: ocppRpc(), frame: 'meter', client: 'raw' },
  { id: 'ocpprpc-report4k', title: 'ocpp-rpc RPCServer, NotifyReport 4 KB, strictMode', server: ocppRpc(), frame: 'report4k', client: 'raw' },
  { id: 'ocpprpc-report4k-deflate', title: 'ocpp-rpc RPCServer, NotifyReport 4 KB, strictMode, deflate', server: ocppRpc(true), frame: 'report4k', client: 'raw' },
  { id: 'ocpp-heartbeat-ocppclient', title: 'OcppClient → createOcppServer, Heartbeat, validation on both sides', server: ocpp(), frame: 'heartbeat', client: 'ocpp' },
];

export const memoryScenarios: MemoryScenario[] = [
  { id: 'mem-ocpp-plain', title: 'createOcppServer, no compression, after one Heartbeat', server: ocpp(), frame: 'heartbeat' },
  { id: 'mem-ocpp-deflate', title: 'createOcppServer, deflate negotiated, after one Heartbeat (below threshold: no zlib yet)', server: ocpp(true), frame: 'heartbeat' },
  { id: 'mem-ocpp-deflate-used', title: 'createOcppServer, deflate negotiated, after one 4 KB NotifyReport (zlib contexts live)', server: ocpp(true), frame: 'report4k' },
  { id: 'mem-ocpprpc-plain', title: 'ocpp-rpc RPCServer, strictMode, no compression, after one Heartbeat (comparison)', server: ocppRpc(), frame: 'heartbeat' },
  { id: 'mem-raw-plain', title: 'raw ws echo, no compression, after one Heartbeat (reference)', server: raw(), frame: 'heartbeat' },
];

export interface Comparison {
  id: string;
  title: string;
  /** ratio = numerator/denominator; cost = 1 − numerator/denominator. */
  kind: 'ratio' | 'cost';
  numerator: string;
  denominator: string;
  target?: string;
  check?(median: number): boolean;
}

export const comparisons: Comparison[] = [
  { id: 'heartbeat-vs-raw', title: 'Heartbeat: ours (validation on) / raw ws', kind: 'ratio', numerator: 'ocpp-heartbeat', denominator: 'raw-heartbeat', target: '≥ 0.6', check: (m) => m >= 0.6 },
  { id: 'boot-vs-raw', title: 'BootNotification: ours / raw ws', kind: 'ratio', numerator: 'ocpp-boot', denominator: 'raw-boot', target: '≥ 0.6', check: (m) => m >= 0.6 },
  { id: 'meter-vs-raw', title: 'MeterValues: ours / raw ws', kind: 'ratio', numerator: 'ocpp-meter', denominator: 'raw-meter', target: '≥ 0.6', check: (m) => m >= 0.6 },
  { id: 'report4k-vs-raw', title: 'NotifyReport 4 KB: ours / raw ws', kind: 'ratio', numerator: 'ocpp-report4k', denominator: 'raw-report4k', target: '≥ 0.6', check: (m) => m >= 0.6 },
  { id: 'deflate-cost-heartbeat', title: 'Cost of deflate, Heartbeat (ours)', kind: 'cost', numerator: 'ocpp-heartbeat-deflate', denominator: 'ocpp-heartbeat', target: '< 10%', check: (m) => m < 0.1 },
  { id: 'deflate-cost-report4k', title: 'Cost of deflate, NotifyReport 4 KB (ours)', kind: 'cost', numerator: 'ocpp-report4k-deflate', denominator: 'ocpp-report4k' },
  { id: 'deflate-cost-heartbeat-raw', title: 'Cost of deflate, Heartbeat (raw ws)', kind: 'cost', numerator: 'raw-heartbeat-deflate', denominator: 'raw-heartbeat' },
  { id: 'deflate-cost-report4k-raw', title: 'Cost of deflate, NotifyReport 4 KB (raw ws)', kind: 'cost', numerator: 'raw-report4k-deflate', denominator: 'raw-report4k' },
  { id: 'validation-cost-heartbeat', title: 'Cost of validation, Heartbeat (ours)', kind: 'cost', numerator: 'ocpp-heartbeat', denominator: 'ocpp-heartbeat-novalidate' },
  // another library on the same frames, generator and machine, interleaved run by run (> 1: ours is faster)
  { id: 'heartbeat-vs-ocpprpc', title: 'Heartbeat: ours / ocpp-rpc (both validating)', kind: 'ratio', numerator: 'ocpp-heartbeat', denominator: 'ocpprpc-heartbeat' },
  { id: 'boot-vs-ocpprpc', title: 'BootNotification: ours / ocpp-rpc', kind: 'ratio', numerator: 'ocpp-boot', denominator: 'ocpprpc-boot' },
  { id: 'meter-vs-ocpprpc', title: 'MeterValues: ours / ocpp-rpc', kind: 'ratio', numerator: 'ocpp-meter', denominator: 'ocpprpc-meter' },
  { id: 'report4k-vs-ocpprpc', title: 'NotifyReport 4 KB: ours / ocpp-rpc', kind: 'ratio', numerator: 'ocpp-report4k', denominator: 'ocpprpc-report4k' },
  { id: 'report4k-deflate-vs-ocpprpc', title: 'NotifyReport 4 KB, deflate: ours / ocpp-rpc', kind: 'ratio', numerator: 'ocpp-report4k-deflate', denominator: 'ocpprpc-report4k-deflate' },
  { id: 'ocppclient-vs-raw-client', title: 'OcppClient generator / raw ws generator (same server)', kind: 'ratio', numerator: 'ocpp-heartbeat-ocppclient', denominator: 'ocpp-heartbeat' },
];
