// Cluster errors (`CLUSTER_ERR_*`), each with a row in docs/errors.md. A forwarded call that fails
// because the owning node is gone or slow is reported to the caller with the same OcppError codes as a
// local call (OCPP_ERR_CLOSED, OCPP_ERR_CALL_TIMEOUT); the ClusterError is its `cause`.

export const clusterErrorCodes = {
  CLUSTER_ERR_NO_NATS: 'cluster.enabled needs the NATS event bus (bus.kind nats)',
  CLUSTER_ERR_NO_RESPONDER: 'The node that holds the station did not answer (no subscriber: it stopped or crashed)',
  CLUSTER_ERR_TIMEOUT: 'The node that holds the station did not reply within the call timeout plus the cluster margin',
  CLUSTER_ERR_PAYLOAD_TOO_LARGE: 'A forwarded command or its reply exceeds ocpp.maxPayloadBytes + 64 KiB or the NATS max_payload',
  CLUSTER_ERR_BAD_MESSAGE: 'A cluster message (command, reply or presence) is malformed',
  CLUSTER_ERR_REMOTE: 'The owning node failed with an error that has no code of its own (see its log)',
} as const;
export type ClusterErrorCode = keyof typeof clusterErrorCodes;

export class ClusterError extends Error {
  readonly code: ClusterErrorCode;
  constructor(code: ClusterErrorCode, message?: string) {
    super(message ?? clusterErrorCodes[code]);
    this.name = 'ClusterError';
    this.code = code;
  }
}
