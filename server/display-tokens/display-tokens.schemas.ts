import Joi from 'joi';
import { idParams, pagination, uuid, visibleText } from '../core/schemas';

export const mintDisplayTokenSchema = {
  body: Joi.object({
    label: visibleText(100).required(),
    doctor_ids: Joi.array().items(uuid).min(1).max(50).unique(),
    site_id: uuid,
  }).xor('doctor_ids', 'site_id'),
};
export const listDisplayTokensSchema = { query: Joi.object({ include_revoked: Joi.boolean().default(false), ...pagination }) };
export const revokeDisplayTokenSchema = { params: idParams };
