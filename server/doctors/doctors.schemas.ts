import Joi from 'joi';
import { idParams, pagination, uuid, visibleText } from '../core/schemas';

/** A BCP 47 language tag (RFC 5646), validated and written in canonical form (`ta`, `en-IN`) by `Intl.getCanonicalLocales`. */
export const languageTag = Joi.string()
  .trim()
  .max(35)
  .custom((v: string, h) => {
    try {
      return Intl.getCanonicalLocales(v)[0];
    } catch {
      return h.error('language.bcp47');
    }
  })
  .messages({ 'language.bcp47': '{{#label}} must be a BCP 47 language tag such as "ta" or "en-IN"' });

const fields = {
  name: visibleText(120),
  code: Joi.string()
    .trim()
    .uppercase()
    .pattern(/^[A-Z0-9_]{1,32}$/)
    .messages({ 'string.pattern.base': '{{#label}} must be 1-32 letters, digits or _' }),
  specialty: visibleText(80).allow(null, ''),
  default_daily_capacity: Joi.number().integer().min(1).max(500),
  working_days: Joi.array().items(Joi.number().integer().min(1).max(7)).min(1).max(7).unique(),
  is_active: Joi.boolean(),
  email: Joi.string().trim().lowercase().email({ tlds: false }).max(254).allow(null, ''),
  experience_years: Joi.number().integer().min(0).max(80).allow(null),
  languages: Joi.array().items(languageTag).max(20).unique(),
  consultation_type: Joi.string().valid('in_person', 'video'),
  bio: Joi.string().trim().max(2000).allow(null, ''),
  consult_minutes: Joi.number().integer().min(1).max(240),
};

export const createDoctorSchema = { body: Joi.object({ ...fields, name: fields.name.required(), code: fields.code.required() }) };
export const updateDoctorSchema = { params: idParams, body: Joi.object(fields).min(1) };
export const getDoctorSchema = { params: idParams };
export const listDoctorsSchema = {
  query: Joi.object({
    specialty: Joi.string().trim().max(80),
    q: Joi.string().normalize('NFC').trim().min(1).max(120),
    language: languageTag,
    site_id: uuid,
    is_active: Joi.boolean(),
    ...pagination,
  }),
};
