// Block F, Remote Control, CSMS side: RequestStartTransaction (F01/F02, with an optional TxProfile and, in
// 2.1, a transaction limit F07), RequestStopTransaction (F03/F04), UnlockConnector (F05) and TriggerMessage
// (F06) as helpers taking (runtime, stationId, params). The station sends nothing unsolicited here.
import { randomInt } from 'node:crypto';
import type {
  ChargingProfileType, EVSEType, IdTokenType, MessageTriggerEnumType, RequestStartTransactionRequest, RequestStartTransactionResponse,
  RequestStopTransactionResponse, TransactionLimitType, TriggerMessageRequest, TriggerMessageResponse, UnlockConnectorResponse,
} from '@chargewire/ocpp/types';
import type { Block, CsmsRuntime } from '../runtime.ts';
import { ChargingError } from './authorization.ts';
import { supportedLimit } from './transactions.ts';
import { stationVersion } from '../runtime.ts';

export interface RequestStartInput {
  idToken: IdTokenType;
  evseId?: number;
  groupIdToken?: IdTokenType;
  chargingProfile?: ChargingProfileType;
  /** Default: a fresh random id. */
  remoteStartId?: number;
  /** F07 (2.1): a cost/energy/time/SoC limit, sent in the transaction's first TransactionEventResponse. */
  transactionLimit?: TransactionLimitType;
}

export interface RequestStartResult {
  remoteStartId: number;
  response: RequestStartTransactionResponse;
}

function versionOf(runtime: CsmsRuntime, stationId: string) {
  return stationVersion(runtime, stationId);
}

/** F01/F02/F07: RequestStartTransaction; the remoteStartId links the transaction it creates (transactions.ts). */
export async function requestStartTransaction(runtime: CsmsRuntime, stationId: string, input: RequestStartInput): Promise<RequestStartResult> {
  const remoteStartId = input.remoteStartId ?? randomInt(1, 2 ** 31 - 1);
  if (input.chargingProfile) {
    // [F01.FR.09] [F02.FR.17] the profile's purpose is TxProfile
    if (input.chargingProfile.chargingProfilePurpose !== 'TxProfile') throw new ChargingError('CHARGING_ERR_INVALID', 'chargingProfile.chargingProfilePurpose must be TxProfile (F01.FR.09)', 'chargingProfile.chargingProfilePurpose');
    // [F01.FR.11] [F02.FR.19] the transaction does not exist yet: no transactionId in the profile
    if (input.chargingProfile.transactionId !== undefined) throw new ChargingError('CHARGING_ERR_INVALID', 'chargingProfile.transactionId must not be set (F01.FR.11)', 'chargingProfile.transactionId');
  }
  let limit: TransactionLimitType | undefined;
  if (input.transactionLimit) {
    if (versionOf(runtime, stationId) !== '2.1') throw new ChargingError('CHARGING_ERR_NOT_SUPPORTED', 'transaction limits need OCPP 2.1 (F07)', 'transactionLimit');
    limit = await supportedLimit(runtime, stationId, input.transactionLimit); // [E16.FR.12]
    if (Object.keys(limit).length === 0) throw new ChargingError('CHARGING_ERR_NOT_SUPPORTED', 'none of these limits is in the station TxCtrlr.SupportedLimits', 'transactionLimit');
  }
  // [F01.FR.06] [F02.FR.14] evseId optional; [F01.FR.08] [F02.FR.16] chargingProfile optional
  const req: RequestStartTransactionRequest = {
    idToken: input.idToken,
    remoteStartId,
    ...(input.evseId !== undefined && { evseId: input.evseId }),
    ...(input.groupIdToken && { groupIdToken: input.groupIdToken }),
    ...(input.chargingProfile && { chargingProfile: input.chargingProfile }),
  };
  // Recorded before the call: the station may send TransactionEvent(remoteStartId) before its response arrives.
  // Durable (Store), so the link, the F07 limit and the TxProfile for E17.FR.15 survive a CSMS restart.
  await runtime.store.recordRemoteStart({
    stationId, remoteStartId, idToken: input.idToken, at: new Date(),
    ...(input.evseId !== undefined && { evseId: input.evseId }),
    ...(input.chargingProfile && { chargingProfile: input.chargingProfile }),
    ...(limit && { transactionLimit: limit }), // [F07.FR.01] the limit rides on the transaction's first TransactionEventResponse
  });
  const response = await runtime.callStation(stationId, 'RequestStartTransaction', req);
  return { remoteStartId, response };
}

