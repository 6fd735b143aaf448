import Joi from 'joi';
import { clinicDate, idParams, pagination, visibleText } from '../core/schemas';
import { GENDERS } from './patient.model';

const name = visibleText(100);
const fields = {
  first_name: name,
  last_name: name.allow(null, ''),
  age: Joi.number().integer().min(0).max(130).allow(null),
  phone: Joi.string().trim().min(3).max(32),
  email: Joi.string().trim().lowercase().email({ tlds: false }).max(254).allow(null, ''),
  gender: Joi.string()
    .valid(...GENDERS)
    .allow(null),
  // Not after today is checked by the service (it knows the clinic's zone).
  // Not before 1900-01-01: the shared clinic-date range (CLINIC_DATE_MIN) starts there.
  date_of_birth: clinicDate.allow(null),
};

export const createPatientSchema = { body: Joi.object({ ...fields, first_name: name.required(), phone: fields.phone.required() }) };
export const updatePatientSchema = { params: idParams, body: Joi.object(fields).min(1) };
export const getPatientSchema = { params: idParams };
export const searchPatientsSchema = {
  query: Joi.object({
    phone: Joi.string().trim().min(3).max(32),
    q: Joi.string().normalize('NFC').trim().min(1).max(100),
    name: Joi.string().normalize('NFC').trim().min(2).max(100),
    // Digits (spaces, dashes, dots and brackets allowed and dropped): the last 4 to 15 digits of the number.
    phone_suffix: Joi.string()
      .trim()
      .pattern(/^[\d\s\-().]+$/)
      .custom((v: string, h) => {
        const digits = v.replace(/\D/g, '');
        return digits.length >= 4 && digits.length <= 15 ? digits : h.error('string.phoneSuffix');
      })
      .messages({
        'string.pattern.base': '"phone_suffix" must be digits',
        'string.phoneSuffix': '"phone_suffix" must have 4 to 15 digits',
      }),
    include_inactive: Joi.boolean().default(false),
    ...pagination,
  }),
};
