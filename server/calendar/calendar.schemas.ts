import Joi from 'joi';
import { idParams, uuid } from '../core/schemas';

export const mintFeedSchema = {
  params: idParams,
  body: Joi.object({ label: Joi.string().trim().max(100).allow(null, ''), show_patient_names: Joi.boolean().default(false) }),
};
export const listFeedsSchema = { params: idParams, query: Joi.object({ include_revoked: Joi.boolean().default(false) }) };
export const revokeFeedSchema = { params: Joi.object({ id: uuid.required(), feed_id: uuid.required() }) };
