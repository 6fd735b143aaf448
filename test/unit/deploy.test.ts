import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';

// What can be checked without a Docker engine; test/deploy (npm run test:deploy) runs these files for real.
const root = path.resolve(__dirname, '..', '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

/** Compose's interpolation of `${VAR}`, `${VAR:-default}` and `${VAR:?message}`, against `env`. */
function interpolate(value: string, env: Record<string, string> = {}): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (env[name]) return env[name];
    if (op === '-') return arg!;
    if (op === '?') throw new Error(`${name} is required: ${arg}`);
    return '';
  });
}

/** Whether an IPv4 address lies in a CIDR subnet. */
function inSubnet(address: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = (ip: string) => ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(address) / size) === Math.floor(n(base) / size);
}

interface Service {
  image?: string;
  build?: { context: string; args: Record<string, string> };
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  networks?: Record<string, { ipv4_address: string }> | string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string; interval?: string };
}

describe('deployment files', () => {
  const dockerfile = read('Dockerfile');
  const nodeImageDefault = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];

  describe('docker-compose.yml', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, Service>;
      volumes: Record<string, unknown>;
      networks: { clinic: { ipam: { config: Array<{ subnet: string; ip_range: string }> } } };
    };
    const { services } = compose;
    const address = (service: string, env?: Record<string, string>) =>
      interpolate((services[service].networks as Record<string, { ipv4_address: string }>).clinic.ipv4_address, env);
    const ipam = compose.networks.clinic.ipam.config[0];

    it('when parsed, then it has PostgreSQL 17, two app replicas and nginx, public images by default and replaceable', () => {
      expect(services).to.include.keys('db', 'app', 'app2', 'proxy');
      expect(interpolate(services.db.image!)).to.match(/^postgres:17(\b|$)/);
      expect(interpolate(services.proxy.image!)).to.match(/^nginx:/);
      expect(interpolate(services.db.image!, { POSTGRES_IMAGE: 'clinic-local/postgres:17' })).to.equal('clinic-local/postgres:17');
      expect(interpolate(services.proxy.image!, { NGINX_IMAGE: 'clinic-local/nginx:1.26' })).to.equal('clinic-local/nginx:1.26');
    });

    it("when parsed, then app builds the Dockerfile with NODE_IMAGE (the Dockerfile's default by default) and app2 runs that image, never pulled", () => {
      expect(nodeImageDefault).to.match(/^node:20/);
      const build = services.app.build!;
      expect(build.context).to.equal('.');
      expect(interpolate(build.args.NODE_IMAGE), 'NODE_IMAGE default').to.equal(nodeImageDefault);
      expect(interpolate(build.args.NODE_IMAGE, { NODE_IMAGE: 'clinic-local/node:20' })).to.equal('clinic-local/node:20');
      // One build: two would give two image ids (compose labels each with its service) under one tag.
      expect(services.app2.build).to.equal(undefined);
      expect(services.app2.image).to.equal(services.app.image);
      expect((services.app2 as { pull_policy?: string }).pull_policy, 'a public image of that name is never pulled').to.equal('never');
    });

    it('when parsed, then the database keeps its data in a named volume and has a pg_isready health check', () => {
      expect(compose.volumes).to.have.property('pgdata');
      expect(services.db.volumes).to.include('pgdata:/var/lib/postgresql/data');
      expect(JSON.stringify(services.db.healthcheck!.test)).to.include('pg_isready');
    });

    it("when parsed, then each app waits for a healthy database, fans Socket.IO out through PostgreSQL and keeps the image's /ready HEALTHCHECK", () => {
      for (const name of ['app', 'app2']) {
        const app = services[name];
        expect(app.depends_on, name).to.deep.include({ db: { condition: 'service_healthy' } });
        expect(app.environment, name).to.include({ SOCKET_ADAPTER: 'postgres', PORT: '3000' });
        expect(app.environment!.DATABASE_URL, name).to.match(/^postgres:\/\/[^@]+@db:5432\/clinic$/);
        expect(app.environment!.JWT_SECRET, `${name} needs a real secret`).to.match(/^\$\{JWT_SECRET:\?/);
        expect(app.healthcheck, `${name} does not override the image's HEALTHCHECK`).to.equal(undefined);
        expect(app.ports, `${name} is reached through the proxy only`).to.equal(undefined);
      }
      expect(dockerfile).to.match(/^HEALTHCHECK [\s\S]*\/ready/m);
    });

    it('when parsed, then the apps trust X-Forwarded-For from the fixed address of nginx only, not every private address', () => {
      for (const env of [{}, { CLINIC_NET_PREFIX: '10.77.3' }] as Array<Record<string, string>>) {
        const proxy = address('proxy', env);
        const subnet = interpolate(ipam.subnet, env);
        expect(net.isIPv4(proxy)).to.equal(true);
        expect(inSubnet(proxy, subnet), `${proxy} in ${subnet}`).to.equal(true);
        for (const name of ['app', 'app2']) {
          expect(interpolate(services[name].environment!.TRUST_PROXY, env), name).to.equal(proxy);
          expect(inSubnet(address(name, env), subnet), `${name} in ${subnet}`).to.equal(true);
        }
      }
    });

    it('when parsed, then the fixed addresses are distinct and outside the range Docker hands out on its own', () => {
      const fixed = ['proxy', 'app', 'app2'].map((s) => address(s));
      expect(new Set(fixed).size).to.equal(3);
      for (const ip of fixed) expect(inSubnet(ip, interpolate(ipam.ip_range)), `${ip} outside ip_range`).to.equal(false);
    });

    it('when parsed, then only the proxy publishes a port (every interface by default, or HTTP_BIND) and it waits for healthy apps', () => {
      expect(services.proxy.ports!.map((p) => interpolate(p))).to.deep.equal(['0.0.0.0:8080:80']);
      expect(services.proxy.ports!.map((p) => interpolate(p, { HTTP_BIND: '127.0.0.1', HTTP_PORT: '18080' }))).to.deep.equal([
        '127.0.0.1:18080:80',
      ]);
      expect(services.proxy.depends_on).to.deep.equal({ app: { condition: 'service_healthy' }, app2: { condition: 'service_healthy' } });
      expect(services.proxy.volumes!.some((v) => v.startsWith('./deploy/nginx.conf:'))).to.equal(true);
      expect(JSON.stringify(services.proxy.healthcheck!.test)).to.include('/health');
    });
  });

  describe('deploy/nginx.conf', () => {
    const conf = read('deploy/nginx.conf').replace(/#.*$/gm, '');
    const seconds = (directive: string) => Number(new RegExp(`${directive}\\s+(\\d+)s;`).exec(conf)?.[1]);
    const upstream = (name: string) => new RegExp(`upstream\\s+${name}\\s*\\{([^}]*)\\}`).exec(conf)?.[1] ?? '';

    it('when read, then the API is spread over both replicas and Socket.IO sticks to a replica per full client address', () => {
      for (const name of ['clinic_app', 'clinic_sockets'])
        expect(upstream(name), name).to.match(/server\s+app:3000[^;]*;\s*server\s+app2:3000/);
      expect(upstream('clinic_app')).not.to.match(/hash|ip_hash/);
      expect(upstream('clinic_sockets')).to.match(/hash\s+\$remote_addr\s+consistent;/);
      expect(conf, 'ip_hash keys on a /24: one clinic LAN would land on one replica').not.to.match(/ip_hash/);
      expect(conf).to.match(/location\s+\/socket\.io\/\s*\{\s*proxy_pass\s+http:\/\/clinic_sockets;/);
      expect(conf).to.match(/location\s+\/\s*\{\s*proxy_pass\s+http:\/\/clinic_app;/);
    });

    it('when read, then WebSocket upgrade headers are passed over HTTP/1.1', () => {
      expect(conf).to.match(/proxy_http_version\s+1\.1;/);
      expect(conf).to.match(/proxy_set_header\s+Upgrade\s+\$http_upgrade;/);
      expect(conf).to.match(/proxy_set_header\s+Connection\s+\$connection_upgrade;/);
      expect(conf).to.match(/map\s+\$http_upgrade\s+\$connection_upgrade/);
      expect(conf.match(/proxy_set_header/g)!.length, 'headers set once, at server level, inherited by both locations').to.equal(
        /server\s*\{([\s\S]*?)location/.exec(conf)![1].match(/proxy_set_header/g)!.length,
      );
    });

    it('when read, then the request id passed to the app is UUID-shaped (log redaction keeps UUIDs whole)', () => {
      expect(conf).to.match(/proxy_set_header\s+X-Request-Id\s+\$request_uuid;/);
      const pattern = /map\s+\$request_id\s+\$request_uuid\s*\{\s*"~(.+)"\s+"([^"]+)";/.exec(conf)!;
      const id = '0123456789abcdef0123456789abcdef';
      const groups = new RegExp(pattern[1]).exec(id)!.groups!;
      expect(pattern[2].replace(/\$(\w)/g, (_m, g: string) => groups[g])).to.match(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
    });

    it("when read, then proxy timeouts exceed Socket.IO's pingInterval + pingTimeout (45 s)", () => {
      expect(seconds('proxy_read_timeout')).to.be.greaterThan(45);
      expect(seconds('proxy_send_timeout')).to.be.greaterThan(45);
    });
  });

  describe('Dockerfile', () => {
    const lines = dockerfile.split('\n').map((l) => l.trim());
    const runtime = dockerfile.slice(dockerfile.indexOf(' AS runtime'));

    it('when read, then every stage starts from NODE_IMAGE and no line asks BuildKit to fetch a frontend', () => {
      expect(dockerfile.indexOf('ARG NODE_IMAGE=')).to.be.lessThan(dockerfile.indexOf('FROM '));
      expect(lines.filter((l) => /^FROM\s/.test(l))).to.deep.equal([
        'FROM ${NODE_IMAGE} AS deps',
        'FROM deps AS build',
        'FROM deps AS prod-deps',
        'FROM ${NODE_IMAGE} AS runtime',
      ]);
      expect(dockerfile).not.to.match(/^#\s*syntax=/m);
    });

    it('when read, then the runtime gets production dependencies only (no embedded PostgreSQL) and compiled code only', () => {
      expect(dockerfile).to.match(/npm ci --ignore-scripts/);
      expect(dockerfile).to.match(/npm prune --omit=dev --omit=optional/);
      expect(runtime).to.match(/COPY --from=prod-deps \/app\/node_modules \.\/node_modules/);
      expect(runtime).to.match(/COPY --from=build \/app\/dist\/server \.\/dist\/server$/m);
      expect(runtime, 'no npm in the runtime stage').not.to.match(/^RUN /m);
      expect(runtime, 'no sources or tests in the runtime image').not.to.match(/COPY (server|test)\b/);
    });

    it('when read, then the runtime runs as a non-root user with a HEALTHCHECK on /ready, behind an entrypoint that execs node', () => {
      expect(runtime).to.match(/^USER node$/m);
      expect(runtime).to.match(/^HEALTHCHECK [\s\S]*\/ready/m);
      expect(runtime).to.match(/^ENTRYPOINT \["app-entrypoint\.sh"\]$/m);
      expect(runtime).to.match(/^CMD \["node", "dist\/server\/main\.js"\]$/m);
      expect(read('deploy/app-entrypoint.sh')).to.match(/^exec "\$@"$/m);
    });

    it('when the build runs, then non-TypeScript assets under server/ are copied into dist', () => {
      expect(JSON.parse(read('package.json')).scripts.build).to.include('copy-assets');
      expect(dockerfile).to.match(/COPY scripts \.\/scripts/);
      expect(dockerfile).to.match(/RUN npm run build/);
    });
  });

  describe('deploy/local-base (the images test:deploy builds from Debian packages)', () => {
    it("when read, then node has the official image's user (node, uid 1000) and postgres runs as postgres", () => {
      expect(read('deploy/local-base/node.Dockerfile')).to.match(/useradd --uid 1000 --gid node/);
      expect(read('deploy/local-base/postgres.Dockerfile')).to.match(/^USER postgres$/m);
      expect(read('deploy/local-base/postgres-entrypoint.sh')).to.match(/^exec "\$@"$/m);
    });
  });
});
