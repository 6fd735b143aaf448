import type { ModelCtor } from 'sequelize-typescript';
import { Patient } from './patients/patient.model';
import { Doctor } from './doctors/doctor.model';
import { DoctorAvailability } from './availability/availability.model';
import { Appointment, AppointmentEvent } from './appointments/appointment.model';
import { User } from './users/user.model';
import { DisplayToken } from './display-tokens/display-token.model';

/** Every Sequelize model, registered on the app's Sequelize instance. */
export const models: ModelCtor[] = [Patient, Doctor, DoctorAvailability, Appointment, AppointmentEvent, User, DisplayToken];
