import type { Router } from 'express';
import type { AppContext } from './core/context';
import { patientsRouter } from './patients/patients.routes';
import { doctorsRouter } from './doctors/doctors.routes';
import { availabilityRouter } from './availability/availability.routes';
import { appointmentsRouter } from './appointments/appointments.routes';
import { queueRouter } from './queue/queue.routes';

/** Feature routers mounted under `/api/v1`, in order. The route-documentation test walks these. */
export const apiRouters: Array<(ctx: AppContext) => Router> = [
  patientsRouter,
  doctorsRouter,
  availabilityRouter,
  appointmentsRouter,
  queueRouter,
];
