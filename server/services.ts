import type { Sequelize } from 'sequelize-typescript';
import type { Config } from './core/config';
import type { Logger } from './core/logger';
import type { ShutdownHook } from './core/shutdown';
import { createTransactor } from './core/transaction';
import type { LiveServer } from './live/live.server';
import type { Metrics } from './metrics/metrics';
import { createAuthService } from './auth/auth.service';
import { createActorResolver } from './auth/authenticate';
import { createCredentialCache } from './auth/credential-cache';
import { closeAccountSockets } from './auth/socket-auth';
import { createDoctorDayRepository } from './doctor-days/doctor-day.repository';
import { createDoctorDayService } from './doctor-days/doctor-days.service';
import { createPlanChanges } from './doctor-days/plan-changes';
import { createScheduleService } from './doctor-days/schedule.service';
import { createSiteRepository } from './doctor-days/sites.repository';
import { createSitesService } from './doctor-days/sites.service';
import { createDoctorRepository } from './doctors/doctors.repository';
import { createDoctorsService } from './doctors/doctors.service';
import { createAvailabilityRepository } from './availability/availability.repository';
import { createAvailabilityService } from './availability/availability.service';
import { createUserRepository } from './users/users.repository';
import { createUsersService } from './users/users.service';
import { bootstrapAccounts } from './users/bootstrap';
import { createDisplayTokenRepository } from './display-tokens/display-tokens.repository';
import { createDisplayTokensService } from './display-tokens/display-tokens.service';
import { createPatientRepository } from './patients/patients.repository';
import { createPatientsService } from './patients/patients.service';
import { createAppointmentRepository } from './appointments/appointments.repository';
import { createAppointmentsService } from './appointments/appointments.service';
import { createBookingService } from './appointments/booking.service';
import { createIdempotencyRepository } from './appointments/idempotency.repository';
import { createQueueRepository } from './queue/queue.repository';
import { createQueueService } from './queue/queue.service';
import { createQueuePublisher } from './queue/queue.publisher';
import { createPatientHistoryRepository } from './patient-history/patient-history.repository';
import { createPatientHistoryService } from './patient-history/patient-history.service';
import { createLifecycleRepository } from './lifecycle/lifecycle.repository';
import { createLifecycleService } from './lifecycle/lifecycle.service';
import { createReportsRepository } from './reports/reports.repository';
import { createReportsService } from './reports/reports.service';
import { createPatientsByPhone } from './patients/patients-by-phone';
import { createApiKeyRepository } from './api-keys/api-keys.repository';
import { createApiKeysService } from './api-keys/api-keys.service';
import { apiKeyRateLimit } from './api-keys/api-key-rate-limit';
import { createWebhookRepository } from './webhooks/webhooks.repository';
import { createDomainEvents } from './webhooks/domain-events';
import { createWebhookRelay } from './webhooks/relay';
import { createWebhooksService } from './webhooks/webhooks.service';
import { createReminderRepository } from './reminders/reminders.repository';
import { createReminderJob } from './reminders/reminders.job';
import { createCalendarRepository } from './calendar/calendar.repository';
import { createCalendarService } from './calendar/calendar.service';
import { createRetentionJob, createRetentionLock } from './retention/retention.job';

/** What the composition root is given: the app's infrastructure, built by `createApp`. */
export interface ServicesInput {
  config: Config & { databaseUrl: string; jwtSecret: string };
  logger: Logger;
  sequelize: Sequelize;
  io: LiveServer;
  metrics: Metrics;
  /** Tests only: drop after-commit queue publishes, as if the process died right after commit. */
  suppressAfterCommitPublish?: boolean;
}

/**
 * The composition root: every repository and service of one app, built once and handed to the routers
 * (server/routes.ts), the socket handlers and the jobs. Nothing else constructs a service, so each is wired
 * in exactly one place; features depend on each other only through what is passed here.
 */
