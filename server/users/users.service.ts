import type { Role } from '../core/actor';
import { BadRequest, Conflict, NotFound, Unprocessable } from '../core/errors';
import { page } from '../core/schemas';
import type { Transactor } from '../core/transaction';
import { hashPassword } from '../auth/passwords';
import type { DoctorRepository } from '../doctors/doctors.repository';
import type { UserDto } from './user.model';
import type { UserChanges, UserRepository } from './users.repository';

export interface NewUserInput {
  email: string;
  password: string;
  role: Role;
  doctor_id?: string | null;
}
export interface UserPatch {
  role?: Role;
  doctor_id?: string | null;
  is_active?: boolean;
  password?: string;
}

/** What the users service needs; `closeSockets` ends an account's live connections on every instance. */
export interface UsersDeps {
  repo: UserRepository;
  doctors: Pick<DoctorRepository, 'existing'>;
  tx: Transactor;
  closeSockets(actor: { type: 'user'; id: string }): Promise<void>;
}

const notFound = () => new NotFound('No user with this id', 'USER_NOT_FOUND');

/** Staff accounts. */
export function createUsersService({ repo, doctors, tx, closeSockets }: UsersDeps) {
  /** A doctor account needs a doctor; other roles never carry one. @throws BadRequest · Unprocessable `DOCTOR_NOT_FOUND` */
  async function checkDoctorLink(role: Role, doctorId: string | null): Promise<void> {
    if (role === 'doctor' && !doctorId) {
      throw new BadRequest('body.doctor_id: required when role is doctor', [
        { path: 'body.doctor_id', message: 'required when role is doctor' },
      ]);
    }
    if (role !== 'doctor' && doctorId) {
      throw new BadRequest('body.doctor_id: only doctor accounts are linked to a doctor', [
        { path: 'body.doctor_id', message: 'only allowed when role is doctor' },
      ]);
    }
    if (doctorId && !(await doctors.existing([doctorId])).length)
      throw new Unprocessable('DOCTOR_NOT_FOUND', 'No doctor with this doctor_id');
  }

  return {
    /**
     * Creates a staff account; the password is hashed with Argon2id, the e-mail stored lower-cased.
     * @throws BadRequest doctor link missing/misplaced · Unprocessable `DOCTOR_NOT_FOUND` · Conflict `EMAIL_TAKEN` (any case)
     */
    async create(input: NewUserInput): Promise<UserDto> {
      const doctorId = input.doctor_id ?? null;
      await checkDoctorLink(input.role, doctorId);
      const created = await repo.create({
        email: input.email,
        password_hash: await hashPassword(input.password),
        role: input.role,
        doctor_id: doctorId,
      });
      if (created === 'email_taken') throw new Conflict('EMAIL_TAKEN', 'An account with this e-mail exists already');
      return created;
    },

    /**
     * Changes role, doctor link, activity or password. Moving away from `doctor` drops the doctor link.
     * Deactivating a user makes their tokens fail on the next request (accounts are looked up per request);
     * a deactivation, or a change of role, doctor or password, also closes the account's live sockets (it may
     * reconnect, and is authenticated afresh, if still active).
     * @throws NotFound `USER_NOT_FOUND` · BadRequest · Unprocessable `DOCTOR_NOT_FOUND` · Conflict `LAST_ADMIN` when no
     *   active admin would remain
     */
    async update(id: string, patch: UserPatch): Promise<UserDto> {
      const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
      const user = await tx(async (t) => {
        const admins = await repo.lockActiveAdminIds(t);
        const current = await repo.lockById(id, t);
        if (!current) throw notFound();
        const role = patch.role ?? current.role;
        const doctorId = role !== 'doctor' ? null : patch.doctor_id !== undefined ? patch.doctor_id : current.doctor_id;
        if (patch.doctor_id !== undefined || patch.role !== undefined) {
          await checkDoctorLink(role, role === 'doctor' ? doctorId : (patch.doctor_id ?? null));
        }
        const isActive = patch.is_active ?? current.is_active;
        const staysAdmin = role === 'admin' && isActive;
        if (admins.includes(id) && !staysAdmin && admins.length === 1) {
          throw new Conflict('LAST_ADMIN', 'This is the last active admin; make another admin first');
        }
        const changes: UserChanges = { role, doctor_id: doctorId, is_active: isActive };
        if (passwordHash) changes.password_hash = passwordHash;
        return repo.update(id, changes, t);
      });
      if (patch.is_active === false || patch.role !== undefined || patch.doctor_id !== undefined || patch.password !== undefined) {
        await closeSockets({ type: 'user', id: user.id });
      }
      return user;
    },

    /** @throws NotFound `USER_NOT_FOUND` */
    async get(id: string): Promise<UserDto> {
      const u = await repo.findById(id);
      if (!u) throw notFound();
      return u;
    },

    /** Lists accounts ordered by e-mail, optionally by role and activity: `{data, total, limit, offset}`. */
    async list(params: { role?: Role; is_active?: boolean; limit: number; offset: number }) {
      const { rows, total } = await repo.list(params);
      return page(rows, total, params.limit, params.offset);
    },
  };
}
export type UsersService = ReturnType<typeof createUsersService>;
