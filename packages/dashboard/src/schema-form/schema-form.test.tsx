// The command form generated from an OCPP request schema: field-level errors before sending, the
// station's answer after, and the API's field error mapped back to its field.
import { describe, expect, test, beforeEach } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { CommandForm } from '../station/command-panel.tsx';
import { buildValue, initDraft, normalizePath, type JsonSchema } from './schema.ts';
import { mockFetch } from '../test-support.ts';

// Shaped like /openapi.json: per action a path whose body is anyOf the version components.
const openapi = {
  paths: {
    '/api/stations/{id}/ocpp/Reset': { post: { requestBody: { content: { 'application/json': { schema: { anyOf: [{ $ref: '#/components/schemas/OCPP21_ResetRequest' }, { $ref: '#/components/schemas/OCPP201_ResetRequest' }] } } } } } },
    '/api/stations/{id}/ocpp/SetVariables': { post: { requestBody: { content: { 'application/json': { schema: { anyOf: [{ $ref: '#/components/schemas/OCPP21_SetVariablesRequest' }] } } } } } },
  },
  components: {
    schemas: {
      OCPP21_ResetEnumType: { type: 'string', enum: ['Immediate', 'OnIdle', 'ImmediateAndResume'] },
      OCPP201_ResetEnumType: { type: 'string', enum: ['Immediate', 'OnIdle'] },
      OCPP21_CustomDataType: { type: 'object', properties: { vendorId: { type: 'string', maxLength: 255 } }, required: ['vendorId'] },
      OCPP21_ResetRequest: {
        type: 'object',
        additionalProperties: false,
        properties: { customData: { $ref: '#/components/schemas/OCPP21_CustomDataType' }, type: { $ref: '#/components/schemas/OCPP21_ResetEnumType' }, evseId: { type: 'integer', minimum: 0 } },
        required: ['type'],
      },
      OCPP201_ResetRequest: { type: 'object', properties: { type: { $ref: '#/components/schemas/OCPP201_ResetEnumType' }, evseId: { type: 'integer', minimum: 0 } }, required: ['type'] },
      OCPP21_SetVariablesRequest: {
        type: 'object',
        properties: {
          setVariableData: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['attributeValue', 'component', 'variable'],
              properties: {
                attributeValue: { type: 'string', maxLength: 2500 },
                component: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 50 } } },
                variable: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 50 } } },
              },
            },
          },
        },
        required: ['setVariableData'],
      },
    },
  },
};

const fieldError = (path: string) => document.querySelector(`.field-error[data-field="${path}"]`)?.textContent;

