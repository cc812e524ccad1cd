// Device model (B05–B07): the stored variables, and Get/SetVariables through the station with the
// results written back to the store.
import type { FastifyInstance } from 'fastify';
import type { OcppTypes } from '@chargewire/ocpp';
import type { VariableValueInput } from '../../store/store.ts';
import type { ApiContext } from '../index.ts';
import { ApiError } from '../errors.ts';
import { pageOf, pagingQuery, stationParams } from '../schemas.ts';
import { callThroughStation, timeoutQuery } from './command.ts';
import { requireStation } from './stations.ts';
import { storableValue } from '../../blocks/provisioning-commands.ts';

type GetVariablesResponse = OcppTypes.GetVariablesResponse;
type SetVariablesRequest = OcppTypes.SetVariablesRequest;
type SetVariablesResponse = OcppTypes.SetVariablesResponse;
type ComponentType = OcppTypes.ComponentType;
type VariableType = OcppTypes.VariableType;

const variableSchema = {
  type: 'object',
  properties: {
    component: { type: 'string' },
    componentInstance: { type: 'string' },
    evseId: { type: 'integer' },
    connectorId: { type: 'integer' },
    variable: { type: 'string' },
    variableInstance: { type: 'string' },
    attributeType: { type: 'string' },
    value: { type: 'string' },
    mutability: { type: 'string' },
    persistent: { type: 'boolean' },
    constant: { type: 'boolean' },
    characteristics: { type: 'object', additionalProperties: true },
    lastSetStatus: { type: 'string' },
    reportRequestId: { type: 'integer' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const errorRefs = { 400: { $ref: 'ApiError#' }, 404: { $ref: 'ApiError#' }, 409: { $ref: 'ApiError#' }, 502: { $ref: 'ApiError#' }, 504: { $ref: 'ApiError#' } } as const;

/** Identity of one attribute as B05.FR.13 defines it (an omitted attributeType counts as Actual). */
function attributeKey(component: ComponentType, variable: VariableType, attributeType?: string): string {
  return JSON.stringify([component.name, component.instance ?? null, component.evse?.id ?? null, component.evse?.connectorId ?? null, variable.name, variable.instance ?? null, attributeType ?? 'Actual']);
}

/** ItemsPerMessage<kind> as the station reported it in its device model, if stored. */
async function itemsPerMessage(ctx: ApiContext, stationId: string, kind: 'GetVariables' | 'SetVariables'): Promise<number | undefined> {
  const page = await ctx.runtime.store.listVariables(stationId, { component: 'DeviceDataCtrlr', variable: 'ItemsPerMessage', limit: 20, offset: 0 });
  const hit = page.items.find((v) => v.variableInstance === kind && v.attributeType === 'Actual' && v.componentInstance === undefined);
  const n = hit?.value !== undefined ? Number(hit.value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export function deviceModelRoutes(ctx: ApiContext) {
  const { store } = ctx.runtime;
  return async function deviceModel(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { id: string }; Querystring: { component?: string; variable?: string; search?: string; limit: number; offset: number } }>(
      '/stations/:id/variables',
      {
        schema: {
          summary: 'Stored device model variables (from NotifyReport and Get/SetVariables results)',
          tags: ['device model'],
          params: stationParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              component: { type: 'string', maxLength: 50 },
              variable: { type: 'string', maxLength: 50 },
              search: { type: 'string', maxLength: 100, description: 'case-insensitive substring of component, variable or value' },
              ...pagingQuery,
            },
          },
          response: { 200: pageOf(variableSchema), 404: { $ref: 'ApiError#' } },
        },
      },
      async (request) => {
        const station = await requireStation(ctx, request.params.id);
        const { component, variable, search, limit, offset } = request.query;
        const page = await store.listVariables(station.id, { ...(component ? { component } : {}), ...(variable ? { variable } : {}), ...(search ? { search } : {}), limit, offset });
        return { items: page.items.map(({ stationId: _s, ...v }) => v), total: page.total, limit, offset };
      },
    );

    app.post<{ Params: { id: string }; Querystring: { timeoutMs?: number }; Body: OcppTypes.GetVariablesRequest }>(
      '/stations/:id/variables/get',
      {
        schema: {
          summary: 'GetVariables through the station (B06); Accepted values are stored',
          tags: ['device model'],
          'x-ocpp-action': 'GetVariables',
          params: stationParams,
          querystring: timeoutQuery,
          body: { type: 'object', required: ['getVariableData'], properties: { getVariableData: { type: 'array', minItems: 1 } } },
          response: { 200: { type: 'object', required: ['response'], properties: { response: { type: 'object' } } }, ...errorRefs },
        },
      },
      async (request) => {
        const { id } = request.params;
        const max = await itemsPerMessage(ctx, id, 'GetVariables');
        // [B06.FR.05] never more GetVariableData than the station's ItemsPerMessageGetVariables
        if (max !== undefined && request.body.getVariableData.length > max) {
          throw new ApiError('API_ERR_VALIDATION', `body 'getVariableData' has ${request.body.getVariableData.length} items; the station accepts at most ${max} (ItemsPerMessageGetVariables)`, { field: 'getVariableData' });
        }
        const response = (await callThroughStation(ctx, id, 'GetVariables', request.body, request.query.timeoutMs)) as GetVariablesResponse;
        const values: VariableValueInput[] = response.getVariableResult
          .filter((r) => r.attributeStatus === 'Accepted' && r.attributeValue !== undefined)
          .map((r) => ({ component: r.component, variable: r.variable, ...(r.attributeType ? { attributeType: r.attributeType } : {}), value: r.attributeValue!, status: 'Accepted' as const }));
        if (values.length) await store.setVariableValues(id, values);
        return { response };
      },
    );

    app.post<{ Params: { id: string }; Querystring: { timeoutMs?: number }; Body: SetVariablesRequest }>(
      '/stations/:id/variables/set',
      {
        schema: {
          summary: 'SetVariables through the station (B05); each result is stored (the value only when Accepted)',
          tags: ['device model'],
          'x-ocpp-action': 'SetVariables',
          params: stationParams,
          querystring: timeoutQuery,
          body: { type: 'object', required: ['setVariableData'], properties: { setVariableData: { type: 'array', minItems: 1 } } },
          response: { 200: { type: 'object', required: ['response'], properties: { response: { type: 'object' } } }, ...errorRefs },
        },
      },
      async (request) => {
        const { id } = request.params;
        const data = request.body.setVariableData;
        // [B05.FR.13] no two SetVariableData with the same component, variable and attributeType
        const seen = new Map<string, number>();
        data.forEach((d, i) => {
          if (typeof d !== 'object' || d === null || typeof d.component !== 'object' || typeof d.variable !== 'object') return; // schema check reports it
          const key = attributeKey(d.component, d.variable, d.attributeType);
          const first = seen.get(key);
          if (first !== undefined) throw new ApiError('API_ERR_VALIDATION', `body 'setVariableData[${i}]' repeats the component, variable and attributeType of setVariableData[${first}] (B05.FR.13)`, { field: `setVariableData[${i}]` });
          seen.set(key, i);
        });
        const max = await itemsPerMessage(ctx, id, 'SetVariables');
        // [B05.FR.11] never more SetVariableData than the station's ItemsPerMessageSetVariables
        if (max !== undefined && data.length > max) {
          throw new ApiError('API_ERR_VALIDATION', `body 'setVariableData' has ${data.length} items; the station accepts at most ${max} (ItemsPerMessageSetVariables, B05.FR.11)`, { field: 'setVariableData' });
        }
        const response = (await callThroughStation(ctx, id, 'SetVariables', request.body, request.query.timeoutMs)) as SetVariablesResponse;
        const byKey = new Map(data.map((d) => [attributeKey(d.component, d.variable, d.attributeType), d]));
        const values: VariableValueInput[] = [];
        for (const r of response.setVariableResult) {
          const sent = byKey.get(attributeKey(r.component, r.variable, r.attributeType));
          if (!sent) continue; // a result we did not ask for (B05.FR.02 violation by the station): not stored
          values.push({ component: sent.component, variable: sent.variable, attributeType: r.attributeType ?? 'Actual', value: storableValue(sent.variable.name, sent.attributeValue), status: r.attributeStatus });
        }
        if (values.length) await store.setVariableValues(id, values);
        return { response };
      },
    );
  };
}
