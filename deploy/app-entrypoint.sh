#!/bin/sh
# The image runs the server against an external PostgreSQL (DATABASE_URL): it leaves out the embedded one
# that `npm start` falls back to, so say that plainly instead of failing on a missing module. Then exec
# the command, so that Node is PID 1 and receives the stop signal itself.
set -eu
if [ "$*" = "node dist/server/main.js" ] && [ -z "${DATABASE_URL:-}" ]; then
  echo "DATABASE_URL is not set: this image has no embedded PostgreSQL. Set DATABASE_URL (and JWT_SECRET," >&2
  echo "ADMIN_EMAIL, ADMIN_PASSWORD); docker-compose.yml does. See README, Running with Docker Compose." >&2
  exit 64
fi
exec "$@"
