import type { Router } from 'express';
import type { AppContext } from './core/context';
import { authRouter, loginRouter } from './auth/auth.routes';
import { usersRouter } from './users/users.routes';
import { displayTokensRouter } from './display-tokens/display-tokens.routes';
import { patientsRouter } from './patients/patients.routes';
import { doctorsRouter } from './doctors/doctors.routes';
import { availabilityRouter } from './availability/availability.routes';
import { appointmentsRouter } from './appointments/appointments.routes';
import { queueRouter } from './queue/queue.routes';

/** Routers mounted under `/api/v1` before authentication: the only routes reachable without a token. */
export const publicApiRouters: Array<(ctx: AppContext) => Router> = [
  loginRouter,
];

/**
 * Feature routers mounted under `/api/v1` after authentication (a staff JWT or screen token is required;
 * each route's guard then checks the role). The route-documentation and authorization-matrix tests walk these.
 */
export const apiRouters: Array<(ctx: AppContext) => Router> = [
  authRouter,
  usersRouter,
  displayTokensRouter,
  patientsRouter,
  doctorsRouter,
  availabilityRouter,
  appointmentsRouter,
  queueRouter,
];
