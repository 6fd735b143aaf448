import { expect } from 'chai';
import { redact } from '../../server/core/logger';

describe('redact', () => {
  it('when an object holds PHI keys, then their values are masked at any depth', () => {
    const out = redact({ patient: { first_name: 'Asha', phone: '+919812345678', id: 'p1' }, list: [{ email: 'a@b.c' }] });
    expect(out).to.deep.equal({ patient: { first_name: '[REDACTED]', phone: '[REDACTED]', id: 'p1' }, list: [{ email: '[REDACTED]' }] });
  });

  it('when free text carries an e-mail or phone number, then they are masked', () => {
    expect(redact('call +91 98123 45678 or mail x.y@example.org')).to.equal('call [REDACTED] or mail [REDACTED]');
  });

  it('when a value is a bare UUID (a request or row id), then it is kept even if its digits look like a phone', () => {
    expect(redact({ request_id: 'f5c47285-27cf-4422-9714-237c3d713f0a' })).to.deep.equal({
      request_id: 'f5c47285-27cf-4422-9714-237c3d713f0a',
    });
  });
});
