// Transactions (E01–E17, F01–F07, J02): list/filter, one transaction with its events and meter value
// series, GetTransactionStatus, RequestStart/StopTransaction and transaction limits through the station.
import type { FastifyInstance } from 'fastify';
import type { ChargingProfileType, IdTokenType, TransactionLimitType } from '@chargewire/ocpp/types';
import type { CsmsRuntime } from '../runtime.ts';
import type { TransactionRecord } from '../store/store.ts';
import { ApiError } from '../api/errors.ts';
import { getTransactionStatus, setTransactionLimit, transactionOfRemoteStart } from '../blocks/transactions.ts';
import { requestStartTransaction, requestStopTransaction } from '../blocks/remote-control.ts';
import { meterSeries } from '../blocks/meter-values.ts';
import { answerSchema, command, idTokenSchema, requireStationId, stationIdParam, stationParams } from './support.ts';

const txParams = { type: 'object', required: ['id', 'transactionId'], additionalProperties: false, properties: { id: stationIdParam, transactionId: { type: 'string', minLength: 1, maxLength: 36 } } } as const;
const limitSchema = { type: 'object', additionalProperties: false, minProperties: 1, properties: { maxCost: { type: 'number' }, maxEnergy: { type: 'number' }, maxTime: { type: 'integer' }, maxSoC: { type: 'integer', minimum: 0, maximum: 100 } } } as const;

/** Energy charged (Wh) and duration (s) derived from the stored record. */
export function transactionView(t: TransactionRecord, now = Date.now()) {
  const energy = t.energyWh !== undefined && t.meterStartWh !== undefined ? Math.round((t.energyWh - t.meterStartWh) * 1000) / 1000 : undefined;
  const end = t.endedAt ? Date.parse(t.endedAt) : now;
  return { ...t, ...(energy !== undefined && { chargedWh: energy }), durationS: Math.max(0, Math.round((end - Date.parse(t.startedAt)) / 1000)) };
}

