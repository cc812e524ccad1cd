// REST routes of blocks C, D, E, F and J (id tokens, local lists, transactions, remote control, meter values),
// and the station certificate renewal of block A (A02).
// Mount inside the API's authenticated `/api` scope (api/index.ts):
//   await secured.register(async (s) => registerChargingRoutes(s, runtime));
// Standalone (tests, other apps) pass `{ tokens }` to get the same bearer-token check as the API.
import type { FastifyInstance } from 'fastify';
import type { CsmsRuntime } from '../runtime.ts';
import { bearerAuth } from '../api/auth.ts';
import { toApiError } from '../api/index.ts';
import type { TokenStore } from '../api/tokens.ts';
import { validatorCompiler } from '../api/validation.ts';
import { idTokenRoutes } from './id-tokens.ts';
import { transactionRoutes } from './transactions.ts';
import { commandRoutes } from './commands.ts';
import { certificateRoutes } from './certificates.ts';

export interface ChargingRoutesOptions {
  /** Add the API's bearer-token check (needed when not mounted inside the API's secured scope). */
  tokens?: TokenStore;
}

export async function registerChargingRoutes(app: FastifyInstance, runtime: CsmsRuntime, opts: ChargingRoutesOptions = {}): Promise<void> {
  await app.register(async (scope) => {
    // Same strict validation and error body as the rest of the API (api/validation.ts, api/errors.ts).
    scope.setValidatorCompiler(validatorCompiler);
    scope.setSerializerCompiler(() => (data) => JSON.stringify(data));
    scope.setErrorHandler((err, request, reply) => {
      const api = toApiError(err, request);
      return reply.status(api.status).send(api.toBody());
    });
    if (opts.tokens) scope.addHook('onRequest', bearerAuth(opts.tokens));
    await scope.register(idTokenRoutes(runtime));
    await scope.register(transactionRoutes(runtime));
    await scope.register(commandRoutes(runtime));
    await scope.register(certificateRoutes(runtime));
  });
}

export { transactionView } from './transactions.ts';
