import { randomInt } from 'node:crypto';

let seq = 0;
const unique = () => `${Date.now().toString(36)}${(seq++).toString(36)}${randomInt(1e6).toString(36)}`;

/** A valid, unique Indian mobile number written the way a clerk would type it (no country code). */
export function phoneNumber(): string {
  return `9${String(randomInt(0, 1e9)).padStart(9, '0')}`;
}

/** Body for POST /api/v1/patients; every call is a new person. */
export function buildPatient(overrides: Record<string, unknown> = {}) {
  return { first_name: `Pat${unique()}`, last_name: 'Test', age: 40, phone: phoneNumber(), ...overrides };
}

/** Body for POST /api/v1/doctors with a unique code. */
export function buildDoctor(overrides: Record<string, unknown> = {}) {
  const code = `T${unique()}`.toUpperCase().slice(0, 32);
  return { name: `Dr. ${code}`, code, specialty: 'General Medicine', ...overrides };
}

/** A clinic day `days` after today in UTC (the test apps' CLINIC_TIMEZONE), `YYYY-MM-DD`. */
export function dayFromToday(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
