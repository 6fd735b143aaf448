#!/usr/bin/env bash
# Makes Docker usable for `npm run test:deploy` on a Debian machine, as root, from Debian packages only:
#   1. docker.io and debootstrap (apt, without recommends) when missing;
#   2. dockerd started in the background when no daemon answers (log: $DOCKERD_LOG, /tmp/dockerd.log);
#   3. the base images (deploy/local-base-images.sh; kept once built);
#   4. the compose v2 and buildx CLI plugins when `docker compose` / `docker buildx` do not work: Debian
#      bookworm has only compose v1, so they are taken from trixie's docker-compose and docker-buildx
#      packages (Go binaries needing only glibc >= 2.34), downloaded by apt inside the trixie base image.
# Prints what it did and how long each step took. Exits non-zero when Docker still cannot be used; the
# deployment test then skips and prints why.
#
# Runs at low CPU and I/O priority, and starts dockerd so (its builds and containers inherit it): .ci/run
# runs this beside `npm test`, whose timing checks must not feel it. Nothing else competes later.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
log() { printf '[ci-docker %(%T)T] %s\n' -1 "$*"; }
renice -n 10 -p $$ >/dev/null 2>&1 || true
ionice -c 2 -n 7 -p $$ >/dev/null 2>&1 || true

if [ "$(id -u)" -ne 0 ]; then
  log "not root: using Docker as it is"
  exit 0
fi

SECONDS=0
if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  log "apt-get install docker.io debootstrap"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends docker.io debootstrap >/dev/null
  log "installed in ${SECONDS}s"
fi

if ! docker info >/dev/null 2>&1; then
  SECONDS=0
  log "starting dockerd (log: ${DOCKERD_LOG:=/tmp/dockerd.log})"
  nohup dockerd >"$DOCKERD_LOG" 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { log "dockerd did not start:"; tail -20 "$DOCKERD_LOG"; exit 1; }
  log "dockerd answers after ${SECONDS}s"
fi

SECONDS=0
bash "$here/local-base-images.sh"
log "base images ready after ${SECONDS}s"

missing=()
docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
docker buildx version >/dev/null 2>&1 || missing+=(docker-buildx)
if [ "${#missing[@]}" -gt 0 ]; then
  SECONDS=0
  log "installing CLI plugins from Debian trixie: ${missing[*]}"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  chmod 777 "$work" # apt's download user (_apt) writes there
  docker run --rm -v "$work:/out" "${LOCAL_IMAGE_PREFIX:-clinic-local}/debian:trixie" \
    sh -c "apt-get update -q >/dev/null && cd /out && apt-get download -q ${missing[*]} >/dev/null"
  mkdir -p /usr/local/lib/docker/cli-plugins
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/x"; done
  install -m 755 "$work"/x/usr/libexec/docker/cli-plugins/* /usr/local/lib/docker/cli-plugins/
  log "plugins installed in ${SECONDS}s"
fi
docker compose version
