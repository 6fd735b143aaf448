import { expect } from 'chai';
import { mapDatabaseError } from '../../server/core/db-errors';
import { AppError } from '../../server/core/errors';

/** A pg error as Sequelize wraps it: the SQLSTATE on `parent`/`original`. */
const pgError = (code: string, message: string) => Object.assign(new Error(message), { parent: { code }, original: { code } });

describe('mapDatabaseError', () => {
  it('when PostgreSQL cannot read a value as its type (22P02, 22007, 22008), then 400 VALIDATION_ERROR without the database text', () => {
    for (const [code, text] of [
      ['22P02', 'invalid input syntax for type uuid: "[5b1e6c1e-8a57-4c43-9d8f-2f8b1f0c0d11]"'],
      ['22007', 'invalid input syntax for type date: "2026-1-1x"'],
      ['22008', 'date/time field value out of range: "0000-01-01"'],
    ]) {
      const mapped = mapDatabaseError(pgError(code, text));
      expect(mapped, code).to.be.instanceOf(AppError);
      expect(mapped, code).to.include({ status: 400, code: 'VALIDATION_ERROR' });
      expect((mapped as AppError).message, code).not.to.include('invalid input');
    }
  });

  it('when the error is something else, then it is left for the 500 path', () => {
    const other = pgError('42703', 'column "nope" does not exist');
    expect(mapDatabaseError(other)).to.equal(other);
  });
});
