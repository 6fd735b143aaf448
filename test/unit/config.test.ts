import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/core/config';

describe('config', () => {
  it('when the environment is empty, then the documented defaults apply', () => {
    const c = loadConfig({});
    expect(c).to.include({
      port: 3000,
      clinicTimezone: 'UTC',
      defaultPhoneRegion: 'IN',
      logLevel: 'info',
      bookingHorizonDays: 90,
      dbAcquireTimeoutMs: 3000,
    });
    expect(c.databaseUrl).to.equal(undefined);
  });

  it('when several values are bad, then one error names each of them', () => {
    try {
      loadConfig({ PORT: 'abc', CLINIC_TIMEZONE: 'Mars/Base', DEFAULT_PHONE_REGION: 'XX', JWT_SECRET: 'short' });
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const text = (err as ConfigError).problems.join('\n');
      for (const key of ['PORT', 'CLINIC_TIMEZONE', 'DEFAULT_PHONE_REGION', 'JWT_SECRET']) expect(text).to.include(key);
    }
  });

  it('when values are good, then they are typed', () => {
    const c = loadConfig({
      PORT: '8080',
      CLINIC_TIMEZONE: 'Asia/Kolkata',
      DEFAULT_PHONE_REGION: 'br',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(c).to.include({ port: 8080, clinicTimezone: 'Asia/Kolkata', defaultPhoneRegion: 'BR' });
    expect(c.corsOrigins).to.deep.equal(['https://a.example', 'https://b.example']);
  });

  it('when TRUST_PROXY is a hop count, addresses, subnets or names, then Express gets it; anything else is refused', () => {
    expect(loadConfig({}).trustProxy).to.deep.equal(['loopback']);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).to.equal(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 192.168.0.0/16, ::1, fd00::/8, uniquelocal' }).trustProxy).to.deep.equal([
      '10.0.0.5',
      '192.168.0.0/16',
      '::1',
      'fd00::/8',
      'uniquelocal',
    ]);
    for (const bad of ['nginx', '10.0.0.0/33', '10.0.0.1/8/1', 'true', ',']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).to.throw(ConfigError, /TRUST_PROXY/);
    }
  });
});
