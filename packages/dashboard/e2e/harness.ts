// E2E harness: a real CSMS (createCsms, memory store, ephemeral ports, temp data dir), the built
// dashboard served by registerDashboard (serve.ts) with /api and /openapi.json proxied to the CSMS
// (exactly what the CSMS will serve at / once it mounts registerDashboard itself), and Debian's
// chromium driven by playwright-core.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { createCsms, loadConfig, createMemoryStore, type Csms } from '@chargewire/csms';
import { ensureAdminToken } from '../../csms/src/api/index.ts';
import { dashboardDir, registerDashboard } from '../serve.ts';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export interface Harness {
  csms: Csms;
  /** Dashboard origin, e.g. http://127.0.0.1:41234 */
  base: string;
  ocppUrl: string;
  adminToken: string;
  api<T>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/** Build dist/ when it is missing (or always with DASHBOARD_REBUILD=1). */
export function ensureBuilt(): string {
  const dir = dashboardDir();
  if (!dir.built || process.env['DASHBOARD_REBUILD'] === '1') {
    const r = spawnSync(process.execPath, [join(dir.path, '..', '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { cwd: join(dir.path, '..'), stdio: 'inherit' });
    if (r.status !== 0) throw new Error('vite build failed');
  }
  return dir.path;
}

function proxy(app: FastifyInstance, target: number): void {
  const forward = async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    reply.hijack();
    const up = httpRequest({ host: '127.0.0.1', port: target, method: request.method, path: request.url, headers: request.headers }, (res) => {
      reply.raw.writeHead(res.statusCode ?? 502, res.headers);
      res.pipe(reply.raw);
    });
    up.on('error', () => reply.raw.destroy());
    reply.raw.on('close', () => up.destroy());
    request.raw.pipe(up);
  };
  // Bodies stay raw so they reach the CSMS untouched.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null));
  app.all('/api/*', forward);
  app.get('/openapi.json', forward);
}

export async function startHarness(): Promise<Harness> {
  const dist = ensureBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'cw-dash-e2e-'));
  const adminToken = ensureAdminToken(dataDir)!;
  const config = loadConfig({
    overrides: {
      dataDir,
      mode: 'quickstart',
      store: { kind: 'memory' },
      ocpp: { host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
      boot: { fetchInventory: false, heartbeatIntervalS: 300 },
    },
  });
  const csms = createCsms(config, { store: createMemoryStore(), logger: pino({ level: process.env['TEST_LOG'] ?? 'silent' }) as never });
  const ports = await csms.start();
  const web = Fastify({ logger: false });
  proxy(web, ports.http!);
  registerDashboard(web, { dir: dist });
  await web.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(web.server.address() as { port: number }).port}`;
  return {
    csms,
    base,
    ocppUrl: `ws://127.0.0.1:${ports.ocpp}/ocpp`,
    adminToken,
    async api<T>(method: string, path: string, body?: unknown, token = adminToken) {
      const res = await fetch(`http://127.0.0.1:${ports.http}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    async stop() {
      await web.close();
      await csms.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<{ browser: Browser; cleanup(): Promise<void> }> {
  // playwright-core starts chromium with a fresh temporary profile (--user-data-dir) of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    async cleanup() {
      await browser.close();
    },
  };
}
