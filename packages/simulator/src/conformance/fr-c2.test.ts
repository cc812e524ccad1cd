// Block C (C01–C16), station side, part 2: the Authorization Cache keeps no token in clear (C10.FR.12).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthStore } from '../auth-store.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET } from './sequence.ts';

const PIN = '480263';
const CARD = 'CAFEBABE0042';
const ON = { ...QUIET, 'AuthCacheCtrlr.Enabled': 'true' };

for (const version of VERSIONS) {
  describe(`block C station FRs, part 2 (${version})`, () => {
    test('C10.FR.12 C04.FR.04 the cache file holds hashed tokens only (no card number, no KeyCode); lookups and restarts still work', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-c10-'));
      const { st } = await harness({ version, dataDir, variables: ON });
      assert.equal((await st.presentToken(PIN, 'KeyCode')).status, 'Accepted');
      st.evses[0]!.auth = undefined;
      assert.equal((await st.presentToken(CARD)).status, 'Accepted');
      assert.equal(st.auth.cacheSize, 2);
      const file = readFileSync(join(dataDir, 'auth.json'), 'utf8');
      assert.ok(!file.includes(PIN) && !file.includes(CARD), file);
      assert.equal(Object.keys(JSON.parse(file).cache).filter((k) => /^sha256:[0-9a-f]{64}$/.test(k)).length, 2);
      const now = st.clock.now();
      await st.stop();
      const again = new AuthStore(join(dataDir, 'auth.json'));
      assert.deepEqual([again.fromCache({ idToken: PIN, type: 'KeyCode' }, now, 86400)?.status, again.fromCache({ idToken: CARD, type: 'ISO14443' }, now, 86400)?.status], ['Accepted', 'Accepted']);
      assert.equal(again.fromCache({ idToken: PIN, type: 'ISO14443' }, now, 86400), undefined, 'the type is part of the key');
    });

    test('C10.FR.12 a cache saved with tokens in clear is re-keyed on load and rewritten hashed', () => {
      const path = join(mkdtempSync(join(tmpdir(), 'cw-c10-')), 'auth.json');
      writeFileSync(path, JSON.stringify({ listVersion: 0, list: {}, cache: { [`ISO14443:${CARD}`]: { info: { status: 'Blocked' }, updatedAt: 0 } } }));
      const a = new AuthStore(path);
      assert.equal(a.fromCache({ idToken: CARD, type: 'ISO14443' }, 1, 60)?.status, 'Blocked');
      a.remember({ idToken: 'OTHER123', type: 'ISO14443' }, { status: 'Accepted' }, 2);
      assert.ok(!readFileSync(path, 'utf8').includes(CARD));
    });
  });
}
