import Joi from 'joi';
import { clinicDate, idParams, uuid } from '../core/schemas';

/** A wall-clock time `HH:MM` (24 h), local to the site. */
export const clockTime = Joi.string()
  .pattern(/^([01]\d|2[0-3]):[0-5]\d$/)
  .messages({ 'string.pattern.base': '{{#label}} must be a time written HH:MM (24 h)' });

/** One session of a day: hours, site, room, and either timed slots (`slot_minutes`) or tokens (`capacity` required). */
export const sessionSchema = Joi.object({
  site_id: uuid.required(),
  start_time: clockTime.required(),
  end_time: clockTime.required(),
  slot_minutes: Joi.number().integer().min(1).max(480).allow(null).default(null),
  capacity: Joi.number()
    .integer()
    .min(1)
    .max(500)
    .allow(null)
    .when('slot_minutes', {
      is: null,
      then: Joi.number().required().invalid(null).messages({ 'any.invalid': '{{#label}} is required for a token session' }),
    }),
  room: Joi.string().trim().max(40).allow(null, ''),
});

/** One weekly session: a day's session on ISO `weekday` (1 = Monday … 7 = Sunday), valid from/to (inclusive) when given. */
export const weeklySessionSchema = sessionSchema.keys({
  weekday: Joi.number().integer().min(1).max(7).required(),
  valid_from: clinicDate.allow(null),
  valid_to: clinicDate.allow(null),
});

export const daySummarySchema = { params: Joi.object({ id: uuid.required(), date: clinicDate.required() }) };
export const scheduleSchema = {
  params: idParams,
  body: Joi.object({ sessions: Joi.array().items(weeklySessionSchema).max(100).required() }),
};
export const getScheduleSchema = { params: idParams };
export const slotsSchema = { params: idParams, query: Joi.object({ date: clinicDate.required(), site_id: uuid }) };
export const leaveSchema = {
  params: idParams,
  body: Joi.object({
    from: clinicDate.required(),
    to: clinicDate.required(),
    reason: Joi.string().trim().max(500).allow(null, ''),
    start_time: clockTime,
    end_time: clockTime,
  }).and('start_time', 'end_time'),
};
export const leavesSchema = { params: idParams };
export const deleteLeaveSchema = { params: Joi.object({ id: uuid.required(), leave_id: uuid.required() }) };
