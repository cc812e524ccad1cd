// End to end: the built dashboard in Debian's chromium against a real CSMS and a station played by
// OcppClient. Sign in, watch the station connect and change status live, send a command from the
// schema form (after a field-level validation error), start a transaction from the remote start form and
// stop it with the Stop button (the station answers and reports TransactionEvents), id tokens with a
// KeyCode PIN and delete, read-only sign-in, screenshots.
// Run: node --import tsx --test packages/dashboard/e2e/dashboard.test.ts  (needs /usr/bin/chromium)
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OcppClient } from '@chargewire/ocpp';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchBrowser, startHarness, type Harness } from './harness.ts';

// Screenshots refresh docs/screenshots/ only when asked (UPDATE_SCREENSHOTS=1), so a test run leaves the
// work tree clean; otherwise they go to a temp dir (still taken, so the step is exercised).
const SHOTS = process.env['UPDATE_SCREENSHOTS'] === '1'
  ? fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url))
  : mkdtempSync(join(tmpdir(), 'cw-dashboard-shots-')) + '/';
const STATION = 'E2E-CS1';

describe('dashboard end to end', { skip: existsSync(CHROMIUM) ? false : `no chromium at ${CHROMIUM} (apt-get install -y chromium)` }, () => {
  let h: Harness;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  let station: OcppClient | undefined;
  const resets: unknown[] = [];
  const remoteStarts: unknown[] = [];
  const remoteStops: unknown[] = [];
  const TX = 'E2E-TX-1';

  /** The station's side of a remote start: TransactionEvent Started then Updated, with meter values. */
  async function reportTransaction(remoteStartId: number, idToken: { idToken: string; type: string }) {
    const t0 = Date.now() - 4 * 60_000; // readings every minute; the stop (endTransaction) comes a minute after the last
    const at = (i: number) => new Date(t0 + i * 60_000).toISOString();
    const mv = (i: number, wh: number) => ({ timestamp: at(i), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register' as const, unitOfMeasure: { unit: 'Wh' } }] });
    await station!.call('TransactionEvent', {
      eventType: 'Started', timestamp: at(0), triggerReason: 'RemoteStart', seqNo: 0,
      transactionInfo: { transactionId: TX, remoteStartId, chargingState: 'Charging' }, evse: { id: 1, connectorId: 1 }, idToken, meterValue: [mv(0, 10_000)],
    });
    await station!.call('TransactionEvent', {
      eventType: 'Updated', timestamp: at(3), triggerReason: 'MeterValuePeriodic', seqNo: 1,
      transactionInfo: { transactionId: TX, chargingState: 'Charging' }, meterValue: [mv(1, 10_180), mv(2, 10_370), mv(3, 10_550)],
    });
  }

  /** The station's side of a remote stop: TransactionEvent Ended (RemoteStop) with the final reading. */
  async function endTransaction() {
    const now = new Date().toISOString(); // about 4 min after the first reading: 4 × 180 Wh, like the minutes before
    await station!.call('TransactionEvent', {
      eventType: 'Ended', timestamp: now, triggerReason: 'RemoteStop', seqNo: 2,
      transactionInfo: { transactionId: TX, chargingState: 'Idle', stoppedReason: 'Remote' },
      meterValue: [{ timestamp: now, sampledValue: [{ value: 10_730, measurand: 'Energy.Active.Import.Register', context: 'Transaction.End', unitOfMeasure: { unit: 'Wh' } }] }],
    });
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startHarness();
    ({ browser, cleanup: closeBrowser } = await launchBrowser());
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  });

  after(async () => {
    await station?.close().catch(() => {});
    await closeBrowser?.();
    await h?.stop();
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const cardValue = (id: string) => page.locator(`[data-testid="${id}"] .value`);

  test('sign in: a wrong token is refused, the admin token gets in', async () => {
    await page.goto(h.base);
    await page.getByLabel('API token').fill('cw_not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'invalid bearer token' }).waitFor();
    await shot('sign-in');
    await page.getByLabel('API token').fill(h.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    assert.equal(await page.locator('[data-role]').textContent(), 'admin');
    assert.equal(await cardValue('stations-online').textContent(), '0');
  });

  test('a station connects, boots and reports status: the overview follows live', async () => {
    await page.locator('.dot.open').waitFor(); // SSE stream is open
    station = new OcppClient({ url: h.ocppUrl, identity: STATION, reconnect: false, versions: ['2.1'] });
    station.handle('Reset', async (_ctx, req) => {
      resets.push(req);
      return { status: 'Accepted' };
    });
    // Remote start: accept, then report the transaction with Energy.Active.Import.Register readings.
    station.handle('RequestStartTransaction', async (_ctx, req) => {
      remoteStarts.push(req);
      setTimeout(() => void reportTransaction(req.remoteStartId, req.idToken).catch((err: unknown) => remoteStarts.push({ failed: String(err) })), 50);
      return { status: 'Accepted' };
    });
    station.handle('RequestStopTransaction', async (_ctx, req) => {
      remoteStops.push(req);
      setTimeout(() => void endTransaction().catch((err: unknown) => remoteStops.push({ failed: String(err) })), 50);
      return { status: 'Accepted' };
    });
    await station.connect();
    await station.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Chargewire', model: 'E2E-Wallbox', firmwareVersion: '1.2.3', serialNumber: 'SN-1' } });
    await station.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    await station.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 2, connectorId: 1 });
    await page.locator('[data-testid="stations-online"] .value', { hasText: '1' }).waitFor({ timeout: 5000 });
    await page.locator('[data-testid="connectors-Available"] .value', { hasText: '2' }).waitFor({ timeout: 5000 });
    await page.getByText('E2E-Wallbox').first().waitFor();
    await shot('overview');
  });

  test('station list and page: live connector status', async () => {
    await page.getByRole('link', { name: 'Stations', exact: true }).click();
    const row = page.locator(`tr[data-station="${STATION}"]`);
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /online.*Chargewire E2E-Wallbox.*1\.2\.3.*2\.1/);
    await shot('stations');
    await page.getByRole('link', { name: STATION }).click();
    const connector = page.locator('[data-connector="1/1"]');
    await connector.getByText('Available').waitFor();
    assert.match((await page.getByTestId('boot-info').textContent()) ?? '', /E2E-Wallbox.*1\.2\.3/);
    await station!.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
    await connector.getByText('Occupied').waitFor({ timeout: 5000 }); // no reload
    await shot('station');
  });

  test('journal shows pretty-printed frames, filterable by action', async () => {
    await page.getByRole('tab', { name: 'Journal' }).click();
    await page.locator('ol.journal li').first().waitFor();
    await page.getByLabel('Action').fill('BootNotification');
    await page.locator('ol.journal li', { hasText: 'E2E-Wallbox' }).first().waitFor();
    const heads = await page.locator('ol.journal li .journal-head strong').allTextContents();
    assert.ok(heads.length >= 1 && heads.every((a) => a === 'BootNotification'), `only BootNotification frames: ${heads.join(',')}`);
    const call = page.locator('ol.journal li', { hasText: 'CALL' }).filter({ hasText: 'chargingStation' }).locator('pre');
    assert.match((await call.first().textContent()) ?? '', /\n\s+"chargingStation": \{\n\s+"vendorName": "Chargewire"/);
    await shot('journal');
  });

  test('command panel: a bad field is refused at the field, a good command reaches the station', async () => {
    await page.getByRole('tab', { name: 'Commands' }).click();
    await page.getByRole('button', { name: 'Send Reset' }).waitFor();
    await page.locator('#f-evseId').fill('first');
    await page.getByRole('button', { name: 'Send Reset' }).click();
    assert.equal(await page.locator('.field-error[data-field="type"]').textContent(), 'required');
    assert.equal(await page.locator('.field-error[data-field="evseId"]').textContent(), 'must be a whole number');
    await shot('command-validation');
    assert.equal(resets.length, 0, 'nothing was sent');
    await page.locator('#f-type').selectOption('OnIdle');
    await page.locator('#f-evseId').fill('1');
    await page.getByRole('button', { name: 'Send Reset' }).click();
    const answer = page.getByRole('status', { name: 'Station answer' });
    await answer.waitFor({ timeout: 5000 });
    assert.match((await answer.textContent()) ?? '', /"status": "Accepted"/);
    assert.deepEqual(resets, [{ type: 'OnIdle', evseId: 1 }]);
    await shot('command');
  });

  test('remote start form: the station accepts and reports the transaction, its page charts the meter values', async () => {
    await page.getByRole('tab', { name: 'Status' }).click();
    const form = page.getByRole('form', { name: 'Start transaction' });
    await form.getByLabel('Id token to start with').fill('E2E-TAG');
    await form.getByLabel('Id token type').selectOption('ISO14443');
    await form.getByLabel('EVSE').fill('1');
    await form.getByRole('button', { name: 'Start' }).click();
    const answer = form.getByRole('status');
    await answer.getByText('Accepted').waitFor({ timeout: 5000 });
    // The form finds the transaction by remoteStartId once the station reports it (live, no click).
    const link = form.getByRole('link', { name: `transaction ${TX}` });
    await link.waitFor({ timeout: 5000 });
    assert.equal(remoteStarts.length, 1, JSON.stringify(remoteStarts));
    const req = remoteStarts[0] as { remoteStartId: number; idToken: unknown; evseId: number };
    assert.deepEqual(req.idToken, { idToken: 'E2E-TAG', type: 'ISO14443' });
    assert.equal(req.evseId, 1);
    assert.match((await answer.textContent()) ?? '', new RegExp(`remoteStartId ${req.remoteStartId}`));
    const linked = await h.api<{ transaction?: { transactionId: string } }>('GET', `/api/stations/${STATION}/remote-starts/${req.remoteStartId}`);
    assert.equal(linked.body.transaction?.transactionId, TX);
    await shot('remote-start');
    await link.click();
    await page.getByRole('heading', { name: `Transaction ${TX}` }).waitFor();
    const energy = page.locator('[data-series="Energy"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-series="Energy"]')?.getAttribute('data-points')) === 4, undefined, { timeout: 5000 });
    assert.equal(await energy.locator('circle').count(), 4);
    assert.equal(await page.locator('[data-series="Power"]').getAttribute('data-points'), '3'); // derived from energy
    assert.equal(await page.getByTestId('tx-energy').textContent(), '550 Wh');
    await page.getByText('E2E-TAG (ISO14443)').waitFor();
    await shot('transaction');
  });

  test('Stop button: RequestStopTransaction reaches the station, its Ended event shows without a reload', async () => {
    await page.getByRole('button', { name: 'Stop transaction' }).click();
    await page.getByRole('status').filter({ hasText: 'RequestStopTransaction' }).getByText('Accepted').waitFor({ timeout: 5000 });
    assert.deepEqual(remoteStops, [{ transactionId: TX }]);
    await page.getByRole('heading', { name: `Transaction ${TX}` }).getByText('Ended').waitFor({ timeout: 5000 });
    await page.locator('dd', { hasText: /^Remote$/ }).waitFor();
    assert.equal(await page.getByTestId('tx-energy').textContent(), '730 Wh');
    assert.equal(await page.getByRole('button', { name: 'Stop transaction' }).count(), 0);
    const stored = await h.api<{ transaction: { state: string; stoppedReason?: string } }>('GET', `/api/stations/${STATION}/transactions/${TX}`);
    assert.equal(stored.body.transaction.state, 'Ended');
    assert.equal(stored.body.transaction.stoppedReason, 'Remote');
    await shot('transaction-stopped');
  });

  test('transactions list; id tokens: a KeyCode PIN the station can use, delete after confirmation', async () => {
    await page.getByRole('link', { name: 'Transactions' }).click();
    await page.getByRole('heading', { name: 'Transactions' }).waitFor();
    await page.getByRole('link', { name: TX }).waitFor();
    await shot('transactions');
    for (const [idToken, status] of [['E2E-TAG', 'Accepted'], ['LOST-CARD', 'Blocked']] as const) {
      const put = await h.api('PUT', `/api/id-tokens/ISO14443/${idToken}`, { status });
      assert.equal(put.status, 200, JSON.stringify(put.body));
    }
    await page.getByRole('link', { name: 'Id tokens' }).click();
    await page.getByRole('heading', { name: 'Id tokens' }).waitFor();
    await page.locator('tr[data-token="ISO14443/LOST-CARD"]').waitFor();

    // A KeyCode token with a PIN: stored hashed, listed as "PIN", and the station's Authorize with the PIN is Accepted.
    await page.getByRole('button', { name: 'New id token' }).click();
    const form = page.getByRole('form', { name: 'New id token' });
    await form.getByLabel('Type').selectOption('KeyCode');
    await form.getByLabel('PIN').fill('4711');
    assert.equal(await form.locator('#tok-id').count(), 0);
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    const pinRow = page.locator('tr[data-token^="KeyCode/"]');
    await pinRow.waitFor();
    assert.match((await pinRow.textContent()) ?? '', /^PIN \(stored hashed\)KeyCode/);
    assert.doesNotMatch((await page.locator('table.list').textContent()) ?? '', /4711|pin-sha256/);
    const auth = await station!.call('Authorize', { idToken: { idToken: '4711', type: 'KeyCode' } });
    assert.equal(auth.idTokenInfo.status, 'Accepted');
    const wrong = await station!.call('Authorize', { idToken: { idToken: '0000', type: 'KeyCode' } });
    assert.notEqual(wrong.idTokenInfo.status, 'Accepted');

    // Delete asks first; Cancel keeps the token, "Yes, delete" removes it.
    const lost = page.locator('tr[data-token="ISO14443/LOST-CARD"]');
    await lost.getByRole('button', { name: 'Delete' }).click();
    await lost.getByRole('group', { name: 'Confirm deleting ISO14443 token LOST-CARD' }).waitFor();
    await shot('id-token-delete');
    await lost.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await h.api('GET', '/api/id-tokens/ISO14443/LOST-CARD')).status, 200);
    await lost.getByRole('button', { name: 'Delete' }).click();
    await lost.getByRole('button', { name: 'Yes, delete' }).click();
    await lost.waitFor({ state: 'detached' });
    assert.equal((await h.api('GET', '/api/id-tokens/ISO14443/LOST-CARD')).status, 404);
    await shot('id-tokens');
  });

  test('a read-only token sees no command buttons', async () => {
    const created = await h.api<{ token: string }>('POST', '/api/tokens', { name: 'e2e reader', role: 'readonly' });
    assert.equal(created.status, 201);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').fill(created.body.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-role="readonly"]').waitFor(); // signed in, on the page it was on
    assert.equal(await page.locator('[data-role]').textContent(), 'read-only');
    await page.goto(`${h.base}/stations/${STATION}`); // SPA fallback serves index.html; the token survives in sessionStorage
    await page.getByRole('tab', { name: 'Journal' }).waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Commands' }).count(), 0);
    await page.getByRole('tab', { name: 'Device model' }).click();
    await page.locator('.empty, table.list').first().waitFor();
    assert.equal(await page.getByRole('button', { name: /^Set/ }).count(), 0);
    await page.getByRole('link', { name: 'Id tokens' }).click();
    await page.locator('tr[data-token="ISO14443/E2E-TAG"]').waitFor();
    for (const name of ['Delete', 'Edit', 'New id token']) assert.equal(await page.getByRole('button', { name }).count(), 0, `no ${name} button`);
  });

  test('the station disconnects: the overview shows it offline without a reload', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.locator('[data-testid="stations-online"] .value', { hasText: '1' }).waitFor();
    assert.equal(await cardValue('active-transactions').textContent(), '0'); // started and stopped above
    await station!.close();
    await page.locator('[data-testid="stations-offline"] .value', { hasText: '1' }).waitFor({ timeout: 5000 });
    assert.equal(await cardValue('stations-online').textContent(), '0');
  });
});
