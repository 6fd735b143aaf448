import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { BadRequest } from '../core/errors';

/**
 * Normalizes a phone number to E.164 (ITU-T E.164) with libphonenumber-js; numbers written without a
 * country code are read in `region`. @throws BadRequest (400 `VALIDATION_ERROR`) when it is not a valid number.
 */
export function normalizePhone(raw: string, region: CountryCode, path = 'body.phone'): string {
  const parsed = parsePhoneNumberFromString(raw, region);
  if (!parsed || !parsed.isValid()) {
    throw new BadRequest(`${path}: not a valid phone number for region ${region}`, [
      { path, message: `not a valid phone number (read in region ${region} when no country code is given)` },
    ]);
  }
  return parsed.number;
}
