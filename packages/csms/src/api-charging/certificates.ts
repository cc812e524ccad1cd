// Station certificate renewal (block A, A02) over REST: see where the latest renewal stands, and start one
// (TriggerMessage SignChargingStationCertificate / SignV2GCertificate / SignV2G20Certificate). The rest of A02
// (SignCertificate, signing, CertificateSigned) follows from the station's answer; blocks/certificates.ts keeps
// the steps in memory on the CSMS node the station is connected to.
import type { FastifyInstance } from 'fastify';
import type { CertificateSigningUseEnumType } from '@chargewire/ocpp/types';
import type { CsmsRuntime } from '../runtime.ts';
import { certificateRenewal, FINAL_RENEWAL_STATES, requestCertificateRenewal, type RenewalRecord } from '../blocks/certificates.ts';
import { ApiError } from '../api/errors.ts';
import { answerSchema, command, requireStationId, stationParams } from './support.ts';

const CERTIFICATE_TYPES = ['ChargingStationCertificate', 'V2GCertificate', 'V2G20Certificate'] as const;

/** pending: under way; installed: the station accepted the new certificate; failed: see `detail`. */
export type RenewalOutcome = 'pending' | 'installed' | 'failed';

export interface RenewalView extends RenewalRecord {
  outcome: RenewalOutcome;
}

export function renewalView(r: RenewalRecord): RenewalView {
  const outcome: RenewalOutcome = r.state === 'Installed' ? 'installed' : FINAL_RENEWAL_STATES.has(r.state) ? 'failed' : 'pending';
  return { ...r, outcome };
}

const STATES = ['Triggered', 'TriggerRejected', 'CsrRejected', 'CsrAccepted', 'SigningFailed', 'Signed', 'Installed', 'RejectedByStation', 'DeliveryFailed'];
const stepSchema = {
  type: 'object', required: ['state', 'at'], additionalProperties: false,
  properties: { state: { type: 'string', enum: STATES }, at: { type: 'string', format: 'date-time' }, detail: { type: 'string' } },
} as const;
const renewalSchema = {
  type: ['object', 'null'],
  required: ['state', 'certificateType', 'at', 'startedAt', 'steps', 'outcome'],
  additionalProperties: false,
  properties: {
    state: { type: 'string', enum: STATES, description: 'the latest step' },
    outcome: { type: 'string', enum: ['pending', 'installed', 'failed'] },
    certificateType: { type: 'string', enum: [...CERTIFICATE_TYPES] },
    requestId: { type: 'integer' },
    detail: { type: 'string', description: 'why the latest step rejected or failed' },
    at: { type: 'string', format: 'date-time', description: 'time of the latest step' },
    startedAt: { type: 'string', format: 'date-time', description: 'TriggerMessage (A02) or the station\'s own SignCertificate (A03)' },
    steps: { type: 'array', items: stepSchema },
  },
} as const;
const stateSchema = { type: 'object', required: ['stationId', 'renewal'], additionalProperties: false, properties: { stationId: { type: 'string' }, renewal: renewalSchema } } as const;

export function certificateRoutes(runtime: CsmsRuntime) {
  return async function certificateRenewalRoutes(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { id: string } }>('/stations/:id/certificate', {
      schema: {
        summary: 'The latest certificate renewal of a station (A02/A03): each step with its time, and the reason of a failure (kept in memory on this CSMS node; null when none)',
        tags: ['certificates'], params: stationParams, response: { 200: stateSchema },
      },
    }, async (request) => {
      const { id } = request.params;
      await requireStationId(runtime, id);
      const r = certificateRenewal(runtime, id);
      return { stationId: id, renewal: r ? renewalView(r) : null };
    });

    app.post<{ Params: { id: string }; Body: { certificateType?: CertificateSigningUseEnumType; evseId?: number } | undefined }>('/stations/:id/certificate/renew', {
      config: { adminOnly: true },
      // no body at all is the same as {} (every field has a default)
      preValidation: async (request) => { request.body ??= {}; },
      schema: {
        summary: 'Start a certificate renewal (A02): TriggerMessage SignChargingStationCertificate (or SignV2GCertificate / SignV2G20Certificate with the EVSE of its ISO15118Ctrlr)',
        tags: ['certificates'], params: stationParams,
        body: { type: 'object', additionalProperties: false, properties: {
          certificateType: { type: 'string', enum: [...CERTIFICATE_TYPES], default: 'ChargingStationCertificate' },
          evseId: { type: 'integer', minimum: 1, description: 'the EVSE of the ISO15118Ctrlr (V2G certificates only)' },
        } },
        response: { 200: { ...answerSchema, properties: { ...answerSchema.properties, renewal: renewalSchema } } },
      },
    }, async (request) => {
      const { id } = request.params;
      const { certificateType = 'ChargingStationCertificate', evseId } = request.body ?? {};
      if (evseId !== undefined && certificateType === 'ChargingStationCertificate') {
        throw new ApiError('API_ERR_VALIDATION', 'evseId names the ISO15118Ctrlr of a V2G certificate; the station certificate has none', { field: 'evseId' });
      }
      const response = await command(runtime, id, 'TriggerMessage', () => requestCertificateRenewal(runtime, id, certificateType, evseId));
      const r = certificateRenewal(runtime, id);
      return { response, renewal: r ? renewalView(r) : null };
    });
  };
}
