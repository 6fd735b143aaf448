# nginx 1.26 from Debian trixie, shaped like the official image: configuration in /etc/nginx/conf.d/*.conf
# (Debian's default site is removed), logs to stdout/stderr, graceful stop on SIGQUIT. wget serves the
# compose health check, as busybox's does in nginx:*-alpine.
ARG BASE_IMAGE=clinic-local/debian:trixie
FROM ${BASE_IMAGE}
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends nginx-light wget \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && ln -sf /dev/stderr /var/log/nginx/error.log \
 && nginx -v
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
