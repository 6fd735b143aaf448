import { isIP } from 'node:net';
import Joi from 'joi';
import { IANAZone } from 'luxon';
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';

/** Validated runtime configuration. Built once by {@link loadConfig}; every key is documented in `.env.example`. */
export interface Config {
  port: number;
  /** PostgreSQL URL; `undefined` means "start the embedded PostgreSQL under `dataDir`". */
  databaseUrl?: string;
  /** IANA zone in which clinic days (`YYYY-MM-DD`) are reckoned. */
  clinicTimezone: string;
  /**
   * After this many `priority` calls in a row, call-next takes the next `normal` patient first (emergencies always
   * go first). Default 3. See server/queue/waiting-order.ts.
   */
  priorityStreak: number;
  /** ISO 3166-1 alpha-2 region used to read phone numbers written without a country code. */
  defaultPhoneRegion: CountryCode;
  logLevel: string;
  /** Folder for local state: embedded PostgreSQL data, generated secrets. */
  dataDir: string;
  /** HS256 secret for staff JWTs (>= 32 bytes). Generated under `dataDir` in the embedded default. */
  jwtSecret?: string;
  /** Staff token lifetime in seconds (default 8 h, one shift). */
  jwtTtlSeconds: number;
  adminEmail?: string;
  adminPassword?: string;
  /** Allowed CORS origins; empty means same-origin only. */
  corsOrigins: string[];
  /** Express `trust proxy`: which hops' X-Forwarded-For to believe (req.ip, per-IP rate limits). */
  trustProxy: number | string[];
  /** How many days ahead a booking may be made. */
  bookingHorizonDays: number;
  dbPoolMax: number;
  /** How long a request may wait for a pooled connection before it is answered 503 (ms). */
  dbAcquireTimeoutMs: number;
  /** `none` (single instance) or `postgres` (@socket.io/postgres-adapter fan-out). */
  socketAdapter: 'none' | 'postgres';
  /** Bound on graceful shutdown (ms). */
  shutdownTimeoutMs: number;
  /** Node `server.requestTimeout`: the whole request (headers and body) must arrive within it, or 408 and close (ms). */
  httpRequestTimeoutMs: number;
  /** Node `server.headersTimeout`: the request headers must arrive within it (ms); at most `httpRequestTimeoutMs`. */
  httpHeadersTimeoutMs: number;
  /** Node `server.keepAliveTimeout`: an idle keep-alive connection is closed after it (ms). */
  httpKeepAliveTimeoutMs: number;
  /** When set, `/metrics` requires `Authorization: Bearer <token>`. Required with `databaseUrl` unless `metricsPublic`. */
  metricsToken?: string;
  /** Serve `/metrics` without a token even with `databaseUrl` set (the operator's explicit choice, e.g. a firewalled scrape port). */
  metricsPublic: boolean;
  /** Interval of the outbox relay (ms). */
  relayIntervalMs: number;
  /**
   * Longest use of a cached credential look-up (ms; 0 = no cache). Invalidation is by LISTEN/NOTIFY on every
   * instance (server/auth/credential-cache.ts); this is only a backstop.
   */
  credentialCacheTtlMs: number;
  /** Most credentials one instance caches. */
  credentialCacheMaxEntries: number;
  /** Interval of `queue:heartbeat` (ms). */
  heartbeatIntervalMs: number;
  /** Most doctor-day rooms one Socket.IO connection may subscribe to at once. */
  socketMaxRoomsPerSocket: number;
  /** Most Socket.IO connections one screen token may hold at once (counted on every instance). */
  screenMaxSocketsPerToken: number;
  /** Failed logins allowed per 15 minutes per (e-mail, client address) pair. */
  loginRateLimit: number;
  /** Failed logins allowed per 15 minutes per client address, whatever the e-mails. */
  loginRateLimitPerIp: number;
  /** Failed logins allowed per 15 minutes per e-mail from all addresses together (a distributed attack). */
  loginRateLimitPerEmail: number;
  /** Requests per minute per API key, counted in PostgreSQL (shared by every instance). */
  apiKeyRateLimit: number;
  /** Absolute base URL of this service as clients reach it (calendar feed URLs); unset = taken from each request. */
  publicUrl?: string;
  /** Allow webhook destinations on loopback, private, link-local or unique-local addresses (tests, a LAN receiver). */
  webhookAllowPrivate: boolean;
  /** Bound on one webhook delivery attempt, connect to last byte (ms). */
  webhookTimeoutMs: number;
  /** How often each instance looks for due webhook deliveries (ms). */
  webhookRelayIntervalMs: number;
  /** Retry backoff: attempt n waits a random time in [0, min(max, base·2^(n-1))] (full jitter), in ms. */
  webhookRetryBaseMs: number;
  webhookRetryMaxMs: number;
  /** A delivery still failing this many hours after its event is marked failed. */
  webhookGiveUpHours: number;
  /** An endpoint is disabled after this many consecutive failed attempts. */
  webhookDisableAfterFailures: number;
  /** Reminder lead times, hours before the appointment (`appointment.reminder` once per appointment and lead). */
  reminderLeadHours: number[];
  /** How often the reminder job runs (ms). */
  reminderIntervalMs: number;
  /** `HH:MM` in CLINIC_TIMEZONE: an appointment's time for reminders when no time is known (doctor-days have dates only). */
  reminderDayStart: string;
  /** Queue events (screen replay) of clinic days more than this many days back are deleted by the retention job. */
  queueEventRetentionDays: number;
  /** Finished webhook deliveries (delivered, or failed for good) older than this many days are deleted, then their events. */
  webhookDeliveryRetentionDays: number;
  /** How often the retention job runs (ms); one instance at a time. */
  retentionIntervalMs: number;
  /** Rows per DELETE of the retention job (each its own short transaction). */
  retentionBatchSize: number;
}

