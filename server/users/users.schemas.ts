import Joi from 'joi';
import { idParams, pagination, uuid } from '../core/schemas';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { ROLES } from '../core/actor';

const password = Joi.string()
  .min(MIN_PASSWORD_LENGTH)
  .max(MAX_PASSWORD_LENGTH)
  .messages({ 'string.min': `{{#label}} must be at least ${MIN_PASSWORD_LENGTH} characters` });
const role = Joi.string().valid(...ROLES);

export const createUserSchema = {
  body: Joi.object({
    email: Joi.string().trim().lowercase().email({ tlds: false }).max(254).required(),
    password: password.required(),
    role: role.required(),
    doctor_id: uuid.allow(null),
  }),
};
export const updateUserSchema = {
  params: idParams,
  body: Joi.object({ role, doctor_id: uuid.allow(null), is_active: Joi.boolean(), password }).min(1),
};
export const listUsersSchema = { query: Joi.object({ role, is_active: Joi.boolean(), ...pagination }) };
