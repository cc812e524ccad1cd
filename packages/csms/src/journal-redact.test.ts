import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactSecrets } from './journal.ts';

test('[A01.FR.09] a BasicAuthPassword sent with SetVariables is not journaled in clear', () => {
  const frame = JSON.stringify([2, 'm1', 'SetVariables', { setVariableData: [
    { component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: 'S3cret-password-0123' },
    { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '60' },
  ] }]);
  const out = redactSecrets('SetVariables', frame);
  assert.ok(!out.includes('S3cret-password-0123'));
  const parsed = JSON.parse(out);
  assert.equal(parsed[3].setVariableData[0].attributeValue, '***');
  assert.equal(parsed[3].setVariableData[1].attributeValue, '60', 'other values stay verbatim');
});

test('[A01.FR.09] SetNetworkProfile basicAuthPassword is redacted; other frames are untouched byte for byte', () => {
  const frame = JSON.stringify([2, 'm2', 'SetNetworkProfile', { configurationSlot: 1, connectionData: { ocppCsmsUrl: 'wss://x/ocpp', basicAuthPassword: 'another-secret-123456', ocppInterface: 'Wired0', securityProfile: 2, messageTimeout: 30, ocppTransport: 'JSON' } }]);
  assert.ok(!redactSecrets('SetNetworkProfile', frame).includes('another-secret-123456'));
  const hb = '[2,"m3","Heartbeat", {}]';
  assert.equal(redactSecrets('Heartbeat', hb), hb);
  const sv = '[2,"m4","SetVariables",{"setVariableData":[{"component":{"name":"X"},"variable":{"name":"Y"},"attributeValue":"1"}]}]';
  assert.equal(redactSecrets('SetVariables', sv), sv);
});

test('[A01.FR.09] the device model stores a set BasicAuthPassword as *** only', async () => {
  const { storableValue } = await import('./blocks/provisioning-commands.ts');
  assert.equal(storableValue('BasicAuthPassword', 'S3cret-password-0123'), '***');
  assert.equal(storableValue('HeartbeatInterval', '60'), '60');
});
