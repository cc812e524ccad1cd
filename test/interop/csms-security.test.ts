// Security profiles 1–3 (Part 2 A00) and bad input, end to end over real sockets.
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';
import { OcppClient } from '@chargewire/ocpp';
import { hashPassword } from '@chargewire/csms';
import { startTestCsms, eventually, type TestCsms } from '../fixtures/csms.ts';
import { makePki, type TestPki } from '../fixtures/certs.ts';
import { aBootNotification, aStatusNotification } from '../fixtures/builders.ts';

const status = (err: unknown) => (err as { statusCode?: number }).statusCode;

describe('security profile 1 and connection refusals', () => {
  let t: TestCsms;
  before(async () => {
    t = await startTestCsms({ mode: 'production', ocpp: { maxPayloadBytes: 4096 } });
    await t.store.registerStation({ id: 'SP1', securityProfile: 1, passwordHash: await hashPassword('correct-horse-battery') });
  });
  after(async () => { await t.stop(); });

  test('[A00.FR.207] identity and Basic password match: connected', async () => {
    const cs = await t.connect('SP1', { password: 'correct-horse-battery' });
    assert.equal((await cs.call('BootNotification', aBootNotification())).status, 'Accepted');
    await cs.close();
  });

  test('[A00.FR.207] wrong credentials get HTTP 401 before the upgrade; stored data intact', async () => {
    const before = await t.store.getStation('SP1');
    await assert.rejects(t.connect('SP1', { password: 'wrong-password-123' }), (e) => status(e) === 401);
    await assert.rejects(t.connect('SP1'), (e) => status(e) === 401, 'no credentials');
    const afterRec = await t.store.getStation('SP1');
    assert.equal(afterRec?.passwordHash, before?.passwordHash);
  });

  test('[A00.FR.004] production mode: an unknown identity (no security profile configured) gets HTTP 404 and is not registered', async () => {
    await assert.rejects(t.connect('NOPE', { password: 'whatever-123456' }), (e) => status(e) === 404);
    assert.equal(await t.store.getStation('NOPE'), undefined);
  });

  test('[FR.03] broken JSON, schema violations and unknown actions get the precise CALLERROR; data intact', async () => {
    const ws = new WebSocket(`${t.url}/SP1`, ['ocpp2.0.1'], { headers: { Authorization: `Basic ${Buffer.from('SP1:correct-horse-battery').toString('base64')}` } });
    const frames: unknown[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify([2, 'b1', 'BootNotification', aBootNotification()]));
    await eventually(() => frames.length === 1);
    const connectorsBefore = await t.store.listConnectors('SP1');
    ws.send('[2, "x1", "StatusNotification", {');
    ws.send(JSON.stringify([2, 'x2', 'StatusNotification', { ...aStatusNotification(), evseId: 'one' }]));
    ws.send(JSON.stringify([2, 'x3', 'StatusNotification', { timestamp: new Date().toISOString(), evseId: 1, connectorId: 1 }]));
    ws.send(JSON.stringify([2, 'x4', 'FlyToTheMoon', {}]));
    await eventually(() => frames.length >= 4);
    const errs = frames.slice(1) as Array<[number, string, string]>;
    const byId = new Map(errs.map((f) => [f[1], f[2]]));
    assert.equal(byId.get('x2'), 'TypeConstraintViolation');
    assert.equal(byId.get('x3'), 'OccurrenceConstraintViolation');
    assert.equal(byId.get('x4'), 'NotImplemented');
    assert.ok(errs.every((f) => f[0] === 4));
    assert.deepEqual(await t.store.listConnectors('SP1'), connectorsBefore);
    ws.close();
  });

  test('an oversized frame closes the connection with 1009; stored data intact', async () => {
    const cs = new OcppClient({ url: t.url, identity: 'SP1', password: 'correct-horse-battery', reconnect: false, versions: ['2.0.1'] });
    await cs.connect();
    await cs.call('BootNotification', aBootNotification());
    const closed = new Promise<{ code: number }>((r) => cs.once('close', r));
    void cs.call('DataTransfer', { vendorId: 'x', data: 'y'.repeat(10_000) }).catch(() => {});
    assert.equal((await closed).code, 1009);
    assert.equal((await t.store.getStation('SP1'))?.lastBoot?.status, 'Accepted');
    await cs.close();
  });
});

