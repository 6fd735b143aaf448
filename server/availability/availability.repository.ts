import { Op, type Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSql } from '../core/sql';
import { DoctorAvailability } from './availability.model';

/** A stored day override, as the rules read it. */
export interface OverrideRow {
  date: string;
  is_present: boolean;
  capacity: number | null;
  notes: string | null;
  updated_by: string | null;
  updated_at: Date;
}

/** Storage of day overrides (`doctor_availability`); returns plain objects. */
export function createAvailabilityRepository(sequelize: Sequelize) {
  const overrides = sequelize.getRepository(DoctorAvailability);
  const sql = createSql(sequelize);
  return {
    /** Overrides of a doctor from `from` to `to` inclusive, by date. */
    async between(doctorId: string, from: string, to: string): Promise<OverrideRow[]> {
      const rows = await overrides.findAll({
        where: { doctor_id: doctorId, date: { [Op.between]: [from, to] } },
        order: [['date', 'ASC']],
      });
      return rows.map((r) => ({
        date: r.date,
        is_present: r.is_present,
        capacity: r.capacity,
        notes: r.notes,
        updated_by: r.updated_by,
        updated_at: r.updated_at,
      }));
    },

    /** Upserts a day's override inside `t`; `inserted` tells a new row from a changed one. */
    async upsert(
      p: { doctorId: string; date: string; isPresent: boolean; capacity: number | null; notes: string | null; actorId: string | null },
      t: Transaction,
    ): Promise<OverrideRow & { inserted: boolean }> {
      const [row] = await sql.query<OverrideRow & { inserted: boolean }>(
        `INSERT INTO doctor_availability (doctor_id, date, is_present, capacity, notes, updated_by)
         VALUES ($doctorId, $date, $isPresent, $capacity, $notes, $actorId)
         ON CONFLICT (doctor_id, date) DO UPDATE SET is_present = EXCLUDED.is_present, capacity = EXCLUDED.capacity,
           notes = EXCLUDED.notes, updated_by = EXCLUDED.updated_by, updated_at = now()
         RETURNING to_char(date, 'YYYY-MM-DD') AS date, is_present, capacity, notes, updated_by, updated_at, (xmax = 0) AS inserted`,
        p,
        t,
      );
      return row;
    },
  };
}
export type AvailabilityRepository = ReturnType<typeof createAvailabilityRepository>;
