import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import type { Role } from '../core/actor';
import { createSql, statement } from '../core/sql';
import type { AccountForAuth } from '../auth/authenticate';
import { User, toUserDto, type UserDto } from './user.model';

export interface NewUser {
  email: string;
  password_hash: string;
  role: Role;
  doctor_id: string | null;
}
export interface UserChanges {
  role?: Role;
  doctor_id?: string | null;
  is_active?: boolean;
  password_hash?: string;
}

const ACCOUNT_FOR_AUTH = statement('SELECT id, email, role, doctor_id, is_active FROM users WHERE id = $id');

/** Storage of staff accounts; returns plain objects. E-mails are compared lower-cased. */
export function createUserRepository(sequelize: Sequelize) {
  const users = sequelize.getRepository(User);
  const sql = createSql(sequelize);
  return {
    /** Inserts (inside `t` when given); returns `'email_taken'` when the lower-cased e-mail exists already. */
    async create(u: NewUser, t?: Transaction): Promise<UserDto | 'email_taken'> {
      try {
        return toUserDto(await users.create({ ...u, email: u.email.toLowerCase() }, { transaction: t }));
      } catch (err) {
        if (err instanceof UniqueConstraintError) return 'email_taken';
        throw err;
      }
    },

    async findById(id: string): Promise<UserDto | null> {
      const u = await users.findByPk(id);
      return u ? toUserDto(u) : null;
    },

    /** The account and its password hash, for login. */
    async findForLogin(email: string): Promise<(AccountForAuth & { password_hash: string }) | null> {
      const u = await users.findOne({ where: { email: email.toLowerCase() } });
      return u
        ? { id: u.id, email: u.email, role: u.role, doctor_id: u.doctor_id, is_active: u.is_active, password_hash: u.password_hash }
        : null;
    },

    /** The account behind a token's `sub`; one prepared primary-key read per authenticated request. */
    async findForAuth(id: string): Promise<AccountForAuth | null> {
      const [u] = await sql.prepared<AccountForAuth>(ACCOUNT_FOR_AUTH, { id });
      return u ?? null;
    },

    /** Locks and returns the account row inside `t` (for read-modify-write). */
    async lockById(id: string, t: Transaction): Promise<UserDto | null> {
      const u = await users.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
      return u ? toUserDto(u) : null;
    },

    /** Ids of the active admins, locked, so that two requests cannot both remove "the other" last admin. */
    async lockActiveAdminIds(t: Transaction): Promise<string[]> {
      const rows = await users.findAll({
        where: { role: 'admin', is_active: true },
        attributes: ['id'],
        transaction: t,
        lock: t.LOCK.UPDATE,
      });
      return rows.map((r) => r.id);
    },

    async update(id: string, changes: UserChanges, t: Transaction): Promise<UserDto> {
      const [, [u]] = await users.update(changes, { where: { id }, returning: true, transaction: t });
      return toUserDto(u);
    },

    async list(params: { role?: Role; is_active?: boolean; limit: number; offset: number }): Promise<{ rows: UserDto[]; total: number }> {
      const where: Record<string, unknown> = {};
      if (params.role) where.role = params.role;
      if (params.is_active !== undefined) where.is_active = params.is_active;
      const { rows, count } = await users.findAndCountAll({ where, order: [['email', 'ASC']], limit: params.limit, offset: params.offset });
      return { rows: rows.map(toUserDto), total: count };
    },

    /** How many accounts exist (inside `t` when given). */
    async count(t?: Transaction): Promise<number> {
      return users.count({ transaction: t });
    },
  };
}
export type UserRepository = ReturnType<typeof createUserRepository>;
