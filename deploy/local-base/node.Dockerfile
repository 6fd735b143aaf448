# Node.js 20 from Debian trixie (nodejs 20.19) with npm and a `node` user (uid 1000), as in the official
# node:20 image, so the project's Dockerfile runs on it unchanged.
ARG BASE_IMAGE=clinic-local/debian:trixie
FROM ${BASE_IMAGE}
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends nodejs ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# npm the way the official image carries it: the npm registry's self-contained package (npm.tgz, fetched by
# local-base-images.sh with `npm pack`). Debian's npm depends on ~380 packages (python3, eslint, webpack,
# -dev headers): 2.5 min to install, and every app image would ship them.
COPY npm.tgz /tmp/npm.tgz
RUN mkdir -p /usr/local/lib/node_modules/npm \
 && tar -xzf /tmp/npm.tgz --strip-components=1 --no-same-owner -C /usr/local/lib/node_modules/npm \
 && rm /tmp/npm.tgz \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
CMD ["node"]
