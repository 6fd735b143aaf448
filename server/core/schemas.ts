import Joi from 'joi';
import { CLINIC_DATE_MAX, CLINIC_DATE_MIN, isClinicDate } from './clinic-time';

/** Shared joi pieces used by every feature's `*.schemas.ts`. */

/**
 * A UUID in its canonical text form only (RFC 9562 §4: 8-4-4-4-12 hexadecimal digits, any case; versions 1, 4,
 * 5, 7 with the RFC variant). Joi's `guid()` also accepts `{…}`, `[…]` and `(…)` around it and omitted dashes;
 * PostgreSQL refuses some of those (`22P02`, once a 500) and reads others as the same id.
 */
export const CANONICAL_UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1457][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** An id in a path, query or body: {@link CANONICAL_UUID_RE}, lower-cased. */
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

/** Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what staff read. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
/** Format characters (Unicode category Cf: U+200B, U+200D, U+FEFF, U+00AD, …) and white space: nothing to see. */
const INVISIBLE = /[\p{Cf}\p{White_Space}]/gu;

/**
 * A line of text shown to people — a patient's or doctor's name, a specialty, a screen's label: NFC-normalized
 * (so one name is stored one way, and searches match), trimmed, 1 to `max` characters, refused with 400 on
 * that field when it holds a bidi control (Trojan Source, CVE-2021-42574: `U+202E` makes "Rao" read "oaR") or
 * nothing visible (only zero-width or other format characters). Format characters inside a visible name stay:
 * ZWJ and ZWNJ are part of how Malayalam, Devanagari and other scripts are written. (Lone surrogates and U+0000
 * are refused for every string by `validate`.)
 */
export function visibleText(max: number) {
  return Joi.string()
    .normalize('NFC')
    .trim()
    .min(1)
    .max(max)
    .custom((v: string, h) => {
      if (BIDI_CONTROLS.test(v)) return h.error('text.bidi');
      if (!v.replace(INVISIBLE, '')) return h.error('text.invisible');
      return v;
    })
    .messages({
      'text.bidi': '{{#label}} must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069)',
      'text.invisible': '{{#label}} must contain visible characters, not only zero-width or format characters',
    });
}

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
