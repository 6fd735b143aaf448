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

  it('when DATABASE_URL is set, then METRICS_TOKEN is required unless METRICS_PUBLIC=true', () => {
    const db = { DATABASE_URL: 'postgres://clinic:secret@db:5432/clinic' };
    expect(() => loadConfig(db)).to.throw(ConfigError, /METRICS_TOKEN.*METRICS_PUBLIC=true/);
    expect(() => loadConfig({ ...db, METRICS_PUBLIC: 'false' })).to.throw(ConfigError, /METRICS_TOKEN/);
    expect(loadConfig({ ...db, METRICS_TOKEN: 'scrape-token-0123456789' }).metricsToken).to.equal('scrape-token-0123456789');
    expect(loadConfig({ ...db, METRICS_PUBLIC: 'true' }).metricsPublic).to.equal(true);
    expect(loadConfig({}).metricsPublic, 'the embedded default needs neither').to.equal(false);
  });

  it('when HTTP timeouts are unset, then 30 s per request, 15 s for headers (never above the request timeout), 5 s keep-alive; headers may not outlast the request', () => {
    expect(loadConfig({})).to.include({ httpRequestTimeoutMs: 30000, httpHeadersTimeoutMs: 15000, httpKeepAliveTimeoutMs: 5000 });
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '500' })).to.include({
      httpRequestTimeoutMs: 1000,
      httpHeadersTimeoutMs: 500,
    });
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '10000' }).httpHeadersTimeoutMs, 'the default never exceeds the request timeout').to.equal(
      10000,
    );
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).to.throw(ConfigError, /HTTP_HEADERS_TIMEOUT_MS/);
  });
});
