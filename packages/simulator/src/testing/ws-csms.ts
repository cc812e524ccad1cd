// A real WebSocket CSMS on 127.0.0.1:<random port> (createOcppServer), scripted per identity.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOcppServer, type OcppServer, type OcppVersion } from '@chargewire/ocpp';
import { ScriptedCsms } from './scripted-csms.ts';

export interface WsCsms { url: string; server: Server; ocpp: OcppServer; csmsFor(identity: string): ScriptedCsms; connections: number; close(): Promise<void> }

export async function startWsCsms(opts: { versions?: OcppVersion[]; password?: string; make?: (identity: string) => ScriptedCsms } = {}): Promise<WsCsms> {
  const byId = new Map<string, ScriptedCsms>();
  const csmsFor = (id: string): ScriptedCsms => {
    let c = byId.get(id);
    if (!c) { c = opts.make?.(id) ?? new ScriptedCsms(); byId.set(id, c); }
    return c;
  };
  const state = { connections: 0 };
  const ocpp = createOcppServer({
    versions: opts.versions ?? ['2.1', '2.0.1'],
    authenticate: ({ basic }) => (opts.password === undefined || basic?.password === opts.password ? { ok: true, context: {} } : { ok: false, status: 401 }),
    onConnection: ({ identity, endpoint }) => { state.connections++; csmsFor(identity).attach(endpoint); },
  });
  const server = createServer();
  ocpp.attach(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/ocpp`, server, ocpp, csmsFor,
    get connections() { return state.connections; },
    async close() { await ocpp.close(); await new Promise<void>((r) => server.close(() => r())); },
  };
}
