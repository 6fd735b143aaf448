import Joi from 'joi';
import { CLINIC_DATE_MAX, CLINIC_DATE_MIN, isClinicDate } from './clinic-time';

/** Shared joi pieces used by every feature's `*.schemas.ts`. */

/**
 * A UUID in its canonical text form only (RFC 9562 §4: 8-4-4-4-12 hexadecimal digits, any case; versions 1, 4,
 * 5, 7 with the RFC variant), lower-cased. Joi's `guid()` alone also accepts `{…}`, `[…]` and `(…)` around it
 * and omitted dashes; PostgreSQL refuses some of those (`22P02`, once a 500) and reads others as the same id.
 */
export const CANONICAL_UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1457][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const uuid = Joi.string()
  .lowercase()
  .pattern(CANONICAL_UUID_RE, 'uuid')
  .messages({ 'string.pattern.name': '{{#label}} must be a UUID written as 8-4-4-4-12 hexadecimal digits' });

/**
 * A clinic day, `YYYY-MM-DD`: a real calendar date from {@link CLINIC_DATE_MIN} to {@link CLINIC_DATE_MAX}
 * (luxon takes year 0, PostgreSQL does not; year 9999 is no clinic day either).
 */
export const clinicDate = Joi.string()
  .custom((v, h) => {
    if (!isClinicDate(v)) return h.error('date.clinic');
    return v < CLINIC_DATE_MIN || v > CLINIC_DATE_MAX ? h.error('date.range') : v;
  })
  .messages({
    'date.clinic': '{{#label}} must be a date written YYYY-MM-DD',
    'date.range': `{{#label}} must be a date from ${CLINIC_DATE_MIN} to ${CLINIC_DATE_MAX}`,
  });

export const idParams = Joi.object({ id: uuid.required() });

export const pagination = {
  limit: Joi.number().integer().min(1).max(200).default(50),
  offset: Joi.number().integer().min(0).max(1_000_000).default(0),
};

/** Wraps a page of rows in the list envelope `{data, total, limit, offset}`. */
export function page<T>(data: T[], total: number, limit: number, offset: number) {
  return { data, total, limit, offset };
}

/** Escapes `\`, `%` and `_` for a LIKE / ILIKE pattern (the default escape character is `\`). */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
