// Our own (non-RPC) errors, each with a stable `CSMS_ERR_*` code and a row in docs/errors.md
// (design habit 3; fastify FST_ERR_*). Errors the protocol library raises keep their OCPP_ERR_* code.

export const csmsErrorCodes = {
  CSMS_ERR_CONFIG_INVALID: 'One or more configuration values are invalid (each bad value is listed)',
  CSMS_ERR_CONFIG_FILE: 'The configuration file could not be read or is not a JSON object',
  CSMS_ERR_TLS_FILES: 'A certificate, key or CA file of a TLS listener could not be read or is refused (e.g. a key below the TLS security level: RSA < 2048, EC < 224 bits)',
  CSMS_ERR_LISTEN: 'A listener (OCPP, TLS or HTTP) could not bind its address/port',
  CSMS_ERR_STATION_REJECTED: 'The station was Rejected at boot; the CSMS does not initiate messages (B03.FR.03)',
  CSMS_ERR_SHUTTING_DOWN: 'The CSMS is shutting down and accepts no new work',
  CSMS_ERR_ACTIVE_NETWORK_PROFILE: 'SetVariables on a NetworkConfiguration slot that is in NetworkConfigurationPriority (B09.FR.21)',
  CSMS_ERR_DUPLICATE_VARIABLE: 'The same component/variable/attributeType appears twice in one request (B05.FR.13)',
  CSMS_ERR_REPORT_TIMEOUT: 'Not all NotifyReport parts arrived within the report timeout',
  CSMS_ERR_VENDOR_EXISTS: 'A DataTransfer handler for this vendorId is already registered',
  CSMS_ERR_CA_FILES: 'The certificate or private key of the station-certificate CA (certificates.*) could not be read or do not fit',
  CSMS_ERR_CSR_INVALID: 'A SignCertificate CSR is not a PEM PKCS#10 request the CSMS can read',
} as const;
export type CsmsErrorCode = keyof typeof csmsErrorCodes;

export class CsmsError extends Error {
  readonly code: CsmsErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: CsmsErrorCode, message?: string, details: Record<string, unknown> = {}) {
    super(message ?? csmsErrorCodes[code]);
    this.name = 'CsmsError';
    this.code = code;
    this.details = details;
  }
}
