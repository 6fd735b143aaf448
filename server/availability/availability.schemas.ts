import Joi from 'joi';
import { clinicDate, uuid } from '../core/schemas';

const params = Joi.object({ id: uuid.required() });

export const setAvailabilitySchema = {
  params,
  body: Joi.object({
    date: clinicDate.required(),
    is_present: Joi.boolean().strict().required(),
    capacity: Joi.number().integer().min(1).max(500).allow(null),
    notes: Joi.string().trim().max(500).allow(null, ''),
  }),
};

export const getAvailabilitySchema = {
  params,
  query: Joi.object({ date: clinicDate, from: clinicDate, to: clinicDate }).xor('date', 'from').and('from', 'to').messages({
    'object.missing': 'give either "date" or "from" and "to"',
    'object.xor': 'give either "date" or "from" and "to", not both',
  }),
};