/** F03/F04: [F03.FR.01] [F04.FR.01] RequestStopTransaction with the transactionId of the transaction. */
export function requestStopTransaction(runtime: CsmsRuntime, stationId: string, params: { transactionId: string }): Promise<RequestStopTransactionResponse> {
  if (!params.transactionId) throw new ChargingError('CHARGING_ERR_INVALID', 'transactionId is required', 'transactionId');
  return runtime.callStation(stationId, 'RequestStopTransaction', { transactionId: params.transactionId });
}

/** F05: UnlockConnector; the station's Unlocked/UnlockFailed/OngoingAuthorizedTransaction/UnknownConnector comes back. */
export function unlockConnector(runtime: CsmsRuntime, stationId: string, params: { evseId: number; connectorId: number }): Promise<UnlockConnectorResponse> {
  return runtime.callStation(stationId, 'UnlockConnector', { evseId: params.evseId, connectorId: params.connectorId });
}

/** Triggers that only exist in OCPP 2.1. */
const TRIGGERS_21_ONLY: readonly MessageTriggerEnumType[] = ['CustomTrigger', 'SignV2G20Certificate'];

export const MESSAGE_TRIGGERS: readonly MessageTriggerEnumType[] = [
  'BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'SignChargingStationCertificate',
  'SignV2GCertificate', 'SignV2G20Certificate', 'StatusNotification', 'TransactionEvent', 'SignCombinedCertificate', 'PublishFirmwareStatusNotification', 'CustomTrigger',
];

export interface TriggerInput {
  requestedMessage: MessageTriggerEnumType;
  evse?: EVSEType;
  /** With requestedMessage CustomTrigger (2.1): one of the station's CustomCtrlr.CustomTriggers. */
  customTrigger?: string;
}

/** F06: TriggerMessage for any MessageTriggerEnumType; the station's Accepted/Rejected/NotImplemented comes back. */
export function triggerMessage(runtime: CsmsRuntime, stationId: string, input: TriggerInput): Promise<TriggerMessageResponse> {
  // [F06.FR.01] the requested message is named
  if (!MESSAGE_TRIGGERS.includes(input.requestedMessage)) throw new ChargingError('CHARGING_ERR_INVALID', `unknown requestedMessage ${input.requestedMessage}`, 'requestedMessage');
  const version = versionOf(runtime, stationId);
  if (version === '2.0.1' && TRIGGERS_21_ONLY.includes(input.requestedMessage)) throw new ChargingError('CHARGING_ERR_NOT_SUPPORTED', `${input.requestedMessage} is an OCPP 2.1 trigger`, 'requestedMessage');
  // [F06.FR.13] StatusNotification exists only per connector: the connectorId is set
  if (input.requestedMessage === 'StatusNotification' && (input.evse?.connectorId === undefined)) throw new ChargingError('CHARGING_ERR_INVALID', 'StatusNotification needs evse.id and evse.connectorId (F06.FR.13)', 'evse.connectorId');
  // [F06.FR.20] CustomTrigger carries the custom trigger's name
  if (input.requestedMessage === 'CustomTrigger' && !input.customTrigger) throw new ChargingError('CHARGING_ERR_INVALID', 'customTrigger is required with requestedMessage CustomTrigger (F06.FR.20)', 'customTrigger');
  if (input.customTrigger !== undefined && input.requestedMessage !== 'CustomTrigger') throw new ChargingError('CHARGING_ERR_INVALID', 'customTrigger only goes with requestedMessage CustomTrigger', 'customTrigger');
  const req: TriggerMessageRequest = {
    requestedMessage: input.requestedMessage,
    ...(input.evse && { evse: input.evse }), // [F06.FR.02] optionally for one EVSE
    ...(input.customTrigger !== undefined && { customTrigger: input.customTrigger }),
  };
  return runtime.callStation(stationId, 'TriggerMessage', req);
}

export const remoteControl: Block = {
  id: 'F',
  name: 'RemoteControl',
  handlers: {},
};
