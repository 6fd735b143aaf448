# syntax=docker/dockerfile:1
# Build stage: compile TypeScript (dev dependencies) and copy non-TS assets under server/ into dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY server ./server
COPY migrations ./migrations
COPY seeders ./seeders
COPY scripts ./scripts
RUN npm run build

# Runtime stage: production dependencies only, compiled code only, non-root user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/server ./dist/server
COPY --from=build /app/dist/migrations ./dist/migrations
COPY --from=build /app/dist/seeders ./dist/seeders
USER node
EXPOSE 3000
# /ready = the database answers and every migration is applied (503 otherwise).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Node is PID 1 and handles SIGTERM itself (graceful shutdown, exit 0); give it SHUTDOWN_TIMEOUT_MS to drain.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
