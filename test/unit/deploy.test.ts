import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';

// No Docker engine runs here: these tests check what can be checked without one.
const root = path.resolve(__dirname, '..', '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string; interval?: string };
}

describe('deployment files', () => {
  describe('docker-compose.yml', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, Service>;
      volumes: Record<string, unknown>;
    };
    const { services } = compose;

    it('when parsed, then it has PostgreSQL 17, two app replicas and a proxy', () => {
      expect(services).to.include.keys('db', 'app', 'app2', 'proxy');
      expect(services.db.image).to.match(/^postgres:17(\b|$)/);
      expect(services.proxy.image).to.match(/^nginx:/);
      for (const name of ['app', 'app2']) expect(services[name].build, `${name} builds the Dockerfile`).to.equal('.');
    });

    it('when parsed, then the database keeps its data in a named volume and has a pg_isready health check', () => {
      expect(compose.volumes).to.have.property('pgdata');
      expect(services.db.volumes).to.include('pgdata:/var/lib/postgresql/data');
      expect(JSON.stringify(services.db.healthcheck!.test)).to.include('pg_isready');
    });

    it('when parsed, then each app waits for a healthy database, fans Socket.IO out through PostgreSQL and is checked on /ready', () => {
      for (const name of ['app', 'app2']) {
        const app = services[name];
        expect(app.depends_on, name).to.deep.include({ db: { condition: 'service_healthy' } });
        expect(app.environment, name).to.include({ SOCKET_ADAPTER: 'postgres', PORT: '3000', TRUST_PROXY: 'loopback,uniquelocal' });
        expect(app.environment!.DATABASE_URL, name).to.match(/^postgres:\/\/[^@]+@db:5432\/clinic$/);
        expect(app.environment!.JWT_SECRET, `${name} needs a real secret`).to.match(/^\$\{JWT_SECRET:\?/);
        expect(JSON.stringify(app.healthcheck!.test), name).to.include('/ready');
        expect(app.ports, `${name} is reached through the proxy only`).to.equal(undefined);
      }
    });

    it('when parsed, then only the proxy publishes a port and it waits for healthy apps', () => {
      expect(services.proxy.ports).to.deep.equal(['8080:80']);
      expect(services.proxy.depends_on).to.deep.equal({ app: { condition: 'service_healthy' }, app2: { condition: 'service_healthy' } });
      expect(services.proxy.volumes!.some((v) => v.startsWith('./deploy/nginx.conf:'))).to.equal(true);
    });
  });

  describe('deploy/nginx.conf', () => {
    const conf = read('deploy/nginx.conf').replace(/#.*$/gm, '');
    const seconds = (directive: string) => Number(new RegExp(`${directive}\\s+(\\d+)s;`).exec(conf)?.[1]);

    it('when read, then both replicas are upstreams with ip_hash stickiness', () => {
      expect(conf).to.match(/upstream\s+clinic_app\s*\{[^}]*ip_hash;[^}]*server\s+app:3000[^}]*server\s+app2:3000/);
    });

    it('when read, then WebSocket upgrade headers are passed over HTTP/1.1', () => {
      expect(conf).to.match(/proxy_http_version\s+1\.1;/);
      expect(conf).to.match(/proxy_set_header\s+Upgrade\s+\$http_upgrade;/);
      expect(conf).to.match(/proxy_set_header\s+Connection\s+\$connection_upgrade;/);
      expect(conf).to.match(/map\s+\$http_upgrade\s+\$connection_upgrade/);
    });

    it("when read, then proxy timeouts exceed Socket.IO's pingInterval + pingTimeout (45 s)", () => {
      expect(seconds('proxy_read_timeout')).to.be.greaterThan(45);
      expect(seconds('proxy_send_timeout')).to.be.greaterThan(45);
    });
  });

  describe('Dockerfile', () => {
    const dockerfile = read('Dockerfile');
    const lines = dockerfile.split('\n').map((l) => l.trim());
    const runtime = dockerfile.slice(dockerfile.indexOf(' AS runtime'));

    it('when read, then it builds in one stage and runs from a second with production dependencies only', () => {
      expect(lines.filter((l) => /^FROM\s/.test(l))).to.have.length(2);
      expect(dockerfile).to.match(/^FROM node:\S+ AS build$/m);
      expect(dockerfile).to.match(/^FROM node:\S+ AS runtime$/m);
      expect(runtime).to.match(/npm ci --omit=dev/);
      expect(runtime).to.match(/COPY --from=build \/app\/dist\/server/);
      expect(runtime, 'no sources or tests in the runtime image').not.to.match(/COPY (server|test)\b/);
    });

    it('when read, then the runtime runs as a non-root user with a HEALTHCHECK on /ready', () => {
      expect(runtime).to.match(/^USER node$/m);
      expect(runtime).to.match(/^HEALTHCHECK [\s\S]*\/ready/m);
      expect(runtime).to.match(/^CMD \["node", "dist\/server\/main\.js"\]$/m);
    });

    it('when the build runs, then non-TypeScript assets under server/ are copied into dist', () => {
      expect(JSON.parse(read('package.json')).scripts.build).to.include('copy-assets');
      expect(dockerfile).to.match(/COPY scripts \.\/scripts/);
      expect(dockerfile).to.match(/RUN npm run build/);
    });
  });
});
