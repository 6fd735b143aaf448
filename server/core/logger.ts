import winston from 'winston';

/**
 * Keys whose values are personal data or secrets, masked whole wherever they appear. Compared lower-cased
 * without `_` and `-`, so `first_name`, `firstName` and `First-Name` are one key. (Not `name`: no patient's name
 * is stored under it — a doctor's name is public — and operators need the names of migrations and errors.)
 */
const PHI_KEYS = new Set(
  [
    'first_name',
    'last_name',
    'middle_name',
    'full_name',
    'patient_name',
    'phone',
    'phone_number',
    'mobile',
    'telephone',
    'email',
    'email_address',
    'age',
    'date_of_birth',
    'gender',
    'symptoms',
    'conditions',
    'allergies',
    'notes',
    'dob',
    'birth_date',
    'address',
    'password',
    'new_password',
    'password_hash',
    'passphrase',
    'secret',
    'jwt_secret',
    'access_token',
    'refresh_token',
    'token',
    'metrics_token',
    'authorization',
    'cookie',
    'set_cookie',
  ].map((k) => k.replace(/[_-]/g, '')),
);
const isPhiKey = (key: string) => PHI_KEYS.has(key.toLowerCase().replace(/[_-]/g, ''));

const EMAIL_RE = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** Bearer credentials in free text: JWTs (`eyJ….….…`) and screen tokens (`scr_…`). */
const CREDENTIAL_RE = /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*|\bscr_[\w-]{20,}/g;
/**
 * A run of digits with the separators people type in phone numbers (spaces, dots, dashes, parentheses), with
 * an optional leading `+`, that is not glued to a word character, `+`, `:`, `/`, `.` or `-`: so the digits
 * inside UUIDs, ISO date-times (`2026-12-01T…`), file names (`20261122000001-patients….js`), versions
 * (`18.4.0-beta.17`), paths and `host:port` are never a run. Each run is then judged by {@link phoneLike}.
 */
const DIGIT_RUN_RE = /(?<![\w+:/.-])\+?\d[\d ().-]*\d(?![\w:/-]|\.\d)/g;

/**
 * Whether a digit run is a phone number: 8 to 15 digits (E.164 allows 15; local numbers of 8 and more), and not
 * a calendar date (`2026-12-01`, `01.12.2026`), an IPv4 address or a decimal number (`95012.55`).
 */
function phoneLike(run: string): boolean {
  const digits = run.replace(/\D/g, '').length;
  if (digits < 8 || digits > 15) return false;
  if (/^\d{4}([-.])\d{2}\1\d{2}$/.test(run) || /^\d{2}([-.])\d{2}\1\d{4}$/.test(run)) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(run) || /^\d+\.\d+$/.test(run)) return false;
  return true;
}

/**
 * Masks the phone numbers in a digit run. A run may hold several space-separated numbers ("on 2026-12-01
 * 98123 45678"), so it is read word by word: from each word, the longest stretch of words that is
 * {@link phoneLike} is masked, and a word that starts none is kept.
 */
function maskPhones(run: string): string {
  const parts = run.split(/( +)/); // words at even indices, the spaces between them at odd ones
  const words = Math.ceil(parts.length / 2);
  let out = '';
  for (let i = 0; i < words;) {
    let j = words - 1;
    while (j >= i && !phoneLike(parts.slice(2 * i, 2 * j + 1).join(''))) j--;
    if (j >= i) {
      out += '[REDACTED]';
      i = j + 1;
    } else {
      out += parts[2 * i];
      i++;
    }
    if (i < words) out += parts[2 * i - 1];
  }
  return out;
}

/** A string with e-mail addresses, bearer credentials and phone numbers masked; everything else kept as it is. */
function redactText(text: string): string {
  return text.replace(EMAIL_RE, '[REDACTED]').replace(CREDENTIAL_RE, '[REDACTED]').replace(DIGIT_RUN_RE, maskPhones);
}

/**
 * Returns a deep copy of `value` with personal data masked, in two precise ways: by field name (values under
 * {@link PHI_KEYS} become `[REDACTED]`, whatever they hold), and by value shape inside any string (e-mail
 * addresses, JWTs and screen tokens, and phone numbers in E.164 or the usual local writings become
 * `[REDACTED]`). Dates, times, UUIDs, migration file names, version numbers, durations and addresses of
 * hosts are left as they are: operators need them. Errors keep their name; message and stack are masked.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[DEPTH]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), stack: value.stack && redactText(value.stack) };
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isPhiKey(k) ? '[REDACTED]' : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp') continue;
    (info as Record<string, unknown>)[key] = isPhiKey(key) ? '[REDACTED]' : redact(info[key]);
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