const schema = Joi.object({
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  DATABASE_URL: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .empty(''),
  CLINIC_TIMEZONE: Joi.string()
    .default('UTC')
    .custom((v, h) => (IANAZone.isValidZone(v) ? v : h.error('any.invalid')))
    .messages({ 'any.invalid': '"CLINIC_TIMEZONE" must be an IANA time zone name such as "Asia/Kolkata"' }),
  DEFAULT_PHONE_REGION: Joi.string()
    .uppercase()
    .default('IN')
    .custom((v, h) => (isSupportedCountry(v) ? v : h.error('any.invalid')))
    .messages({ 'any.invalid': '"DEFAULT_PHONE_REGION" must be an ISO 3166-1 alpha-2 code such as "IN"' }),
  LOG_LEVEL: Joi.string().valid('error', 'warn', 'info', 'http', 'verbose', 'debug', 'silent').default('info'),
  DATA_DIR: Joi.string().default('.data'),
  JWT_SECRET: Joi.string().min(32).empty('').messages({ 'string.min': '"JWT_SECRET" must be at least 32 bytes (RFC 7518 §3.2 for HS256)' }),
  JWT_TTL_SECONDS: Joi.number()
    .integer()
    .min(60)
    .max(7 * 24 * 3600)
    .default(8 * 3600),
  ADMIN_EMAIL: Joi.string().email({ tlds: false }).empty(''),
  ADMIN_PASSWORD: Joi.string().min(12).empty(''),
  CORS_ORIGINS: Joi.string().allow('').default(''),
  TRUST_PROXY: Joi.string()
    .default('loopback')
    .custom((v: string) => {
      if (!parseTrustProxy(v)) throw new Error('invalid');
      return v;
    })
    .messages({
      'any.custom':
        '"TRUST_PROXY" must be a hop count, or a comma-separated list of IP addresses, CIDR subnets or loopback, linklocal, uniquelocal',
    }),
  BOOKING_HORIZON_DAYS: Joi.number().integer().min(1).max(3650).default(90),
  DB_POOL_MAX: Joi.number().integer().min(1).max(500).default(20),
  DB_ACQUIRE_TIMEOUT_MS: Joi.number().integer().min(100).max(60000).default(3000),
  SOCKET_ADAPTER: Joi.string().valid('none', 'postgres').default('none'),
  SHUTDOWN_TIMEOUT_MS: Joi.number().integer().min(0).max(600000).default(10000),
  HTTP_REQUEST_TIMEOUT_MS: Joi.number().integer().min(100).max(600000).default(30000),
  HTTP_HEADERS_TIMEOUT_MS: Joi.number()
    .integer()
    .min(100)
    .max(Joi.ref('HTTP_REQUEST_TIMEOUT_MS'))
    .default((env: { HTTP_REQUEST_TIMEOUT_MS: number }) => Math.min(15000, env.HTTP_REQUEST_TIMEOUT_MS))
    .messages({ 'number.max': '"HTTP_HEADERS_TIMEOUT_MS" must not exceed HTTP_REQUEST_TIMEOUT_MS' }),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: Joi.number().integer().min(100).max(600000).default(5000),
  METRICS_TOKEN: Joi.string().empty(''),
  METRICS_PUBLIC: Joi.boolean().truthy('1').falsy('0').default(false),
  RELAY_INTERVAL_MS: Joi.number().integer().min(50).max(60000).default(2000),
  HEARTBEAT_INTERVAL_MS: Joi.number().integer().min(100).max(600000).default(15000),
  SOCKET_MAX_ROOMS_PER_SOCKET: Joi.number().integer().min(1).max(1000).default(16),
  SCREEN_MAX_SOCKETS_PER_TOKEN: Joi.number().integer().min(1).max(1000).default(8),
  LOGIN_RATE_LIMIT: Joi.number().integer().min(1).max(100000).default(10),
  LOGIN_RATE_LIMIT_PER_IP: Joi.number().integer().min(1).max(100000).default(50),
  LOGIN_RATE_LIMIT_PER_EMAIL: Joi.number().integer().min(1).max(100000).default(100),
  API_KEY_RATE_LIMIT: Joi.number().integer().min(1).max(1_000_000).default(600),
  PUBLIC_URL: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .empty('')
    .custom((v: string) => v.replace(/\/+$/, '')),
  WEBHOOK_ALLOW_PRIVATE: Joi.boolean().truthy('1').falsy('0').default(false),
  WEBHOOK_TIMEOUT_MS: Joi.number().integer().min(100).max(60000).default(10000),
  WEBHOOK_RELAY_INTERVAL_MS: Joi.number().integer().min(50).max(60000).default(1000),
  WEBHOOK_RETRY_BASE_MS: Joi.number().integer().min(10).max(3_600_000).default(5000),
  WEBHOOK_RETRY_MAX_MS: Joi.number().integer().min(10).max(86_400_000).default(3_600_000),
  WEBHOOK_GIVE_UP_HOURS: Joi.number().min(0.0001).max(720).default(24),
  WEBHOOK_DISABLE_AFTER_FAILURES: Joi.number().integer().min(1).max(100000).default(20),
  REMINDER_LEAD_HOURS: Joi.string()
    .default('24,2')
    .custom((v: string) => {
      if (!parseLeadHours(v)) throw new Error('invalid');
      return v;
    })
    .messages({ 'any.custom': '"REMINDER_LEAD_HOURS" must be comma-separated whole hours from 1 to 720, such as "24,2"' }),
  REMINDER_INTERVAL_MS: Joi.number().integer().min(100).max(3_600_000).default(60000),
  REMINDER_DAY_START: Joi.string()
    .pattern(/^([01]\d|2[0-3]):[0-5]\d$/)
    .default('09:00')
    .messages({ 'string.pattern.base': '"REMINDER_DAY_START" must be a time of day written HH:MM, such as "09:00"' }),
  PRIORITY_STREAK: Joi.number().integer().min(1).max(100).default(3),
  QUEUE_EVENT_RETENTION_DAYS: Joi.number().integer().min(1).max(3650).default(7),
  WEBHOOK_DELIVERY_RETENTION_DAYS: Joi.number().integer().min(1).max(3650).default(30),
  RETENTION_INTERVAL_MS: Joi.number().integer().min(1000).max(86_400_000).default(3_600_000),
  RETENTION_BATCH_SIZE: Joi.number().integer().min(100).max(50_000).default(5000),
  CREDENTIAL_CACHE_TTL_MS: Joi.number().integer().min(0).max(3_600_000).default(60000),
  CREDENTIAL_CACHE_MAX_ENTRIES: Joi.number().integer().min(1).max(1_000_000).default(10000),
}).unknown(true);

