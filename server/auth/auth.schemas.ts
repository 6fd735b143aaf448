import Joi from 'joi';
import { MAX_PASSWORD_LENGTH } from './passwords';

export const loginSchema = {
  body: Joi.object({
    email: Joi.string().trim().lowercase().max(254).required(),
    password: Joi.string().min(1).max(MAX_PASSWORD_LENGTH).required(),
  }),
};
