import Joi from 'joi';
import { clinicDate, idParams, pagination, uuid } from '../core/schemas';

const reason = Joi.string().trim().max(500).allow(null, '');

export const bookSchema = {
  body: Joi.object({
    patient_id: uuid.required(),
    doctor_id: uuid.required(),
    date: clinicDate.required(),
    idempotency_key: Joi.string().min(1).max(255),
  }),
};
export const idSchema = { params: idParams };
export const reasonSchema = { params: idParams, body: Joi.object({ reason }) };
export const rescheduleSchema = { params: idParams, body: Joi.object({ date: clinicDate.required(), doctor_id: uuid, reason }) };
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
