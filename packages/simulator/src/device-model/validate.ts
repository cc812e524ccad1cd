// Value validation for SetVariables by dataType, limits and valuesList (B05.FR.07, B05.FR.08).
import type { Characteristics } from './model-types.ts';

export type ValidationResult = { ok: true } | { ok: false; reasonCode: 'InvalidValue' | 'ValueOutOfRange' | 'ValueTooLong' | 'ValueNotInList'; additionalInfo: string };

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
// RFC 3339 date-time as used by OCPP (e.g. 2025-01-31T12:00:00Z, with optional fraction and offset).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const fail = (reasonCode: Exclude<ValidationResult, { ok: true }>['reasonCode'], additionalInfo: string): ValidationResult =>
  ({ ok: false, reasonCode, additionalInfo });

export function splitList(s: string | undefined): string[] {
  if (s === undefined) return [];
  return s.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

export function validateValue(value: string, c: Characteristics, valueSizeLimit?: number): ValidationResult {
  if (valueSizeLimit !== undefined && value.length > valueSizeLimit) {
    return fail('ValueTooLong', `value longer than ${valueSizeLimit} characters`);
  }
  const allowed = splitList(c.valuesList);
  switch (c.dataType) {
    case 'boolean':
      // [B05.FR.07] incorrectly formatted value -> Rejected
      if (value !== 'true' && value !== 'false') return fail('InvalidValue', 'expected true or false');
      return { ok: true };
    case 'integer':
    case 'decimal': {
      if (!(c.dataType === 'integer' ? INTEGER : DECIMAL).test(value)) return fail('InvalidValue', `expected ${c.dataType}`);
      const n = Number(value);
      // [B05.FR.08] value lower or higher than the range -> Rejected
      if (c.minLimit !== undefined && n < c.minLimit) return fail('ValueOutOfRange', `below minLimit ${c.minLimit}`);
      if (c.maxLimit !== undefined && n > c.maxLimit) return fail('ValueOutOfRange', `above maxLimit ${c.maxLimit}`);
      return { ok: true };
    }
    case 'dateTime':
      if (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) return fail('InvalidValue', 'expected RFC 3339 dateTime');
      return { ok: true };
    case 'string':
      // For string variables maxLimit is the maximum length (and minLimit the minimum length).
      if (c.maxLimit !== undefined && value.length > c.maxLimit) return fail('ValueTooLong', `longer than maxLimit ${c.maxLimit}`);
      if (c.minLimit !== undefined && value.length < c.minLimit) return fail('ValueOutOfRange', `shorter than minLimit ${c.minLimit}`);
      if (allowed.length && !allowed.includes(value)) return fail('ValueNotInList', 'value not in valuesList');
      return { ok: true };
    case 'OptionList':
      // OptionList: exactly one of the values in valuesList.
      if (!allowed.includes(value)) return fail('ValueNotInList', 'value not in valuesList');
      return { ok: true };
    case 'MemberList':
    case 'SequenceList': {
      // MemberList: unordered set, SequenceList: ordered list; both comma-separated members of valuesList.
      const items = value.split(',').map((v) => v.trim());
      if (value.trim() === '') return { ok: true }; // empty list
      if (items.some((v) => v === '')) return fail('InvalidValue', 'empty list element');
      if (allowed.length) {
        const bad = items.find((v) => !allowed.includes(v));
        if (bad !== undefined) return fail('ValueNotInList', `${bad} not in valuesList`);
      }
      if (new Set(items).size !== items.length) return fail('InvalidValue', 'duplicate list element');
      if (c.maxElements !== undefined && items.length > c.maxElements) return fail('ValueOutOfRange', `more than ${c.maxElements} elements`);
      return { ok: true };
    }
  }
}