describe('quick-start mode', () => {
  test('an unknown station is registered on first connect (with its password hashed)', async () => {
    const t = await startTestCsms({ mode: 'quickstart' });
    try {
      const cs = await t.connect('NEW1', { password: 'first-use-password' });
      await cs.call('BootNotification', aBootNotification());
      const st = await t.store.getStation('NEW1');
      assert.equal(st?.securityProfile, 1);
      assert.match(st?.passwordHash ?? '', /^scrypt\$/);
      await cs.close();
      await assert.rejects(t.connect('NEW1', { password: 'another-password' }), (e) => status(e) === 401);
    } finally {
      await t.stop();
    }
  });
});

describe('security profiles 2 and 3 (TLS)', () => {
  let pki: TestPki;
  let t: TestCsms;
  before(async () => {
    pki = makePki();
    t = await startTestCsms({
      mode: 'production',
      tls: { port: 0, mtlsPort: 0, certFile: pki.rsaCert, keyFile: pki.rsaKey, ecdsaCertFile: pki.ecCert, ecdsaKeyFile: pki.ecKey, caFile: pki.caFile, operatorOrg: 'Chargewire' },
    });
    await t.store.registerStation({ id: 'SP2', securityProfile: 2, passwordHash: await hashPassword('tls-password-0001') });
    await t.store.registerStation({ id: 'SP3', securityProfile: 3 });
  });
  after(async () => { await t.stop(); });

  const handshake = (port: number, o: { maxVersion?: 'TLSv1.1' | 'TLSv1.2'; minVersion?: 'TLSv1' | 'TLSv1.2'; ciphers?: string }) =>
    new Promise<{ ok: boolean; cipher?: string; cert?: string }>((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.ca, ...o }, () => {
        const r = { ok: true, cipher: s.getCipher().standardName, cert: s.getPeerCertificate().pubkey ? 'x' : 'y' };
        s.end();
        resolve(r);
      });
      s.on('error', () => resolve({ ok: false }));
    });

  test('[A00.FR.318] [A00.FR.421] the four required cipher suites work over TLS 1.2 (RSA and ECDSA certificates)', async () => {
    for (const [openssl, iana] of [
      ['ECDHE-ECDSA-AES128-GCM-SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
      ['ECDHE-ECDSA-AES256-GCM-SHA384', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
      ['AES128-GCM-SHA256', 'TLS_RSA_WITH_AES_128_GCM_SHA256'],
      ['AES256-GCM-SHA384', 'TLS_RSA_WITH_AES_256_GCM_SHA384'],
    ]) {
      const r = await handshake(t.ports.tls!, { maxVersion: 'TLSv1.2', ciphers: openssl });
      assert.equal(r.ok, true, openssl);
      assert.equal(r.cipher, iana);
    }
  });

  test('[A00.FR.313] [A00.FR.416] [A00.FR.314] [A00.FR.417] [A00.FR.315] [A00.FR.418] TLS below 1.2 is refused; [A00.FR.320] [A00.FR.423] [A00.FR.322] [A00.FR.425] a CBC/SHA-1 suite is refused', async () => {
    assert.equal((await handshake(t.ports.tls!, { maxVersion: 'TLSv1.1', minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' })).ok, false);
    assert.equal((await handshake(t.ports.tls!, { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA' })).ok, false);
  });

  test('[A00.FR.324] profile 2: Basic auth over TLS; wrong password 401; [A00.FR.002] profile 1 port refused', async () => {
    const url = `wss://localhost:${t.ports.tls}/ocpp`;
    const ok = new OcppClient({ url, identity: 'SP2', password: 'tls-password-0001', reconnect: false, tls: { ca: pki.ca } });
    await ok.connect();
    assert.equal((await ok.call('BootNotification', aBootNotification())).status, 'Accepted');
    assert.equal(t.csms.runtime.sessions.get('SP2')?.securityProfile, 2);
    await ok.close();
    const bad = new OcppClient({ url, identity: 'SP2', password: 'nope-nope-nope-1', reconnect: false, tls: { ca: pki.ca } });
    await assert.rejects(bad.connect(), (e) => status(e) === 401);
    await assert.rejects(t.connect('SP2', { password: 'tls-password-0001' }), (e) => status(e) === 401, 'a profile-2 station may not use the plain port');
  });

  test('[A00.FR.405] [A00.FR.404] [A00.FR.402] [A00.FR.427] profile 3: the client certificate authenticates, its CN must equal the identity (one certificate per station), O the operator; [B01.FR.11] serialNumber checked', async () => {
    const url = `wss://localhost:${t.ports.mtls}/ocpp`;
    const good = pki.client('SP3');
    const ok = new OcppClient({ url, identity: 'SP3', reconnect: false, tls: { ca: pki.ca, cert: good.cert, key: good.key } });
    await ok.connect();
    assert.equal((await ok.call('BootNotification', aBootNotification({ serialNumber: 'SP3' }))).status, 'Accepted');
    assert.equal(t.csms.runtime.sessions.get('SP3')?.securityProfile, 3);
    // [B01.FR.12] a different serialNumber: the CSMS closes the connection
    const closed = new Promise<{ code: number }>((r) => ok.once('close', r));
    await assert.rejects(ok.call('BootNotification', aBootNotification({ serialNumber: 'OTHER' })));
    assert.equal((await closed).code, 1008);
    await ok.close();
    const wrongCn = pki.client('SOMEONE');
    await assert.rejects(new OcppClient({ url, identity: 'SP3', reconnect: false, tls: { ca: pki.ca, cert: wrongCn.cert, key: wrongCn.key } }).connect(), (e) => status(e) === 401);
    const wrongOrg = pki.client('SP3', 'Evil Corp');
    await assert.rejects(new OcppClient({ url, identity: 'SP3', reconnect: false, tls: { ca: pki.ca, cert: wrongOrg.cert, key: wrongOrg.key } }).connect(), (e) => status(e) === 401);
    // [A00.FR.407] no client certificate: the TLS handshake fails
    await assert.rejects(new OcppClient({ url, identity: 'SP3', reconnect: false, tls: { ca: pki.ca } }).connect());
  });
});

describe('[A00.FR.429] profile 3 with expired and not-yet-valid client certificates', () => {
  let pki: TestPki;
  let strict: TestCsms;
  let lenient: TestCsms;
  const DAY = 86_400_000;
  const expired = () => pki.clientValid('EXP1', new Date(Date.now() - 60 * DAY), new Date(Date.now() - DAY));
  const future = (cn: string) => pki.clientValid(cn, new Date(Date.now() + DAY), new Date(Date.now() + 60 * DAY));
  const tlsOpts = (p: TestPki) => ({ port: -1, mtlsPort: 0, certFile: p.rsaCert, keyFile: p.rsaKey, ecdsaCertFile: p.ecCert, ecdsaKeyFile: p.ecKey, caFile: p.caFile, operatorOrg: 'Chargewire' });
  before(async () => {
    pki = makePki();
    strict = await startTestCsms({ mode: 'production', tls: tlsOpts(pki) });
    lenient = await startTestCsms({ mode: 'production', tls: { ...tlsOpts(pki), expiredCertStations: 'EXP1, OTHER' } });
    for (const t of [strict, lenient]) {
      for (const id of ['EXP1', 'EXP2', 'FUT1']) await t.store.registerStation({ id, securityProfile: 3 });
    }
  });
  after(async () => { await Promise.all([strict.stop(), lenient.stop()]); });

  const client = (t: TestCsms, identity: string, c: { cert: Buffer; key: Buffer }) =>
    new OcppClient({ url: `wss://localhost:${t.ports.mtls}/ocpp`, identity, reconnect: false, tls: { ca: pki.ca, cert: c.cert, key: c.key } });

  test('[A00.FR.407] by default an expired or not-yet-valid certificate fails the TLS handshake; nothing is registered', async () => {
    const tlsFailure = (e: unknown) => status(e) === undefined; // no HTTP answer: the handshake itself failed
    await assert.rejects(client(strict, 'EXP1', expired()).connect(), tlsFailure);
    await assert.rejects(client(strict, 'FUT1', future('FUT1')).connect(), tlsFailure);
    assert.equal(strict.csms.runtime.sessions.size, 0);
  });

  test('[A00.FR.429] a station configured to be admitted with an expired certificate: BootNotification Pending, then TriggerMessage(SignChargingStationCertificate) (A02)', async () => {
    const cs = client(lenient, 'EXP1', expired());
    const triggered = new Promise<unknown>((resolve) => cs.handle('TriggerMessage', async (_c, req) => {
      resolve(req);
      return { status: 'Accepted' };
    }));
    await cs.connect();
    try {
      const boot = await cs.call('BootNotification', aBootNotification({ serialNumber: 'EXP1' }));
      assert.equal(boot.status, 'Pending', 'the station policy (default Accepted) is overridden');
      assert.deepEqual(await triggered, { requestedMessage: 'SignChargingStationCertificate' });
      assert.equal(lenient.csms.runtime.sessions.get('EXP1')?.securityProfile, 3);
      assert.equal((await lenient.store.getStation('EXP1'))?.lastBoot?.status, 'Pending');
      // [B02.FR.09] still Pending: untriggered messages are refused
      await assert.rejects(cs.call('StatusNotification', aStatusNotification()), { code: 'SecurityError' });
    } finally {
      await cs.close();
    }
  });

  test('[A00.FR.429] [A00.FR.407] only the configured stations: another station with an expired certificate gets 401 before the upgrade, with a security event (A00.FR.408)', async () => {
    const other = pki.clientValid('EXP2', new Date(Date.now() - 60 * DAY), new Date(Date.now() - DAY));
    await assert.rejects(client(lenient, 'EXP2', other).connect(), (e) => status(e) === 401);
    assert.equal(lenient.csms.runtime.sessions.has('EXP2'), false);
    const events = await lenient.store.listSecurityEvents({ stationId: 'EXP2', limit: 5 });
    assert.equal(events[0]?.type, 'InvalidChargingStationCertificate');
    assert.match(events[0]?.techInfo ?? '', /expired/);
  });

  test('[A00.FR.407] a not-yet-valid certificate is refused even for a station allowed an expired one; CN/O rules still apply', async () => {
    await assert.rejects(client(lenient, 'EXP1', future('EXP1')).connect(), (e) => status(e) === 401);
    // Expired and with someone else's CN: the identity check (A00.FR.405) still refuses it.
    const wrongCn = pki.clientValid('SOMEONE', new Date(Date.now() - 60 * DAY), new Date(Date.now() - DAY));
    await assert.rejects(client(lenient, 'EXP1', wrongCn).connect(), (e) => status(e) === 401);
    // No certificate at all on the lenient listener: refused before the upgrade.
    await assert.rejects(new OcppClient({ url: `wss://localhost:${lenient.ports.mtls}/ocpp`, identity: 'EXP1', reconnect: false, tls: { ca: pki.ca } }).connect(), (e) => status(e) === 401);
    // A valid certificate on the lenient listener: Accepted as usual, no renewal request.
    const good = client(lenient, 'FUT1', pki.client('FUT1'));
    let triggers = 0;
    good.handle('TriggerMessage', async () => { triggers++; return { status: 'Accepted' }; });
    await good.connect();
    assert.equal((await good.call('BootNotification', aBootNotification({ serialNumber: 'FUT1' }))).status, 'Accepted');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(triggers, 0);
    await good.close();
  });
});
