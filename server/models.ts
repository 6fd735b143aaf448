import type { ModelCtor } from 'sequelize-typescript';
import { Patient } from './patients/patient.model';
import { Doctor } from './doctors/doctor.model';
import { DoctorAvailability } from './availability/availability.model';
import { User } from './users/user.model';
import { DisplayToken } from './display-tokens/display-token.model';

/**
 * Every Sequelize model, registered on each app's own Sequelize instance (repository mode: repositories use
 * `sequelize.getRepository(Model)`). Tables written only with raw statements (appointments, their events, the
 * queue) have no model.
 */
export const models: ModelCtor[] = [Patient, Doctor, DoctorAvailability, User, DisplayToken];
