import Joi from 'joi';
import { clinicDate, uuid } from '../core/schemas';

export const dayReportSchema = { query: Joi.object({ date: clinicDate, site_id: uuid }) };
