// `npm start` runs the CSMS from the bundle scripts/build.ts makes: it must rebuild exactly when a source
// changed, and the bundle must run the whole CSMS (OCPP over SQLite, the store's worker thread, the REST
// API with the official schemas, the dashboard) from its own directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import WebSocket from 'ws';
import { dashboardDir } from '@chargewire/dashboard/serve';
import { buildCsms, csmsStaleReason, dashboardStaleReason } from './build.ts';

const root = new URL('..', import.meta.url).pathname;
// inside the repository, so that the bundle's external imports resolve from its node_modules
const cacheDir = join(root, 'node_modules/.cache');

function setMtime(path: string, s: number): void {
  utimesSync(path, s, s);
}

test('build: the CSMS bundle is rebuilt only when one of its inputs changed or is gone', async () => {
  mkdirSync(cacheDir, { recursive: true });
  const dir = mkdtempSync(join(cacheDir, 'chargewire-build-test-'));
  const extra = join(dir, 'extra-input.ts');
  try {
    const first = await buildCsms({ dir });
    assert.equal(first.built, true);
    assert.equal(first.reason, 'not built yet');
    const meta = JSON.parse(readFileSync(join(dir, 'build-meta.json'), 'utf8')) as { inputs: string[] };
    assert.ok(meta.inputs.includes(join(root, 'packages/csms/src/main.ts')));
    assert.ok(meta.inputs.includes(join(root, 'packages/ocpp/src/schemas.ts')), 'the workspace packages are inputs');
    assert.ok(!meta.inputs.some((p) => p.includes('node_modules')), 'third-party packages stay external');
    assert.equal(csmsStaleReason(dir), undefined);
    assert.equal((await buildCsms({ dir })).built, false, 'nothing changed: no build');

    // an input newer than the bundle makes it stale; an input that is gone too
    writeFileSync(extra, '');
    setMtime(extra, 1_000);
    writeFileSync(join(dir, 'build-meta.json'), JSON.stringify({ inputs: [...meta.inputs, extra] }));
    assert.equal(csmsStaleReason(dir), undefined, 'an older input changes nothing');
    setMtime(extra, Date.now() / 1000 + 60);
    assert.match(csmsStaleReason(dir) ?? '', /extra-input\.ts changed$/);
    rmSync(extra);
    assert.match(csmsStaleReason(dir) ?? '', /extra-input\.ts is gone$/);
    rmSync(join(dir, 'sqlite-worker.mjs'));
    assert.equal(csmsStaleReason(dir), 'not built yet', 'every output must be there');
    const again = await buildCsms({ dir });
    assert.equal(again.built, true);
    assert.equal(csmsStaleReason(dir), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('build: the dashboard is stale when missing or older than any of its sources, not for its tests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-dash-'));
  try {
    mkdirSync(join(dir, 'src/views'), { recursive: true });
    mkdirSync(join(dir, 'e2e'));
    for (const f of ['src/views/a.tsx', 'index.html', 'e2e/x.test.ts']) { writeFileSync(join(dir, f), ''); setMtime(join(dir, f), 1_000); }
    assert.equal(dashboardStaleReason(dir), 'not built yet');
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist/index.html'), '');
    setMtime(join(dir, 'dist/index.html'), 2_000);
    assert.equal(dashboardStaleReason(dir), undefined);
    setMtime(join(dir, 'e2e/x.test.ts'), 3_000);
    assert.equal(dashboardStaleReason(dir), undefined, 'the e2e tests are not built into dist/');
    setMtime(join(dir, 'src/views/a.tsx'), 3_000);
    assert.equal(dashboardStaleReason(dir), 'sources changed', 'a nested source file counts');
    setMtime(join(dir, 'src/views/a.tsx'), 1_000);
    setMtime(join(dir, 'index.html'), 3_000);
    assert.equal(dashboardStaleReason(dir), 'sources changed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function bootOver(url: string): Promise<unknown> {
  const ws = new WebSocket(url, ['ocpp2.1']);
  await once(ws, 'open');
  ws.send(JSON.stringify([2, 'b1', 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }]));
  const [data] = await once(ws, 'message') as [Buffer];
  ws.close();
  return JSON.parse(data.toString());
}

for (const thread of ['main', 'worker'] as const) {
  test(`build: the bundled CSMS runs from its own directory (SQLite on the ${thread} thread): boot, API schemas, dashboard, clean stop`, async () => {
    mkdirSync(cacheDir, { recursive: true });
    const dir = mkdtempSync(join(cacheDir, 'chargewire-build-test-'));
    const data = mkdtempSync(join(tmpdir(), 'cw-bundle-data-'));
    try {
      await buildCsms({ dir });
      const proc = spawn(process.execPath, [join(dir, 'main.mjs')], {
        env: { ...process.env, CHARGEWIRE_DATA_DIR: data, CHARGEWIRE_HTTP_PORT: '0', CHARGEWIRE_OCPP_PORT: '0', CHARGEWIRE_HTTP_HOST: '127.0.0.1', CHARGEWIRE_OCPP_HOST: '127.0.0.1', CHARGEWIRE_SQLITE_THREAD: thread },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      proc.stdout.on('data', (b: Buffer) => { out += b.toString(); });
      proc.stderr.on('data', (b: Buffer) => { out += b.toString(); });
      const deadline = Date.now() + 20_000;
      while (!/HTTP +http:\/\/[^:]+:\d+/.test(out)) {
        assert.ok(Date.now() < deadline && proc.exitCode === null, `CSMS did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const ocpp = Number(/ws:\/\/[^:]+:(\d+)\/ocpp/.exec(out)![1]);
      const http = Number(/HTTP +http:\/\/[^:]+:(\d+)/.exec(out)![1]);
      try {
        const reply = await bootOver(`ws://127.0.0.1:${ocpp}/ocpp/CS-BUNDLE`) as [number, string, { status: string }];
        assert.equal(reply[0], 3, `a CALLRESULT: ${JSON.stringify(reply)}`);
        assert.equal(reply[2].status, 'Accepted');

        // the OpenAPI document carries the official schemas (read from packages/ocpp/schemas at run time)
        const api = await (await fetch(`http://127.0.0.1:${http}/openapi.json`)).text();
        assert.match(api, /RequestStartTransactionRequest/);
        assert.match(api, /remoteStartId/);

        // the dashboard is found in packages/dashboard/dist, not beside the bundle
        const page = await fetch(`http://127.0.0.1:${http}/`);
        if (dashboardDir().built) {
          assert.equal(page.status, 200);
          assert.match(page.headers.get('content-type') ?? '', /text\/html/);
          assert.match(await page.text(), /<div id="root">/);
        } else {
          assert.equal(page.status, 503, 'not built: the page says how to build it');
        }
      } finally {
        proc.kill('SIGTERM');
        const [code] = await once(proc, 'exit') as [number | null];
        assert.equal(code, 0, `clean stop:\n${out}`);
      }
      assert.doesNotMatch(out, /"level":(50|60)/, 'no error or fatal log line');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    }
  });
}
