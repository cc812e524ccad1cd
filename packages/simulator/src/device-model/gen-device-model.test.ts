import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseCsv, parseCsvRecords } from './csv.ts';
import { STANDARD_VARIABLES, STANDARD_COMPONENTS, GENERIC_VARIABLES } from './standard-variables.ts';

const script = fileURLToPath(new URL('../../scripts/gen-device-model.ts', import.meta.url));

test('gen-device-model --check: checked-in standard-variables.ts matches the spec CSVs', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
});

test('standard table content: DeviceDataCtrlr.ItemsPerMessage[GetReport], HeartbeatInterval limits', () => {
  const ipm = STANDARD_VARIABLES.find((v) => v.component === 'DeviceDataCtrlr' && v.variable === 'ItemsPerMessage' && v.instance === 'GetReport');
  assert.equal(ipm?.mutability, 'ReadOnly');
  assert.equal(ipm?.required, true);
  const hb = STANDARD_VARIABLES.find((v) => v.component === 'OCPPCommCtrlr' && v.variable === 'HeartbeatInterval');
  assert.deepEqual([hb?.dataType, hb?.unit, hb?.minLimit, hb?.mutability], ['integer', 's', 1, 'ReadWrite']);
  const ftp = STANDARD_VARIABLES.find((v) => v.variable === 'FileTransferProtocols');
  assert.equal(ftp?.valuesList, 'FTP,FTPS,HTTP,HTTPS,SFTP');
  assert.ok(STANDARD_COMPONENTS.some((c) => c.name === 'TxCtrlr'));
  assert.ok(GENERIC_VARIABLES.some((g) => g.name === 'AvailabilityState'));
  assert.ok(STANDARD_VARIABLES.every((v) => ['string', 'decimal', 'integer', 'dateTime', 'boolean', 'OptionList', 'SequenceList', 'MemberList'].includes(v.dataType)));
});

test('RFC 4180 CSV parser: quotes, doubled quotes, embedded delimiter and newline, CRLF', () => {
  assert.deepEqual(parseCsv('a;"b;c";"say ""hi"""\r\n"multi\nline";x;\n', ';'), [['a', 'b;c', 'say "hi"'], ['multi\nline', 'x', '']]);
  assert.deepEqual(parseCsv('1,2'), [['1', '2']]);
  assert.deepEqual(parseCsvRecords(' Name ; Type \nfoo;bar\n\n', ';'), [{ Name: 'foo', Type: 'bar' }]);
});
