# PostgreSQL 17 from Debian trixie, run as the `postgres` user. Like the official postgres:17 image, the
# entrypoint initialises an empty PGDATA from POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB on first
# start (see postgres-entrypoint.sh), and `postgres`, `pg_isready`, `psql`, `pg_dump` are on PATH.
ARG BASE_IMAGE=clinic-local/debian:trixie
FROM ${BASE_IMAGE}
# No cluster from the package: the entrypoint makes one in PGDATA, which is the volume.
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends postgresql-common \
 && sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf \
 && apt-get install -y -q --no-install-recommends postgresql-17 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \
 && chmod 700 /var/lib/postgresql/data \
 && chmod 2775 /var/run/postgresql
ENV PATH=/usr/lib/postgresql/17/bin:$PATH \
    PGDATA=/var/lib/postgresql/data \
    LANG=C.UTF-8
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER postgres
VOLUME /var/lib/postgresql/data
EXPOSE 5432
# SIGINT = PostgreSQL's "fast" shutdown: sessions are ended, everything is checkpointed.
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
