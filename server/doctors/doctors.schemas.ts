import Joi from 'joi';
import { idParams, pagination } from '../core/schemas';

const fields = {
  name: Joi.string().trim().min(1).max(120),
  code: Joi.string()
    .trim()
    .uppercase()
    .pattern(/^[A-Z0-9_]{1,32}$/)
    .messages({ 'string.pattern.base': '{{#label}} must be 1-32 letters, digits or _' }),
  specialty: Joi.string().trim().max(80).allow(null, ''),
  default_daily_capacity: Joi.number().integer().min(1).max(500),
  working_days: Joi.array().items(Joi.number().integer().min(1).max(7)).min(1).max(7).unique(),
  is_active: Joi.boolean(),
};

export const createDoctorSchema = { body: Joi.object({ ...fields, name: fields.name.required(), code: fields.code.required() }) };
export const updateDoctorSchema = { params: idParams, body: Joi.object(fields).min(1) };
export const getDoctorSchema = { params: idParams };
export const listDoctorsSchema = {
  query: Joi.object({
    specialty: Joi.string().trim().max(80),
    q: Joi.string().trim().min(1).max(120),
    is_active: Joi.boolean(),
    ...pagination,
  }),
};
