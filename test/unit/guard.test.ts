import { expect } from 'chai';
import type { Request, RequestHandler } from 'express';
import type { Actor } from '../../server/core/actor';
import { allow, allowPublicQueue, assertDoctorScope } from '../../server/auth/guard';

const D1 = '11111111-1111-4111-8111-111111111111';
const D2 = '22222222-2222-4222-8222-222222222222';
const user = (role: 'admin' | 'reception' | 'doctor', doctor_id: string | null = null): Actor => ({
  type: 'user',
  id: 'u',
  role,
  doctor_id,
  email: 'x@y.z',
});
const screen: Actor = { type: 'screen', id: 's', doctor_ids: [D1], site_id: null };
const key = (...scopes: Extract<Actor, { type: 'api_key' }>['scopes']): Actor => ({
  type: 'api_key',
  id: 'k',
  scopes,
  source: 'phone_agent',
  label: 'agent',
});

/** Runs a guard on a fake request; returns the status of the error it passed on, or 'next'. */
function run(guard: RequestHandler, actor: Actor | undefined, params: Record<string, string> = {}): number | 'next' {
  let out: number | 'next' = 'next';
  guard({ actor, params } as unknown as Request, {} as never, (err?: unknown) => {
    if (err) out = (err as { status: number }).status;
  });
  return out;
}

describe('route guards', () => {
  it('when allow() lists roles, then admin and those roles pass, others get 403, screens 403, anonymous 401', () => {
    const g = allow('reception');
    expect(run(g, user('admin'))).to.equal('next');
    expect(run(g, user('reception'))).to.equal('next');
    expect(run(g, user('doctor', D1))).to.equal(403);
    expect(run(g, screen)).to.equal(403);
    expect(run(g, undefined)).to.equal(401);
  });

  it('when an API key calls, then it passes only where the route adds its scope (403 INSUFFICIENT_SCOPE otherwise)', () => {
    expect(run(allow('reception'), key('appointments:write'))).to.equal(403);
    expect(run(allow('reception').orScope('appointments:write'), key('appointments:write'))).to.equal('next');
    expect(run(allow('reception').orScope('appointments:write'), key('appointments:read', 'doctors:read'))).to.equal(403);
    expect(run(allow('reception').orScope('appointments:write'), user('reception'))).to.equal('next');
    expect(run(allow('reception').orScope('appointments:write'), user('doctor', D1))).to.equal(403);
    expect(run(allow('reception').orScope('appointments:write'), screen)).to.equal(403);
    expect(run(allowPublicQueue(), key('queue:read'), { id: D1 })).to.equal('next');
    expect(run(allowPublicQueue(), key('doctors:read'), { id: D1 })).to.equal(403);
  });

  it('when the public queue is asked, then any staff user passes and a screen only for its own doctors', () => {
    const g = allowPublicQueue();
    for (const a of [user('admin'), user('reception'), user('doctor', D2)]) expect(run(g, a, { id: D1 })).to.equal('next');
    expect(run(g, screen, { id: D1 })).to.equal('next');
    expect(run(g, screen, { id: D1.toUpperCase() })).to.equal('next');
    expect(run(g, screen, { id: D2 })).to.equal(403);
    expect(run(g, undefined, { id: D1 })).to.equal(401);
  });

  it('when a doctor acts on another doctor, then FORBIDDEN_DOCTOR; own doctor and other roles pass', () => {
    expect(() => assertDoctorScope(user('doctor', D1), D1)).not.to.throw();
    expect(() => assertDoctorScope(user('reception'), D2)).not.to.throw();
    expect(() => assertDoctorScope(user('doctor', D1), D2))
      .to.throw()
      .with.property('code', 'FORBIDDEN_DOCTOR');
  });
});
