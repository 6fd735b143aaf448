import Joi from 'joi';
import { idParams, pagination } from '../core/schemas';

const item = Joi.string().trim().min(1).max(200);

export const readHistorySchema = { params: idParams, query: Joi.object(pagination) };
export const appendHistorySchema = {
  params: idParams,
  body: Joi.object({
    symptoms: Joi.string().trim().max(2000).allow(null, ''),
    conditions: Joi.array().items(item).max(50),
    allergies: Joi.array().items(item).max(50),
    notes: Joi.string().trim().max(4000).allow(null, ''),
    corrects: Joi.string()
      .pattern(/^[1-9][0-9]{0,15}$/)
      .allow(null)
      .messages({ 'string.pattern.base': '{{#label}} must be the id of an entry' }),
  })
    .custom((v: Record<string, unknown>, h) => {
      const filled = (x: unknown) => (Array.isArray(x) ? x.length > 0 : typeof x === 'string' && x.length > 0);
      return ['symptoms', 'conditions', 'allergies', 'notes'].some((k) => filled(v[k])) ? v : h.error('history.empty');
    })
    .messages({ 'history.empty': 'an entry needs symptoms, conditions, allergies or notes' }),
};
