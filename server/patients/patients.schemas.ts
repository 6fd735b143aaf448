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
    include_inactive: Joi.boolean().default(false),
    ...pagination,
  }),
};
