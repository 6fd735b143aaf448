import type { Router } from 'express';
import type { Services } from './services';
import { loginRouter } from './auth/auth.routes';
import { usersRouter } from './users/users.routes';
import { displayTokensRouter } from './display-tokens/display-tokens.routes';
import { patientsRouter } from './patients/patients.routes';
import { doctorsRouter } from './doctors/doctors.routes';
import { doctorDaysRouter } from './doctor-days/doctor-days.routes';
import { sitesRouter } from './doctor-days/sites.routes';
import { availabilityRouter } from './availability/availability.routes';
import { appointmentsRouter } from './appointments/appointments.routes';
import { queueRouter } from './queue/queue.routes';
import { healthRouter } from './health/health.routes';
import { metricsRouter } from './metrics/metrics.routes';
import { displayRouter } from './display/display.routes';
import { patientHistoryRouter } from './patient-history/patient-history.routes';
import { lifecycleRouter } from './lifecycle/lifecycle.routes';
import { reportsRouter } from './reports/reports.routes';
import { consoleRouter } from './console/console.routes';
import { apiKeysRouter } from './api-keys/api-keys.routes';
import { webhooksRouter } from './webhooks/webhooks.routes';
import { calendarRouter } from './calendar/calendar.routes';
import { calendarFeedRouter } from './calendar/calendar-feed.routes';

/** A router made from the app's services; each router takes only what it uses. */
export type RouterFactory = (s: Services) => Router;

/** Routers mounted at the root, before anything else: health, metrics, the waiting-room page, the staff console. Public (metrics may need its token). */
export const rootRouters: RouterFactory[] = [
  (s) => healthRouter({ sequelize: s.sequelize, logger: s.logger }),
  (s) => metricsRouter({ metrics: s.metrics, metricsToken: s.config.metricsToken }),
  () => displayRouter(),
  () => consoleRouter(),
  (s) => calendarFeedRouter({ calendar: s.calendar }),
];

/** Routers mounted under `/api/v1` before authentication: the only API routes reachable without a token. */
export const publicApiRouters: RouterFactory[] = [
  (s) =>
    loginRouter({
      auth: s.auth,
      loginLimits: {
        perEmailAndIp: s.config.loginRateLimit,
        perIp: s.config.loginRateLimitPerIp,
        perEmail: s.config.loginRateLimitPerEmail,
      },
    }),
];

/**
 * Feature routers mounted under `/api/v1` after authentication (a staff JWT, screen token or API key is required;
 * each route's guard then checks the role). The route-documentation and authorization-matrix tests walk these.
 */
export const apiRouters: RouterFactory[] = [
  (s) => usersRouter({ users: s.users }),
  (s) => displayTokensRouter({ displayTokens: s.displayTokens }),
  (s) => patientsRouter({ patients: s.patients }),
  (s) => doctorsRouter({ doctors: s.doctors }),
  (s) => sitesRouter({ sites: s.sites, doctorDays: s.doctorDays }),
  (s) => doctorDaysRouter({ doctorDays: s.doctorDays, schedule: s.schedule }),
  (s) => availabilityRouter({ availability: s.availability }),
  (s) => appointmentsRouter({ booking: s.booking, appointments: s.appointments, bookingCounter: s.metrics.bookings }),
  (s) =>
    queueRouter({
      queue: s.queue,
      siteCovers: s.doctorDays.siteCovers,
      appointments: s.appointments,
      today: s.today,
      counters: {
        bookings: s.metrics.bookings,
        checkins: s.metrics.checkins,
        queueCalls: s.metrics.queueCalls,
        waits: s.metrics.waitSeconds,
      },
    }),
  (s) => patientHistoryRouter({ history: s.history }),
  (s) => lifecycleRouter({ lifecycle: s.lifecycle }),
  (s) => reportsRouter({ reports: s.reports }),
  (s) => apiKeysRouter({ apiKeys: s.apiKeys }),
  (s) => webhooksRouter({ webhooks: s.webhooks }),
  (s) => calendarRouter({ calendar: s.calendar, publicUrl: s.config.publicUrl }),
];
