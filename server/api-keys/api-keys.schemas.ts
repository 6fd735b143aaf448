import Joi from 'joi';
import { SCOPES } from '../core/actor';
import { idParams, pagination } from '../core/schemas';

export const mintApiKeySchema = {
  body: Joi.object({
    label: Joi.string().trim().min(1).max(100).required(),
    scopes: Joi.array()
      .items(Joi.string().valid(...SCOPES))
      .min(1)
      .unique()
      .required(),
    source: Joi.string()
      .trim()
      .lowercase()
      .pattern(/^[a-z][a-z0-9_]{0,31}$/)
      .invalid('desk', 'walk_in')
      .required()
      .messages({
        'string.pattern.base': '{{#label}} must be 1-32 lower-case letters, digits or _, starting with a letter (e.g. phone_agent)',
        'any.invalid': '{{#label}} may not be desk or walk_in (those are staff bookings)',
      }),
  }),
};
export const listApiKeysSchema = { query: Joi.object({ include_revoked: Joi.boolean().default(false), ...pagination }) };
export const revokeApiKeySchema = { params: idParams };