export function transactionRoutes(runtime: CsmsRuntime) {
  const { store } = runtime;
  return async function transactions(app: FastifyInstance): Promise<void> {
    app.get<{ Querystring: { stationId?: string; idToken?: string; state?: 'active' | 'ended'; since?: string; until?: string; limit: number; offset: number } }>('/transactions', {
      schema: {
        summary: 'Transactions, newest first, filtered by station, token, time window and state, with energy and duration', tags: ['transactions'],
        querystring: { type: 'object', additionalProperties: false, properties: {
          stationId: stationIdParam, idToken: { type: 'string', maxLength: 255 }, state: { type: 'string', enum: ['active', 'ended'] },
          since: { type: 'string', format: 'date-time' }, until: { type: 'string', format: 'date-time' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 },
        } },
      },
    }, async (request) => {
      const { stationId, idToken, state, since, until, limit, offset } = request.query;
      const page = await store.listTransactions({ ...(stationId && { stationId }), ...(idToken && { idToken }), ...(state && { state }), ...(since && { since }), ...(until && { until }), limit, offset });
      return { items: page.items.map((t) => transactionView(t)), total: page.total, limit, offset };
    });

    app.get<{ Params: { id: string; transactionId: string } }>('/stations/:id/transactions/:transactionId', {
      schema: { summary: 'One transaction with its events and meter value series (signed values verbatim)', tags: ['transactions'], params: txParams },
    }, async (request) => {
      const { id, transactionId } = request.params;
      const t = await store.getTransaction(id, transactionId);
      if (!t) throw new ApiError('API_ERR_NOT_FOUND', `transaction ${transactionId} not found on station ${id}`, { field: 'transactionId' });
      const [events, series] = await Promise.all([store.listTransactionEvents(id, transactionId), meterSeries(runtime, id, { transactionId })]);
      return { transaction: transactionView(t), events, meterValues: series };
    });

    app.get<{ Params: { id: string }; Querystring: { evseId?: number; measurand?: string; since?: string; until?: string; limit: number } }>('/stations/:id/meter-values', {
      schema: { summary: 'Meter value time series of a station (J01/J02), grouped by measurand/phase/location', tags: ['transactions'], params: stationParams,
        querystring: { type: 'object', additionalProperties: false, properties: { evseId: { type: 'integer', minimum: 0 }, measurand: { type: 'string' }, since: { type: 'string', format: 'date-time' }, until: { type: 'string', format: 'date-time' }, limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 } } } },
    }, async (request) => {
      await requireStationId(runtime, request.params.id);
      return { series: await meterSeries(runtime, request.params.id, request.query) };
    });

    app.post<{ Params: { id: string }; Body: { transactionId?: string } }>('/stations/:id/transactions/status', {
      schema: { summary: 'GetTransactionStatus (E14) through the station, with the stored record', tags: ['transactions'], 'x-ocpp-action': 'GetTransactionStatus', params: stationParams,
        body: { type: 'object', additionalProperties: false, properties: { transactionId: { type: 'string', minLength: 1, maxLength: 36 } } }, response: { 200: answerSchema } },
    }, async (request) => {
      const { id } = request.params;
      const r = await command(runtime, id, 'GetTransactionStatus', () => getTransactionStatus(runtime, id, request.body ?? {}));
      return { response: r.response, ...(r.transaction && { transaction: transactionView(r.transaction) }) };
    });

    app.post<{ Params: { id: string }; Body: { idToken: IdTokenType; evseId?: number; groupIdToken?: IdTokenType; chargingProfile?: ChargingProfileType; remoteStartId?: number; transactionLimit?: TransactionLimitType } }>('/stations/:id/transactions/start', {
      schema: { summary: 'RequestStartTransaction (F01/F02, F07 limit in 2.1); the answer carries the remoteStartId', tags: ['transactions'], 'x-ocpp-action': 'RequestStartTransaction', params: stationParams,
        body: { type: 'object', required: ['idToken'], additionalProperties: false, properties: {
          idToken: idTokenSchema, evseId: { type: 'integer', minimum: 1 }, groupIdToken: idTokenSchema, chargingProfile: { type: 'object' },
          remoteStartId: { type: 'integer', minimum: 0, maximum: 2147483647 }, transactionLimit: limitSchema,
        } }, response: { 200: answerSchema } },
    }, async (request) => {
      const { id } = request.params;
      const r = await command(runtime, id, 'RequestStartTransaction', () => requestStartTransaction(runtime, id, request.body));
      return { response: r.response, remoteStartId: r.remoteStartId };
    });

    app.get<{ Params: { id: string; remoteStartId: number } }>('/stations/:id/remote-starts/:remoteStartId', {
      schema: { summary: 'The transaction a RequestStartTransaction created (linked by remoteStartId)', tags: ['transactions'],
        params: { type: 'object', required: ['id', 'remoteStartId'], additionalProperties: false, properties: { id: stationIdParam, remoteStartId: { type: 'integer', minimum: 0 } } } },
    }, async (request) => {
      const t = await transactionOfRemoteStart(runtime, request.params.id, request.params.remoteStartId);
      if (!t) throw new ApiError('API_ERR_NOT_FOUND', `no transaction with remoteStartId ${request.params.remoteStartId} yet`, { field: 'remoteStartId' });
      return { transaction: transactionView(t) };
    });

    app.post<{ Params: { id: string; transactionId: string } }>('/stations/:id/transactions/:transactionId/stop', {
      schema: { summary: 'RequestStopTransaction (F03/F04)', tags: ['transactions'], 'x-ocpp-action': 'RequestStopTransaction', params: txParams, response: { 200: answerSchema } },
    }, async (request) => {
      const { id, transactionId } = request.params;
      return { response: await command(runtime, id, 'RequestStopTransaction', () => requestStopTransaction(runtime, id, { transactionId })) };
    });

    app.post<{ Params: { id: string; transactionId: string }; Body: TransactionLimitType }>('/stations/:id/transactions/:transactionId/limit', {
      schema: { summary: 'Set a cost/energy/time/SoC limit (E16, OCPP 2.1): sent once in the next TransactionEventResponse', tags: ['transactions'], params: txParams, body: limitSchema },
    }, async (request) => {
      const { id, transactionId } = request.params;
      return { transactionLimit: await command(runtime, id, 'TransactionLimit', () => setTransactionLimit(runtime, id, transactionId, request.body)) };
    });
  };
}