describe('schema form', () => {
  beforeEach(() => sessionStorage.setItem('chargewire.token', 'cw_admin'));

  test('shows a required error at the field and sends nothing', () => {
    const calls = mockFetch(() => ({ status: 200, body: { response: { status: 'Accepted' } } }));
    render(<CommandForm openapi={openapi} stationId="CS1" version="2.1" online />);
    fireEvent.click(screen.getByRole('button', { name: 'Send Reset' }));
    expect(fieldError('type')).toBe('required');
    expect(screen.getByLabelText(/^type/)).toHaveProperty('ariaInvalid', 'true');
    expect(calls).toHaveLength(0);
  });

  test('rejects a non-integer and a negative evseId at the field', () => {
    const calls = mockFetch(() => ({ status: 200, body: { response: { status: 'Accepted' } } }));
    render(<CommandForm openapi={openapi} stationId="CS1" version="2.1" online />);
    fireEvent.change(screen.getByLabelText(/^type/), { target: { value: 'Immediate' } });
    fireEvent.change(screen.getByLabelText(/^evseId/), { target: { value: 'one' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send Reset' }));
    expect(fieldError('evseId')).toBe('must be a whole number');
    expect(fieldError('type')).toBeUndefined();
    fireEvent.change(screen.getByLabelText(/^evseId/), { target: { value: '-1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send Reset' }));
    expect(fieldError('evseId')).toBe('must be at least 0');
    expect(calls).toHaveLength(0);
  });

  test('sends the typed payload and shows the station answer', async () => {
    const calls = mockFetch((r) => (r.url === '/api/stations/CS1/ocpp/Reset' ? { status: 200, body: { response: { status: 'Scheduled' } } } : undefined));
    render(<CommandForm openapi={openapi} stationId="CS1" version="2.1" online />);
    fireEvent.change(screen.getByLabelText(/^type/), { target: { value: 'OnIdle' } });
    fireEvent.change(screen.getByLabelText(/^evseId/), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send Reset' }));
    const answer = await screen.findByRole('status', { name: 'Station answer' });
    expect(within(answer).getByText(/"Scheduled"/)).toBeTruthy();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.body).toEqual({ type: 'OnIdle', evseId: 2 });
    expect(calls[0]!.headers['authorization']).toBe('Bearer cw_admin');
  });

  test('uses the enum of the station version (2.0.1 has no ImmediateAndResume)', () => {
    mockFetch(() => undefined);
    render(<CommandForm openapi={openapi} stationId="CS1" version="2.0.1" online />);
    const options = [...(screen.getByLabelText(/^type/) as HTMLSelectElement).options].map((o) => o.value);
    expect(options).toEqual(['', 'Immediate', 'OnIdle']);
    expect(screen.queryByRole('option', { name: 'SetVariables' })).toBeNull();
  });

  test('nested arrays: errors name the item path; a server field error lands at its field', async () => {
    mockFetch((r) =>
      r.url.endsWith('/ocpp/SetVariables')
        ? { status: 400, body: { error: { code: 'API_ERR_INVALID_PAYLOAD', message: "PropertyConstraintViolation: 'setVariableData.0.component.name' unknown component", field: 'setVariableData.0.component.name', rpcCode: 'PropertyConstraintViolation' } } }
        : undefined,
    );
    render(<CommandForm openapi={openapi} stationId="CS1" version="2.1" online />);
    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'SetVariables' } });
    fireEvent.change(screen.getByLabelText(/^attributeValue/), { target: { value: '60' } });
    fireEvent.change(screen.getByLabelText(/^name/, { selector: '#f-setVariableData\\[0\\]\\.component\\.name' }), { target: { value: 'X'.repeat(51) } });
    fireEvent.click(screen.getByRole('button', { name: 'Send SetVariables' }));
    expect(fieldError('setVariableData[0].component.name')).toBe('at most 50 characters (has 51)');
    expect(fieldError('setVariableData[0].variable.name')).toBe('required');
    fireEvent.change(document.getElementById('f-setVariableData[0].component.name')!, { target: { value: 'OCPPCommCtrlr' } });
    fireEvent.change(document.getElementById('f-setVariableData[0].variable.name')!, { target: { value: 'HeartbeatInterval' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send SetVariables' }));
    await waitFor(() => expect(fieldError('setVariableData[0].component.name')).toMatch(/unknown component/));
  });
});

describe('schema helpers', () => {
  const schema = openapi.components.schemas.OCPP21_ResetRequest as JsonSchema;
  test('initDraft: leaves start empty (= left out), optional objects absent, customData hidden', () => {
    expect(initDraft(schema, openapi)).toEqual({ type: '', evseId: '' });
  });
  test('buildValue converts numbers and drops empty optional leaves', () => {
    expect(buildValue(schema, openapi, { type: 'Immediate', evseId: '' })).toEqual({ value: { type: 'Immediate' }, errors: {} });
    expect(buildValue(schema, openapi, { type: 'Immediate', evseId: '3' }).value).toEqual({ type: 'Immediate', evseId: 3 });
  });
  test('normalizePath maps OCPP and API paths to form paths', () => {
    expect(normalizePath('setVariableData.0.component.name')).toBe('setVariableData[0].component.name');
    expect(normalizePath('a[1].b')).toBe('a[1].b');
  });
});
