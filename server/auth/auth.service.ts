import type { Role } from '../core/actor';
import { Unauthorized } from '../core/errors';
import type { AccountForAuth } from './authenticate';
import { verifyPassword } from './passwords';
import { signStaffToken } from './tokens';

/** The body of a successful login. `expires_in` is in seconds. */
export interface LoginResult {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  user: { id: string; email: string; role: Role; doctor_id: string | null };
}

/** What login needs: the account and its password hash by e-mail (any case), and the token settings. */
export interface LoginDeps {
  findForLogin(email: string): Promise<(AccountForAuth & { password_hash: string }) | null>;
  jwtSecret: string;
  /** Staff token lifetime, seconds. */
  jwtTtlSeconds: number;
}

/** Login: checks credentials and issues staff tokens. */
export function createAuthService(deps: LoginDeps) {
  return {
    /**
     * Checks an e-mail (any case) and password and issues an HS256 staff token valid `jwtTtlSeconds`.
     * Unknown e-mail, wrong password and deactivated account all fail the same way, in about the same time.
     * @throws Unauthorized `INVALID_CREDENTIALS` (401)
     */
    async login(email: string, password: string): Promise<LoginResult> {
      const account = await deps.findForLogin(email);
      const ok = await verifyPassword(account?.password_hash ?? null, password);
      if (!account || !ok || !account.is_active) throw new Unauthorized('The e-mail or password is incorrect', 'INVALID_CREDENTIALS');
      const token = await signStaffToken(deps.jwtSecret, account.id, account.role, deps.jwtTtlSeconds);
      return {
        ...token,
        token_type: 'Bearer',
        user: { id: account.id, email: account.email, role: account.role, doctor_id: account.doctor_id },
      };
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
