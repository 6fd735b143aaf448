import Joi from 'joi';
import { isClinicDate } from './clinic-time';

/** Shared joi pieces used by every feature's `*.schemas.ts`. */
export const uuid = Joi.string()
  .guid({ version: ['uuidv1', 'uuidv4', 'uuidv5', 'uuidv7'], separator: '-' })
  .lowercase();

/** A clinic day, `YYYY-MM-DD`, validated as a real calendar date. */
export const clinicDate = Joi.string()
  .custom((v, h) => (isClinicDate(v) ? v : h.error('date.clinic')))
  .messages({ 'date.clinic': '{{#label}} must be a date written YYYY-MM-DD' });

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
