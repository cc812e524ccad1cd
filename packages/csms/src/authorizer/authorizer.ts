// Pluggable external authorizer: roaming platforms (OCPI-style hubs, eMSP backends) decide about tokens the
// CSMS does not know. The CSMS asks it for unknown tokens only (authorization.ts); its answers are cached for
// a TTL so a busy station does not turn every tap into an HTTP round trip.
import type { AuthorizeCertificateStatusEnumType, IdTokenInfoType, IdTokenType } from '@chargewire/ocpp/types';
import type { CsmsRuntime } from '../runtime.ts';

export interface ExternalAuthorizationInput {
  stationId: string;
  idToken: IdTokenType;
  evseId?: number;
  /** 'authorize' for Authorize, 'transaction' for TransactionEvent. */
  purpose: 'authorize' | 'transaction';
}

export interface ExternalAuthorizationResult {
  idTokenInfo: IdTokenInfoType;
  /** Only when the backend verified an ISO 15118 contract certificate (C07). */
  certificateStatus?: AuthorizeCertificateStatusEnumType;
}

/** Resolves to undefined when the authorizer has no answer (timeout, error, 404): the token stays Unknown. */
export interface ExternalAuthorizer {
  authorize(input: ExternalAuthorizationInput): Promise<ExternalAuthorizationResult | undefined>;
}

const registry = new WeakMap<CsmsRuntime, ExternalAuthorizer>();

/** Install (or with `undefined`, remove) the external authorizer of a running CSMS. */
export function setExternalAuthorizer(runtime: CsmsRuntime, authorizer: ExternalAuthorizer | undefined): void {
  if (authorizer) registry.set(runtime, authorizer);
  else registry.delete(runtime);
}

export function externalAuthorizerOf(runtime: CsmsRuntime): ExternalAuthorizer | undefined {
  return registry.get(runtime);
}
