import type { Config } from '../core/config';
import { Unauthorized } from '../core/errors';
import { userRepository } from '../users/users.repository';
import type { Role } from './guard';
import { verifyPassword } from './passwords';
import { signStaffToken } from './tokens';

/** The body of a successful login. `expires_in` is in seconds. */
export interface LoginResult {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  user: { id: string; email: string; role: Role; doctor_id: string | null };
}

/**
 * Checks an e-mail (any case) and password and issues an HS256 staff token valid `config.jwtTtlSeconds`.
 * Unknown e-mail, wrong password and deactivated account all fail the same way, in about the same time.
 * @throws Unauthorized `INVALID_CREDENTIALS` (401)
 */
export async function login(config: Pick<Config, 'jwtSecret' | 'jwtTtlSeconds'>, email: string, password: string): Promise<LoginResult> {
  const account = await userRepository.findForLogin(email);
  const ok = await verifyPassword(account?.password_hash ?? null, password);
  if (!account || !ok || !account.is_active) throw new Unauthorized('The e-mail or password is incorrect', 'INVALID_CREDENTIALS');
  const token = await signStaffToken(config.jwtSecret!, account.id, account.role, config.jwtTtlSeconds);
  return {
    ...token,
    token_type: 'Bearer',
    user: { id: account.id, email: account.email, role: account.role, doctor_id: account.doctor_id },
  };
}