/** Raised when the environment is invalid; `problems` holds one human sentence per bad key. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Validates an environment (normally `process.env`) and returns the typed config.
 * @throws ConfigError listing every bad key at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): Config {
  const { value, error } = schema.validate(env, { abortEarly: false, convert: true });
  if (error) throw new ConfigError(error.details.map((d) => d.message));
  // A real deployment (DATABASE_URL set) never serves its metrics — request rates, pool and queue sizes, process
  // internals — to anyone who asks by accident: it needs the scrape token, or the operator's explicit opt-out.
  if (value.DATABASE_URL && !value.METRICS_TOKEN && !value.METRICS_PUBLIC) {
    throw new ConfigError([
      '"METRICS_TOKEN" is required when DATABASE_URL is set (e.g. `openssl rand -base64 32`; scrape with Authorization: Bearer <token>), ' +
        'or set METRICS_PUBLIC=true to serve /metrics without a token',
    ]);
  }
  return {
    port: value.PORT,
    databaseUrl: value.DATABASE_URL,
    clinicTimezone: value.CLINIC_TIMEZONE,
    defaultPhoneRegion: value.DEFAULT_PHONE_REGION,
    logLevel: value.LOG_LEVEL,
    dataDir: value.DATA_DIR,
    jwtSecret: value.JWT_SECRET,
    jwtTtlSeconds: value.JWT_TTL_SECONDS,
    adminEmail: value.ADMIN_EMAIL,
    adminPassword: value.ADMIN_PASSWORD,
    corsOrigins: String(value.CORS_ORIGINS)
      .split(',')
      .map((s: string) => s.trim())
      .filter(Boolean),
    trustProxy: parseTrustProxy(value.TRUST_PROXY)!,
    bookingHorizonDays: value.BOOKING_HORIZON_DAYS,
    dbPoolMax: value.DB_POOL_MAX,
    dbAcquireTimeoutMs: value.DB_ACQUIRE_TIMEOUT_MS,
    socketAdapter: value.SOCKET_ADAPTER,
    shutdownTimeoutMs: value.SHUTDOWN_TIMEOUT_MS,
    httpRequestTimeoutMs: value.HTTP_REQUEST_TIMEOUT_MS,
    httpHeadersTimeoutMs: value.HTTP_HEADERS_TIMEOUT_MS,
    httpKeepAliveTimeoutMs: value.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    metricsToken: value.METRICS_TOKEN,
    metricsPublic: value.METRICS_PUBLIC,
    relayIntervalMs: value.RELAY_INTERVAL_MS,
    heartbeatIntervalMs: value.HEARTBEAT_INTERVAL_MS,
    socketMaxRoomsPerSocket: value.SOCKET_MAX_ROOMS_PER_SOCKET,
    screenMaxSocketsPerToken: value.SCREEN_MAX_SOCKETS_PER_TOKEN,
    loginRateLimit: value.LOGIN_RATE_LIMIT,
    loginRateLimitPerIp: value.LOGIN_RATE_LIMIT_PER_IP,
    loginRateLimitPerEmail: value.LOGIN_RATE_LIMIT_PER_EMAIL,
    apiKeyRateLimit: value.API_KEY_RATE_LIMIT,
    publicUrl: value.PUBLIC_URL,
    webhookAllowPrivate: value.WEBHOOK_ALLOW_PRIVATE,
    webhookTimeoutMs: value.WEBHOOK_TIMEOUT_MS,
    webhookRelayIntervalMs: value.WEBHOOK_RELAY_INTERVAL_MS,
    webhookRetryBaseMs: value.WEBHOOK_RETRY_BASE_MS,
    webhookRetryMaxMs: value.WEBHOOK_RETRY_MAX_MS,
    webhookGiveUpHours: value.WEBHOOK_GIVE_UP_HOURS,
    webhookDisableAfterFailures: value.WEBHOOK_DISABLE_AFTER_FAILURES,
    reminderLeadHours: parseLeadHours(value.REMINDER_LEAD_HOURS)!,
    reminderIntervalMs: value.REMINDER_INTERVAL_MS,
    reminderDayStart: value.REMINDER_DAY_START,
    priorityStreak: value.PRIORITY_STREAK,
    queueEventRetentionDays: value.QUEUE_EVENT_RETENTION_DAYS,
    webhookDeliveryRetentionDays: value.WEBHOOK_DELIVERY_RETENTION_DAYS,
    retentionIntervalMs: value.RETENTION_INTERVAL_MS,
    retentionBatchSize: value.RETENTION_BATCH_SIZE,
    credentialCacheTtlMs: value.CREDENTIAL_CACHE_TTL_MS,
    credentialCacheMaxEntries: value.CREDENTIAL_CACHE_MAX_ENTRIES,
  };
}

/** Parses `REMINDER_LEAD_HOURS` (`24,2`): distinct whole hours 1..720, largest first. @returns null when malformed. */
export function parseLeadHours(v: string): number[] | null {
  const parts = v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (!parts.length || !parts.every((p) => /^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 720)) return null;
  return [...new Set(parts.map(Number))].sort((a, b) => b - a);
}

/**
 * Parses `TRUST_PROXY` as Express takes it: a hop count (`1`), or addresses, CIDR subnets and the names
 * `loopback`, `linklocal`, `uniquelocal` (comma-separated). @returns null when any part is neither.
 */
export function parseTrustProxy(v: string): number | string[] | null {
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const parts = v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const ok = (p: string) => {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(p)) return true;
    const [addr, bits, extra] = p.split('/');
    if (extra !== undefined || !isIP(addr)) return false;
    if (bits === undefined) return true;
    return /^\d+$/.test(bits) && Number(bits) <= (isIP(addr) === 4 ? 32 : 128);
  };
  return parts.length && parts.every(ok) ? parts : null;
}
