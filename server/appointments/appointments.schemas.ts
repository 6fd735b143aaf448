import Joi from 'joi';
import { clinicDate, idParams, pagination, uuid } from '../core/schemas';
import { clockTime } from '../doctor-days/doctor-days.schemas';

const reason = Joi.string().trim().max(500).allow(null, '');

const name = Joi.string().trim().min(1).max(100);
/** A patient by mobile number: the one with this phone and first name is used, or created with the booking. */
const patientByPhone = Joi.object({
  first_name: name.required(),
  last_name: name.allow(null, ''),
  phone: Joi.string().trim().min(3).max(32).required(),
  age: Joi.number().integer().min(0).max(130).allow(null),
  email: Joi.string().trim().lowercase().email({ tlds: false }).max(254).allow(null, ''),
});

export const bookSchema = {
  body: Joi.object({
    patient_id: uuid,
    patient: patientByPhone,
    doctor_id: uuid.required(),
    date: clinicDate.required(),
    site_id: uuid,
    start_time: clockTime,
    idempotency_key: Joi.string().min(1).max(255),
  })
    .oxor('site_id', 'start_time')
    .xor('patient_id', 'patient'),
};
export const idSchema = { params: idParams };
export const reasonSchema = { params: idParams, body: Joi.object({ reason }) };
export const rescheduleSchema = {
  params: idParams,
  body: Joi.object({ date: clinicDate.required(), doctor_id: uuid, site_id: uuid, start_time: clockTime, reason }).oxor(
    'site_id',
    'start_time',
  ),
};
/** The desk's call-back list: `needs_reschedule=true` between two days (inclusive, at most 92 days). */
export const callBackListSchema = {
  query: Joi.object({
    needs_reschedule: Joi.boolean().valid(true).required(),
    from: clinicDate.required(),
    to: clinicDate.required(),
    ...pagination,
  }),
};
export const doctorDayListSchema = {
  params: idParams,
  query: Joi.object({
    date: clinicDate.required(),
    status: Joi.string().valid('booked', 'cancelled', 'checked_in', 'completed', 'no_show'),
    ...pagination,
    limit: pagination.limit.default(100),
  }),
};
export const patientListSchema = { params: idParams, query: Joi.object(pagination) };
