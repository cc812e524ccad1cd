// Station commands of blocks C, D and F: local list state and SendLocalList/GetLocalListVersion (D01/D02),
// UnlockConnector (F05), TriggerMessage (F06), ClearCache (C11).
import type { FastifyInstance } from 'fastify';
import type { AuthorizationData, EVSEType, MessageTriggerEnumType, UpdateEnumType } from '@chargewire/ocpp/types';
import type { CsmsRuntime } from '../runtime.ts';
import { clearCache } from '../blocks/authorization.ts';
import { getLocalListVersion, localListLimits, sendLocalList } from '../blocks/local-auth-list.ts';
import { MESSAGE_TRIGGERS, triggerMessage, unlockConnector } from '../blocks/remote-control.ts';
import { answerSchema, command, requireStationId, stationParams } from './support.ts';

export function commandRoutes(runtime: CsmsRuntime) {
  return async function chargingCommands(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { id: string } }>('/stations/:id/local-list', {
      schema: { summary: 'The stored local authorization list of a station (version, entries) and its message limits', tags: ['local list'], params: stationParams },
    }, async (request) => {
      const { id } = request.params;
      await requireStationId(runtime, id);
      const [list, limits] = await Promise.all([runtime.store.getLocalList(id), localListLimits(runtime, id)]);
      return { ...list, size: list.entries.length, limits };
    });

    app.post<{ Params: { id: string }; Body: { updateType: UpdateEnumType; localAuthorizationList?: AuthorizationData[]; versionNumber?: number } }>('/stations/:id/local-list', {
      schema: { summary: 'SendLocalList (D01): full or differential, split by ItemsPerMessage/BytesPerMessage', tags: ['local list'], 'x-ocpp-action': 'SendLocalList', params: stationParams,
        body: { type: 'object', required: ['updateType'], additionalProperties: false, properties: {
          updateType: { type: 'string', enum: ['Full', 'Differential'] },
          localAuthorizationList: { type: 'array', items: { type: 'object', required: ['idToken'], properties: { idToken: { type: 'object', required: ['idToken', 'type'] }, idTokenInfo: { type: 'object', required: ['status'] } } } },
          versionNumber: { type: 'integer', minimum: 1 },
        } } },
    }, async (request) => {
      const { id } = request.params;
      const { updateType, localAuthorizationList, versionNumber } = request.body;
      return command(runtime, id, 'SendLocalList', () => sendLocalList(runtime, id, { updateType, ...(localAuthorizationList && { entries: localAuthorizationList }), ...(versionNumber !== undefined && { versionNumber }) }));
    });

    app.post<{ Params: { id: string } }>('/stations/:id/local-list/version', {
      schema: { summary: 'GetLocalListVersion (D02) compared with the stored version', tags: ['local list'], 'x-ocpp-action': 'GetLocalListVersion', params: stationParams },
    }, async (request) => command(runtime, request.params.id, 'GetLocalListVersion', () => getLocalListVersion(runtime, request.params.id)));

    app.post<{ Params: { id: string }; Body: { evseId: number; connectorId: number } }>('/stations/:id/unlock', {
      schema: { summary: 'UnlockConnector (F05)', tags: ['remote control'], 'x-ocpp-action': 'UnlockConnector', params: stationParams,
        body: { type: 'object', required: ['evseId', 'connectorId'], additionalProperties: false, properties: { evseId: { type: 'integer', minimum: 1 }, connectorId: { type: 'integer', minimum: 1 } } }, response: { 200: answerSchema } },
    }, async (request) => ({ response: await command(runtime, request.params.id, 'UnlockConnector', () => unlockConnector(runtime, request.params.id, request.body)) }));

    app.post<{ Params: { id: string }; Body: { requestedMessage: MessageTriggerEnumType; evse?: EVSEType; customTrigger?: string } }>('/stations/:id/trigger', {
      schema: { summary: 'TriggerMessage (F06) for any MessageTriggerEnumType', tags: ['remote control'], 'x-ocpp-action': 'TriggerMessage', params: stationParams,
        body: { type: 'object', required: ['requestedMessage'], additionalProperties: false, properties: {
          requestedMessage: { type: 'string', enum: [...MESSAGE_TRIGGERS] },
          evse: { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'integer', minimum: 0 }, connectorId: { type: 'integer', minimum: 0 } } },
          customTrigger: { type: 'string', minLength: 1, maxLength: 50 },
        } }, response: { 200: answerSchema } },
    }, async (request) => ({ response: await command(runtime, request.params.id, 'TriggerMessage', () => triggerMessage(runtime, request.params.id, request.body)) }));

    app.post<{ Params: { id: string } }>('/stations/:id/clear-cache', {
      schema: { summary: 'ClearCache (C11)', tags: ['authorization'], 'x-ocpp-action': 'ClearCache', params: stationParams, response: { 200: answerSchema } },
    }, async (request) => ({ response: await command(runtime, request.params.id, 'ClearCache', () => clearCache(runtime, request.params.id)) }));
  };
}