export function createServices({ config, logger, sequelize, io, metrics, suppressAfterCommitPublish }: ServicesInput) {
  const tx = createTransactor(sequelize);
  const shutdownHooks: ShutdownHook[] = [];
  const repos = {
    doctorDays: createDoctorDayRepository(sequelize),
    sites: createSiteRepository(sequelize, config.clinicTimezone),
    doctors: createDoctorRepository(sequelize),
    availability: createAvailabilityRepository(sequelize),
    users: createUserRepository(sequelize),
    displayTokens: createDisplayTokenRepository(sequelize),
    patients: createPatientRepository(sequelize),
    appointments: createAppointmentRepository(sequelize),
    idempotency: createIdempotencyRepository(sequelize),
    queue: createQueueRepository(sequelize, { priorityStreak: config.priorityStreak }),
    patientHistory: createPatientHistoryRepository(sequelize),
    lifecycle: createLifecycleRepository(sequelize),
    reports: createReportsRepository(sequelize),
    apiKeys: createApiKeyRepository(sequelize),
    webhooks: createWebhookRepository(sequelize),
    reminders: createReminderRepository(sequelize, config.clinicTimezone),
    calendar: createCalendarRepository(sequelize, config.clinicTimezone),
  };
  // Integrations: domain events go to the webhook outbox in each change's transaction; the relay sends them.
  const webhookRelay = createWebhookRelay({
    repo: repos.webhooks,
    logger,
    allowPrivate: config.webhookAllowPrivate,
    timeoutMs: config.webhookTimeoutMs,
    intervalMs: config.webhookRelayIntervalMs,
    retryBaseMs: config.webhookRetryBaseMs,
    retryMaxMs: config.webhookRetryMaxMs,
    giveUpHours: config.webhookGiveUpHours,
    disableAfterFailures: config.webhookDisableAfterFailures,
  });
  const events = createDomainEvents(repos.webhooks, () => webhookRelay.poke());
  const credentialCache = createCredentialCache({
    databaseUrl: config.databaseUrl,
    logger,
    ttlMs: config.credentialCacheTtlMs,
    maxEntries: config.credentialCacheMaxEntries,
  });
  metrics.readCredentialCacheFrom(credentialCache.stats);
  const apiKeys = createApiKeysService({ repo: repos.apiKeys, onRevoked: (id) => credentialCache.forget('api_key', id) });
  /**
   * Called after every committed revocation, deactivation or role change of an account or screen token: drops this
   * instance's cached look-ups at once (the other instances drop theirs on the notification), then closes the
   * credential's live sockets on every instance.
   */
  const closeSockets = (actor: { type: 'user' | 'screen'; id: string }) => {
    credentialCache.forget(actor.type, actor.id);
    return closeAccountSockets(io, logger, actor);
  };

  const doctorDays = createDoctorDayService({
    repo: repos.doctorDays,
    sites: repos.sites,
    clinicTimezone: config.clinicTimezone,
    bookingHorizonDays: config.bookingHorizonDays,
  });
  const today = () => doctorDays.today();
  const planChanges = createPlanChanges({ repo: repos.doctorDays });
  const schedule = createScheduleService({
    repo: repos.doctorDays,
    sites: repos.sites,
    planChanges,
    tx,
    today,
    events,
    dayZone: async (doctorId, date) => (await doctorDays.view(doctorId, date)).view.zone,
  });
  const patients = createPatientsService({ repo: repos.patients, phoneRegion: config.defaultPhoneRegion, today });
  metrics.readWaitingFrom(() => repos.reports.waitingBySite(today()));
  const displayTokens = createDisplayTokensService({ repo: repos.displayTokens, doctors: repos.doctors, sites: repos.sites, closeSockets });
  const appointments = createAppointmentsService({ repo: repos.appointments, events });
  const booking = createBookingService({
    tx,
    doctorDays: repos.doctorDays,
    appointments: repos.appointments,
    idempotency: repos.idempotency,
    windowIn: doctorDays.windowIn,
    clinicTimezone: config.clinicTimezone,
    events,
    patients: createPatientsByPhone(sequelize, config.defaultPhoneRegion),
  });
  const reminders = createReminderJob({
    tx,
    repo: repos.reminders,
    events,
    logger,
    clinicTimezone: config.clinicTimezone,
    leadHours: config.reminderLeadHours,
    dayStart: config.reminderDayStart,
    intervalMs: config.reminderIntervalMs,
  });
  const retention = createRetentionJob({
    tx,
    tryLock: createRetentionLock(sequelize),
    queue: repos.queue,
    webhooks: repos.webhooks,
    logger,
    today,
    queueEventDays: config.queueEventRetentionDays,
    webhookDeliveryDays: config.webhookDeliveryRetentionDays,
    intervalMs: config.retentionIntervalMs,
    batchSize: config.retentionBatchSize,
  });
  const publisher = createQueuePublisher({
    repo: repos.queue,
    io,
    logger,
    databaseUrl: config.databaseUrl,
    relayIntervalMs: config.relayIntervalMs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    suppressAfterCommit: suppressAfterCommitPublish,
    onBacklog: (backlog, lagSeconds) => {
      metrics.outboxBacklog.set(backlog);
      metrics.outboxLagSeconds.set(lagSeconds);
    },
  });

  return {
    config,
    logger,
    sequelize,
    io,
    metrics,
    tx,
    repos,
    today,
    publisher,
    auth: createAuthService({ findForLogin: repos.users.findForLogin, jwtSecret: config.jwtSecret, jwtTtlSeconds: config.jwtTtlSeconds }),
    /** Credentials → actor, for HTTP and the Socket.IO handshake alike. */
    resolveActor: createActorResolver(
      credentialCache.wrap({ findAccount: repos.users.findForAuth, findScreen: displayTokens.findActive, findApiKey: apiKeys.findActive }),
      config.jwtSecret,
    ),
    /** The per-instance cache of credential look-ups (started and closed with the app). */
    credentialCache,
    apiKeys,
    /** Per-key request limit (API_KEY_RATE_LIMIT a minute, counted in PostgreSQL); mounted after authentication. */
    apiKeyRateLimit: apiKeyRateLimit(repos.apiKeys.hit, config.apiKeyRateLimit),
    webhooks: createWebhooksService({ repo: repos.webhooks, allowPrivate: config.webhookAllowPrivate, poke: () => webhookRelay.poke() }),
    webhookRelay,
    reminders,
    retention,
    calendar: createCalendarService({
      repo: repos.calendar,
      doctors: repos.doctors,
      leaves: schedule.busyBlocks,
      clinicTimezone: config.clinicTimezone,
      today,
    }),
    /** The jobs of this instance: the webhook relay, the reminder job and the retention job. */
    integrations: {
      start(): void {
        webhookRelay.start();
        reminders.start();
        retention.start();
      },
      async stop(): Promise<void> {
        await retention.stop();
        await reminders.stop();
        await webhookRelay.stop();
      },
    },
    users: createUsersService({ repo: repos.users, doctors: repos.doctors, tx, closeSockets }),
    displayTokens,
    patients,
    history: createPatientHistoryService({ repo: repos.patientHistory, patients }),
    lifecycle: createLifecycleService({
      tx,
      today,
      repo: repos.lifecycle,
      doctors: repos.doctors,
      doctorDays: repos.doctorDays,
      patients: repos.patients,
      patientsService: patients,
      history: repos.patientHistory,
    }),
    reports: createReportsService({ repo: repos.reports, today }),
    doctorDays,
    doctors: createDoctorsService({ repo: repos.doctors, doctorDays: repos.doctorDays, planChanges, tx, today, events }),
    sites: createSitesService({ repo: repos.sites, tx }),
    schedule,
    availability: createAvailabilityService({
      repo: repos.availability,
      doctors: repos.doctors,
      doctorDays: repos.doctorDays,
      planChanges,
      assertValidSessions: schedule.assertValid,
      tx,
    }),
    appointments,
    booking,
    queue: createQueueService({
      tx,
      repo: repos.queue,
      appointments,
      booking,
      idempotency: repos.idempotency,
      todayIn: (zone) => doctorDays.today(zone ?? config.clinicTimezone),
      poke: () => publisher.poke(),
      lockDay: (doctorId, date, t) => repos.doctorDays.lock(doctorId, date, t),
      events,
    }),
    /** The first accounts, when none exist (see users/bootstrap.ts). */
    bootstrap: (demo: boolean) => bootstrapAccounts({ sequelize, users: repos.users, doctors: repos.doctors, config, logger }, demo),
    shutdownHooks,
    /**
     * Registers `hook` to run during graceful shutdown: after in-flight HTTP requests have finished and
     * Socket.IO clients were sent elsewhere, before the Socket.IO adapters and the database pool close
     * (so a hook may still query and broadcast, e.g. drain the outbox relay). Hooks run in registration
     * order, each bounded by `SHUTDOWN_TIMEOUT_MS`; a failure is logged and does not stop the shutdown.
     */
    onShutdown(hook: ShutdownHook): void {
      shutdownHooks.push(hook);
    },
  };
}
/** Every service of one app (see {@link createServices}). */
export type Services = ReturnType<typeof createServices>;
