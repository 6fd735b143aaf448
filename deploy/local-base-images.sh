#!/usr/bin/env bash
# Builds, from Debian packages only, the base images that Dockerfile and docker-compose.yml use, for a
# machine that reaches Debian's archive and the npm registry but no image registry. Tags them locally;
# pushes nothing. Images that already exist are kept (pass --rebuild to make them again).
#
#   clinic-local/debian:trixie   debootstrap --variant=minbase trixie, slimmed (no docs, man pages, locales)
#   clinic-local/node:20         nodejs 20.19 and npm 10 (the npm registry's package), user node (uid 1000)
#   clinic-local/postgres:17     postgresql-17, entrypoint that initialises PGDATA from POSTGRES_* (user postgres)
#   clinic-local/nginx:1.26      nginx 1.26, conf.d/*.conf, logs to stdout
#
# Then run the project with them:
#   NODE_IMAGE=clinic-local/node:20 POSTGRES_IMAGE=clinic-local/postgres:17 NGINX_IMAGE=clinic-local/nginx:1.26 docker compose up --build
#
# CA certificates the host added under /usr/local/share/ca-certificates (a site's own CA, e.g. of a
# TLS-inspecting proxy) are trusted in these images too, so that npm inside them reaches the registry as
# the host's does. They are local images: never push them.
#
# Needs root (debootstrap), docker, debootstrap and npm. Environment: LOCAL_IMAGE_PREFIX (clinic-local),
# DEBIAN_MIRROR (http://deb.debian.org/debian), NPM_VERSION (10.8.2, the one Node 20.19 bundles).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${LOCAL_IMAGE_PREFIX:-clinic-local}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
npm_version="${NPM_VERSION:-10.8.2}"
rebuild=false
[ "${1:-}" = --rebuild ] && rebuild=true

have() { ! $rebuild && docker image inspect "$1" >/dev/null 2>&1; }
log() { printf '[local-base-images %(%T)T] %s\n' -1 "$*"; }

# One debootstrap serves every image: each is a `docker build` on top of it.
base="$prefix/debian:trixie"
if have "$base"; then
  log "$base exists"
else
  [ "$(id -u)" -eq 0 ] || { echo "debootstrap needs root" >&2; exit 1; }
  command -v debootstrap >/dev/null || { echo "debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
  work="$(mktemp -d "${TMPDIR:-/var/tmp}/clinic-rootfs.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  root="$work/root"
  log "debootstrap --variant=minbase trixie from $mirror"
  debootstrap --variant=minbase trixie "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -30 "$work/debootstrap.log" >&2; exit 1; }

  # Shaped like Docker's own Debian images: no service starts during package installs, no recommends,
  # no documentation (copyright files kept), no package cache left behind, updates and security.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
  cat >"$root/etc/apt/apt.conf.d/docker-slim" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: trixie trixie-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$root"/usr/share/{man,info,locale,lintian}/* "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* \
    "$root"/var/log/* "$root"/tmp/* "$root"/etc/hostname "$root"/etc/resolv.conf
  : >"$root/etc/machine-id"
  # Picked up by update-ca-certificates when an image installs ca-certificates.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  fi
  log "docker import $base"
  tar --numeric-owner -C "$root" -c . | docker import \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase trixie $mirror" - "$base" >/dev/null
fi

# Builds one image from deploy/local-base/<file> (context: that folder, or $3) unless it exists; its output
# is shown only on failure.
build() {
  local tag="$1" file="$2" context="${3:-$here/local-base}"
  if have "$tag"; then log "$tag exists"; return 0; fi
  local out; out="$(mktemp)"
  log "building $tag"
  if docker build -q -t "$tag" -f "$here/local-base/$file" --build-arg "BASE_IMAGE=$base" "$context" >"$out" 2>&1; then
    log "built $tag"
    rm -f "$out"
  else
    echo "--- docker build $tag failed:" >&2
    tail -40 "$out" >&2
    rm -f "$out"
    return 1
  fi
}

# node's build context holds only the npm package, fetched by the npm client.
node_context() {
  local dir; dir="$(mktemp -d)"
  (cd "$dir" && npm pack --silent "npm@$npm_version" >/dev/null && mv npm-*.tgz npm.tgz) || { rm -rf "$dir"; return 1; }
  echo "$dir"
}

# The three builds run in parallel (mostly apt downloads and unpacking).
pids=()
build "$prefix/postgres:17" postgres.Dockerfile & pids+=($!)
build "$prefix/nginx:1.26" nginx.Dockerfile & pids+=($!)
if ! have "$prefix/node:20"; then
  ctx="$(node_context)" || { echo "npm pack npm@$npm_version failed" >&2; exit 1; }
  (build "$prefix/node:20" node.Dockerfile "$ctx"; s=$?; rm -rf "$ctx"; exit $s) & pids+=($!)
fi
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
[ "$status" -eq 0 ] || exit 1
docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep "^$prefix/" | sort
