import Joi from 'joi';
import { idParams } from '../core/schemas';

/** The lifecycle actions take an id and no body (an empty JSON object is accepted). */
export const lifecycleActionSchema = { params: idParams, body: Joi.object({}) };
