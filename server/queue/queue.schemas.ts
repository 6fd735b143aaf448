import Joi from 'joi';
import { clinicDate, idParams, uuid } from '../core/schemas';
import { PRIORITIES } from './waiting-order';

/** `normal` (default) | `priority` | `emergency`: see server/queue/waiting-order.ts. */
const priority = Joi.string().valid(...PRIORITIES);

export const checkInSchema = {
  body: Joi.object({ appointment_id: uuid.required(), patient_id: uuid.required(), priority: priority.default('normal') }),
};
export const walkInSchema = {
  body: Joi.object({
    patient_id: uuid.required(),
    doctor_id: uuid.required(),
    idempotency_key: Joi.string().min(1).max(255),
    priority: priority.default('normal'),
  }),
};
/** `PATCH /queue-entries/{id}`: `{priority}`. */
export const entryPatchSchema = { params: idParams, body: Joi.object({ priority: priority.required() }) };
/** `POST /queue-entries/{id}/transfer`: `{doctor_id, keep_place?}`. */
export const transferSchema = {
  params: idParams,
  body: Joi.object({ doctor_id: uuid.required(), keep_place: Joi.boolean().default(false) }),
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
