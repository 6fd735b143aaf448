import { randomBytes } from 'node:crypto';
import type { Sequelize } from 'sequelize-typescript';
import type { Role } from '../core/actor';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { hashPassword } from '../auth/passwords';
import type { DoctorRepository } from '../doctors/doctors.repository';
import type { UserRepository } from './users.repository';

/** An account created at start-up, with the password to print once. */
export interface BootstrapAccount {
  email: string;
  role: Role;
  password: string;
  doctor_code?: string;
}

/** Same key for every instance, so that two instances starting together bootstrap once. */
const BOOTSTRAP_LOCK_KEY = 724_311_002;
/** The seeded demo doctor the demo doctor account is linked to (see seeders/). */
const DEMO_DOCTOR_CODE = 'DR_A';

/** What {@link bootstrapAccounts} needs. */
export interface BootstrapDeps {
  sequelize: Sequelize;
  users: UserRepository;
  doctors: Pick<DoctorRepository, 'findByCodeOrFirstActive'>;
  config: Pick<Config, 'adminEmail' | 'adminPassword'>;
  logger: Logger;
}

/**
 * Creates the first accounts when the users table is empty, under an advisory lock:
 * - `ADMIN_EMAIL` + `ADMIN_PASSWORD` set → that admin;
 * - else, with `demo` (the embedded default) → admin, reception and a doctor (linked to DR_A, or the
 *   first active doctor), each with a random password;
 * - else → nothing, and a warning that no one can log in.
 * Returns the accounts created with the passwords as given or generated (empty when users existed).
 * @throws Error when only one of ADMIN_EMAIL / ADMIN_PASSWORD is set.
 */
export async function bootstrapAccounts(
  { sequelize, users, doctors, config, logger }: BootstrapDeps,
  demo: boolean,
): Promise<BootstrapAccount[]> {
  if (!!config.adminEmail !== !!config.adminPassword) throw new Error('Set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither');
  return sequelize.transaction(async (transaction) => {
    await sequelize.query('SELECT pg_advisory_xact_lock($key)', { bind: { key: BOOTSTRAP_LOCK_KEY }, transaction });
    if ((await users.count(transaction)) > 0) return [];
    const wanted: BootstrapAccount[] = [];
    let doctorId: string | null = null;
    if (config.adminEmail && config.adminPassword) {
      wanted.push({ email: config.adminEmail.toLowerCase(), role: 'admin', password: config.adminPassword });
    } else if (demo) {
      const password = () => randomBytes(12).toString('base64url');
      wanted.push({ email: 'admin@clinic.local', role: 'admin', password: password() });
      wanted.push({ email: 'reception@clinic.local', role: 'reception', password: password() });
      const doctor = await doctors.findByCodeOrFirstActive(DEMO_DOCTOR_CODE, transaction);
      if (doctor) {
        doctorId = doctor.id;
        wanted.push({ email: 'doctor@clinic.local', role: 'doctor', password: password(), doctor_code: doctor.code });
      }
    } else {
      logger.warn('no staff account exists and none was created: set ADMIN_EMAIL and ADMIN_PASSWORD, then restart');
      return [];
    }
    for (const a of wanted) {
      const hash = await hashPassword(a.password);
      await users.create(
        { email: a.email, password_hash: hash, role: a.role, doctor_id: a.role === 'doctor' ? doctorId : null },
        transaction,
      );
    }
    logger.info('bootstrap accounts created', { accounts: wanted.map((a) => ({ role: a.role })) });
    return wanted;
  });
}
