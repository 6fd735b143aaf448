import winston from 'winston';

/** Keys whose values are personal data and are masked in every log line. */
const PHI_KEYS = new Set([
  'first_name',
  'last_name',
  'name',
  'patient_name',
  'full_name',
  'phone',
  'email',
  'age',
  'password',
  'new_password',
  'access_token',
  'token',
  'authorization',
  'cookie',
]);
const EMAIL_RE = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
const PHONE_RE = /\+?\d[\d\s().-]{7,}\d/g;
/** UUIDs (request ids, row ids) are not personal data, but their digit-and-dash runs look like phone numbers. */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_OR_PHONE_RE = new RegExp(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|${PHONE_RE.source}`, 'gi');

/**
 * Returns a deep copy of `value` with personal data masked: values under PHI keys become `[REDACTED]`,
 * and e-mail addresses or phone-like digit runs inside free text become `[REDACTED]` too.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[DEPTH]';
  if (typeof value === 'string') {
    return value.replace(EMAIL_RE, '[REDACTED]').replace(UUID_OR_PHONE_RE, (m) => (UUID_RE.test(m) ? m : '[REDACTED]'));
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1), stack: value.stack };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = PHI_KEYS.has(k.toLowerCase()) ? '[REDACTED]' : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp') continue;
    (info as Record<string, unknown>)[key] = PHI_KEYS.has(key.toLowerCase()) ? '[REDACTED]' : redact(info[key]);
  }
  return info;
});

export type Logger = winston.Logger;

/**
 * Builds a JSON-lines logger (one object per line, PHI redacted). Each app gets its own instance,
 * so tests can attach a transport and read what was logged.
 */
export function createLogger(level: string, transports?: winston.transport[]): Logger {
  return winston.createLogger({
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    format: winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json()),
    transports: transports ?? [new winston.transports.Console()],
  });
}
