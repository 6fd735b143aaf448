import { BadRequest } from '../core/errors';
import type { PatientDto } from './patients.repository';

/**
 * Age in whole years on `today` of someone born on `dateOfBirth` (both `YYYY-MM-DD`, clinic days): the years
 * between them, less one when this year's birthday is still ahead. Someone born on 29 February turns a year
 * older on 1 March in other years.
 */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  const beforeBirthday = tm < bm || (tm === bm && td < bd);
  return ty - by - (beforeBirthday ? 1 : 0);
}

/** A patient as answered: `age` derived from `date_of_birth` on `today` when it is set, else the stored age. */
export function present(p: PatientDto, today: string): PatientDto {
  return p.date_of_birth ? { ...p, age: ageOn(p.date_of_birth, today) } : p;
}

/**
 * A date of birth must not be after `today` (clinic zone); when an age is given with it (or stored beside it)
 * the two must agree. @returns the age to store: derived from the date of birth when there is one.
 * @throws BadRequest (`VALIDATION_ERROR`) on `body.date_of_birth` or `body.age`.
 */
export function ageToStore(
  dateOfBirth: string | null | undefined,
  age: number | null | undefined,
  today: string,
): number | null | undefined {
  if (!dateOfBirth) return age;
  if (dateOfBirth > today) {
    throw new BadRequest(`body.date_of_birth: must not be after today (${today})`, [
      { path: 'body.date_of_birth', message: `must not be after today (${today}) in the clinic's time zone` },
    ]);
  }
  const derived = ageOn(dateOfBirth, today);
  if (age !== undefined && age !== null && age !== derived) {
    throw new BadRequest(`body.age: does not match date_of_birth (${derived})`, [
      { path: 'body.age', message: `does not match date_of_birth (age ${derived} today)` },
    ]);
  }
  return derived;
}
