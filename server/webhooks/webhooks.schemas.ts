import Joi from 'joi';
import { DOMAIN_EVENT_TYPES } from '../core/events';
import { idParams, pagination, uuid } from '../core/schemas';

const url = Joi.string()
  .trim()
  .max(2000)
  .uri({ scheme: ['http', 'https'] });
const events = Joi.array()
  .items(Joi.string().valid(...DOMAIN_EVENT_TYPES))
  .min(1)
  .unique();
const description = Joi.string().trim().max(500).allow(null, '');

export const createWebhookSchema = {
  body: Joi.object({
    url: url.required(),
    events: events.required(),
    description,
    include_patient_contact: Joi.boolean().default(false),
  }),
};
export const updateWebhookSchema = { params: idParams, body: Joi.object({ url, events, description, enabled: Joi.boolean() }).min(1) };
export const webhookIdSchema = { params: idParams };
export const listWebhooksSchema = { query: Joi.object(pagination) };
export const deliveriesSchema = {
  params: idParams,
  query: Joi.object({ status: Joi.string().valid('pending', 'delivered', 'failed'), ...pagination }),
};
export const retrySchema = { params: Joi.object({ id: uuid.required(), delivery_id: uuid.required() }) };
