import Joi from 'joi';
import { clinicDate, idParams, uuid } from '../core/schemas';

export const checkInSchema = { body: Joi.object({ appointment_id: uuid.required(), patient_id: uuid.required() }) };
export const walkInSchema = {
  body: Joi.object({ patient_id: uuid.required(), doctor_id: uuid.required(), idempotency_key: Joi.string().min(1).max(255) }),
};
/** `date` defaults to today in the clinic's zone (filled in by the route). */
export const doctorDaySchema = { params: idParams, query: Joi.object({ date: clinicDate }) };
export const entrySchema = { params: idParams, body: Joi.object({}) };
export const eventsSchema = {
  params: idParams,
  query: Joi.object({
    date: clinicDate,
    since_version: Joi.number().integer().min(0).default(0),
    limit: Joi.number().integer().min(1).max(1000).default(500),
  }),
};
/** A socket subscription: `{doctor_id, date?}`. */
export const subscribeSchema = Joi.object({ doctor_id: uuid.required(), date: clinicDate });
