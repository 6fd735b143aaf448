import Joi from 'joi';
import { clinicDate, uuid } from '../core/schemas';

export const daySummarySchema = { params: Joi.object({ id: uuid.required(), date: clinicDate.required() }) };
