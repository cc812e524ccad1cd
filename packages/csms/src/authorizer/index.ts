// External authorization for tokens the CSMS does not know (roaming). See authorizer.ts and http.ts.
export { setExternalAuthorizer, externalAuthorizerOf, type ExternalAuthorizer, type ExternalAuthorizationInput, type ExternalAuthorizationResult } from './authorizer.ts';
export { createHttpAuthorizer, parseAuthorizerAnswer, type HttpAuthorizerOptions } from './http.ts';
export { TtlCache } from './ttl-cache.ts';
