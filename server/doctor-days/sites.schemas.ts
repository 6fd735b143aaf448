import Joi from 'joi';
import { IANAZone } from 'luxon';
import { clinicDate, idParams, pagination } from '../core/schemas';

/** An IANA time zone name (e.g. `Asia/Kolkata`), as luxon (and the platform's ICU data) knows it. */
export const ianaZone = Joi.string()
  .trim()
  .max(64)
  .custom((v: string, h) => (IANAZone.isValidZone(v) ? v : h.error('zone.iana')))
  .messages({ 'zone.iana': '{{#label}} must be an IANA time zone name such as "Asia/Kolkata"' });

const fields = {
  code: Joi.string()
    .trim()
    .uppercase()
    .pattern(/^[A-Z0-9_]{1,32}$/)
    .messages({ 'string.pattern.base': '{{#label}} must be 1-32 letters, digits or _' }),
  name: Joi.string().trim().min(1).max(120),
  address: Joi.string().trim().max(300).allow(null, ''),
  phone: Joi.string().trim().max(40).allow(null, ''),
  timezone: ianaZone,
};

export const createSiteSchema = {
  body: Joi.object({ ...fields, code: fields.code.required(), name: fields.name.required(), timezone: ianaZone.required() }),
};
export const updateSiteSchema = { params: idParams, body: Joi.object(fields).min(1) };
export const getSiteSchema = { params: idParams };
export const listSitesSchema = { query: Joi.object(pagination) };
export const siteScreenSchema = { params: idParams, query: Joi.object({ date: clinicDate }) };
