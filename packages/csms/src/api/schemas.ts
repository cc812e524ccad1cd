// JSON schemas shared by the API routes (also the OpenAPI components).
import { MAX_IDENTITY_LENGTH } from '@chargewire/ocpp';

/** Part 4 §3.1.1: identifierString without ':' , at most 48 characters. */
export const stationIdSchema = { type: 'string', minLength: 1, maxLength: MAX_IDENTITY_LENGTH, pattern: '^[A-Za-z0-9*\\-_=+|@.]+$' } as const;

export const stationParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: stationIdSchema },
} as const;

export const pagingQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
  offset: { type: 'integer', minimum: 0, default: 0 },
} as const;

export const dateTime = { type: 'string', format: 'date-time' } as const;

const nullableString = { type: 'string' } as const;

export const connectorSchema = {
  type: 'object',
  properties: { evseId: { type: 'integer' }, connectorId: { type: 'integer' }, status: { type: 'string' }, at: dateTime },
} as const;

export const stationSchema = {
  type: 'object',
  required: ['id', 'securityProfile', 'createdAt', 'online', 'hasPassword'],
  properties: {
    id: stationIdSchema,
    description: nullableString,
    securityProfile: { type: 'integer', enum: [0, 1, 2, 3] },
    bootPolicy: { type: 'string', enum: ['Accepted', 'Pending', 'Rejected'] },
    hasPassword: { type: 'boolean' },
    createdAt: dateTime,
    lastSeen: dateTime,
    online: { type: 'boolean', description: 'true when the station has a live OCPP connection to this CSMS' },
    ocppVersion: { type: 'string' },
    lastConnectedAt: dateTime,
    lastDisconnectedAt: dateTime,
    lastBoot: { type: 'object', additionalProperties: true },
  },
} as const;

export const stationDetailSchema = {
  ...stationSchema,
  properties: {
    ...stationSchema.properties,
    connectors: { type: 'array', items: connectorSchema },
    session: {
      type: 'object',
      properties: {
        version: { type: 'string' },
        connectedAt: dateTime,
        lastSeen: dateTime,
        bootStatus: { type: 'string' },
        securityProfile: { type: 'integer' },
      },
    },
  },
} as const;

/** A list response without paging totals: `{ items: [...] }` plus any extra properties. */
export function itemsOf(item: object, extra: Record<string, object> = {}) {
  return { type: 'object', required: ['items'], properties: { items: { type: 'array', items: item }, ...extra } } as const;
}

export function pageOf(item: object) {
  return {
    type: 'object',
    required: ['items', 'total', 'limit', 'offset'],
    properties: { items: { type: 'array', items: item }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
  } as const;
}
