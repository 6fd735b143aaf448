import type { RequestHandler } from 'express';
import { QueryTypes } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { Forbidden } from '../core/errors';

/** True when the patient has a (not cancelled) appointment with the doctor, on any day. */
export async function doctorHasPatient(sequelize: Sequelize, doctorId: string, patientId: string): Promise<boolean> {
  const rows = await sequelize.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM appointments WHERE patient_id = :patientId AND doctor_id = :doctorId AND status <> 'cancelled') AS ok`,
    { replacements: { patientId, doctorId }, type: QueryTypes.SELECT },
  );
  return rows[0]?.ok === true;
}

/**
 * Doctor scope for `/patients/:id`: a user with role `doctor` may read a patient only when that patient
 * has an appointment with them; other roles pass. Runs after validation (the id is a UUID by then).
 * @throws Forbidden `FORBIDDEN_DOCTOR`
 */
export function doctorSeesOwnPatients(sequelize: Sequelize): RequestHandler {
  return async (req, _res, next) => {
    const actor = req.actor;
    if (actor?.type === 'user' && actor.role === 'doctor') {
      if (!actor.doctor_id || !(await doctorHasPatient(sequelize, actor.doctor_id, String(req.params.id)))) {
        return next(new Forbidden('You may only read patients who have an appointment with you', 'FORBIDDEN_DOCTOR'));
      }
    }
    next();
  };
}
