import type { Sequelize } from 'sequelize-typescript';
import { runPrepared, statement } from '../core/sql';

const ACCOUNT_FOR_AUTH = statement('SELECT id, email, role, doctor_id, is_active FROM users WHERE id = $id');
import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { Role } from '../auth/guard';
import { User, toUserDto, type UserDto } from './user.model';

/** What the authentication middleware needs to know about an account, per request. */
export interface AccountForAuth { id: string; email: string; role: Role; doctor_id: string | null; is_active: boolean }

export interface NewUser { email: string; password_hash: string; role: Role; doctor_id: string | null }
export interface UserChanges { role?: Role; doctor_id?: string | null; is_active?: boolean; password_hash?: string }

/** Storage of staff accounts; returns plain objects. E-mails are compared lower-cased. */
export const userRepository = {
  /** Inserts; returns `'email_taken'` when the lower-cased e-mail exists already. */
  async create(u: NewUser): Promise<UserDto | 'email_taken'> {
    try {
      return toUserDto(await User.create({ ...u, email: u.email.toLowerCase() }));
    } catch (err) {
      if (err instanceof UniqueConstraintError) return 'email_taken';
      throw err;
    }
  },

  async findById(id: string): Promise<UserDto | null> {
    const u = await User.findByPk(id);
    return u ? toUserDto(u) : null;
  },

  /** The account and its password hash, for login. */
  async findForLogin(email: string): Promise<(AccountForAuth & { password_hash: string }) | null> {
    const u = await User.findOne({ where: { email: email.toLowerCase() } });
    return u ? { id: u.id, email: u.email, role: u.role, doctor_id: u.doctor_id, is_active: u.is_active, password_hash: u.password_hash } : null;
  },

  /** The account behind a token's `sub`; one primary-key read per authenticated request. */
  async findForAuth(id: string): Promise<AccountForAuth | null> {
    // Runs on every authenticated request: a plain query, no model instance.
    const [u] = await runPrepared<AccountForAuth>(User.sequelize as Sequelize, ACCOUNT_FOR_AUTH, { id });
    return u ?? null;
  },

  /** Locks and returns the account row inside `transaction` (for read-modify-write). */
  async lockById(id: string, transaction: Transaction): Promise<UserDto | null> {
    const u = await User.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
    return u ? toUserDto(u) : null;
  },

  /** Ids of the active admins, locked, so that two requests cannot both remove "the other" last admin. */
  async lockActiveAdminIds(transaction: Transaction): Promise<string[]> {
    const rows = await User.findAll({ where: { role: 'admin', is_active: true }, attributes: ['id'], transaction, lock: transaction.LOCK.UPDATE });
    return rows.map((r) => r.id);
  },

  async update(id: string, changes: UserChanges, transaction: Transaction): Promise<UserDto> {
    const [, [u]] = await User.update(changes, { where: { id }, returning: true, transaction });
    return toUserDto(u);
  },

  async list(params: { role?: Role; is_active?: boolean; limit: number; offset: number }): Promise<{ rows: UserDto[]; total: number }> {
    const where: Record<string, unknown> = {};
    if (params.role) where.role = params.role;
    if (params.is_active !== undefined) where.is_active = params.is_active;
    const { rows, count } = await User.findAndCountAll({ where, order: [['email', 'ASC']], limit: params.limit, offset: params.offset });
    return { rows: rows.map(toUserDto), total: count };
  },

  async count(): Promise<number> {
    return User.count();
  },
};
export type UserRepository = typeof userRepository;
