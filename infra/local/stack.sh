#!/usr/bin/env bash
# The local production stack: PostgreSQL primary + streaming replicas run by Patroni (with a
# three-member etcd), HAProxy following Patroni's roles (writes and reads), PgBouncer (writes,
# through HAProxy), Redis (AOF, fsync always), N app instances and Nginx in front,
# Prometheus and an rsyslog log collector (observability.sh), all on 127.0.0.1 with state in
# .stack/. Behind `npm run stack:up|stack:down|stack:status`.
#
#   stack.sh up                      start or repair everything; wait until all of it is healthy
#   stack.sh down [--purge]          stop everything (--purge: delete .stack too)
#   stack.sh status                  health of every component; exits 1 if anything is unhealthy
#   stack.sh env                     endpoints and secrets as KEY=VALUE lines, for tests
#   stack.sh stop-replica|start-replica N    stop/start member N's Patroni (and so its PostgreSQL)
#   stack.sh kill-primary            kill -9 the primary's postmaster; waits for a new primary
#   stack.sh switchover [N]          planned switchover (to member N, or Patroni's choice)
#   stack.sh partition-primary|heal  SIGSTOP the primary's Patroni / SIGCONT every Patroni
#   stack.sh stop-app|kill-app|start-app N
#   stack.sh stop-redis|start-redis|restart-redis|stop-pgbouncer|start-pgbouncer
#   stack.sh stop-smtp|start-smtp       a mail relay outage: the SMTP sink stops / starts again
#   stack.sh kill-redis-primary      kill -9 the Redis primary; wait until a Sentinel promotes the replica
# Every verb waits until its change took effect.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"
. "$here/secrets.sh"
. "$here/postgres.sh"
. "$here/etcd.sh"
. "$here/patroni.sh"
. "$here/redis.sh"
. "$here/sentinel.sh"
. "$here/pgbouncer.sh"
. "$here/haproxy.sh"
. "$here/app.sh"
. "$here/smtp-sink.sh"
. "$here/observability.sh"
. "$here/nginx.sh"
. "$here/report.sh"
. "$here/sweep.sh"

require_tools() {
  local tool missing=()
  for tool in "$PG_BIN/postgres" pgbouncer haproxy nginx redis-server redis-sentinel redis-cli curl ss; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]}; install them with: bash scripts/system-packages.sh"
}

# The service user must reach .stack/ and read deploy/ (the repository may be root-owned).
prepare_state_dir() {
  mkdir -p "$STACK_DIR"
  chmod 755 "$STACK_DIR"
  service_dir "$LOGS" 755
  as_service test -x "$STACK_DIR" -a -r "$PORTCULLIS_ROOT/deploy/redis/redis.conf" \
    || die "user $SERVICE_USER cannot reach $STACK_DIR or read $PORTCULLIS_ROOT/deploy; make the path traversable (chmod o+x on each parent) or set STACK_DIR"
}

stack_up() {
  local started=$SECONDS
  require_tools
  observability_require_tools
  etcd_require_tools
  patroni_require_tools
  # Node.js and dependencies first: a missing toolchain should fail before anything starts.
  # shellcheck source=scripts/bootstrap.sh
  . "$PORTCULLIS_ROOT/scripts/bootstrap.sh"
  prepare_state_dir
  secrets_load create
  reserve_stack_ports
  etcd_up
  patroni_up
  redis_start
  sentinel_start
  haproxy_start
  haproxy_wait_roles
  pgbouncer_start
  stop_extra_apps
  # Instances still running against a database that was just re-created have no schema.
  if [ "$PG_FRESH" = yes ]; then app_down; fi
  # The log collector before the instances, so their first lines reach it; Prometheus after.
  rsyslog_start
  smtp_start
  app_up
  prometheus_start
  nginx_start
  report_table
  say "stack is up in $((SECONDS - started))s (stop: npm run stack:down; state: $STACK_DIR)"
}

# Instances left over from a run with a larger STACK_APP_INSTANCES would serve no one.
stop_extra_apps() {
  local file n
  for file in "$APP_DIR"/app-*.pid; do
    [ -e "$file" ] || continue
    n="${file##*/app-}"; n="${n%.pid}"
    if [ "$n" -gt "$STACK_APP_INSTANCES" ]; then stop_pidfile "$file" TERM 15; fi
  done
}

stack_down() {
  local purge=no arg
  for arg in "$@"; do
    case "$arg" in
      --purge) purge=yes ;;
      *) die "down: unknown option $arg (only --purge)" ;;
    esac
  done
  # Front to back, so nothing is left sending requests to a component that is already gone.
  nginx_stop
  app_down
  smtp_stop
  prometheus_stop
  rsyslog_stop
  haproxy_stop
  pgbouncer_stop
  sentinel_stop
  redis_stop
  patroni_down
  etcd_down
  stop_strays
  if [ "$purge" = yes ]; then rm -rf "$STACK_DIR"; say "deleted $STACK_DIR"; fi
  report_ports_free
}

replica_verb() {
  local verb="$1" n="$2" leader
  require_index member "$n" "$STACK_PG_REPLICAS"
  secrets_load
  leader="$(patroni_leader_index)" || die "the cluster has no running primary; run: npm run stack:up"
  [ "$n" != "$leader" ] || die "pg$n is the primary now; use kill-primary or switchover"
  case "$verb" in
    stop-replica)
      patroni_stop "$n"
      if haproxy_up; then haproxy_wait_server pg_read "pg$n" DOWN; fi ;;
    start-replica)
      patroni_start "$n"
      patroni_wait "$n" replica
      if haproxy_up; then haproxy_wait_server pg_read "pg$n" UP; fi ;;
  esac
}

# The failover drills' verbs; each waits until HAProxy routes writes to the new primary.
primary_verb() {
  local verb="$1"; shift
  secrets_load
  case "$verb" in
    kill-primary) patroni_kill_primary ;;
    switchover)
      if [ -n "${1:-}" ] && ! { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -le "$STACK_PG_REPLICAS" ]; }; then
        die "switchover: the member must be a number from 0 to $STACK_PG_REPLICAS (got '$1')"
      fi
      patroni_switchover "${1:-}" ;;
    partition-primary) patroni_partition_primary; return 0 ;;
    heal) patroni_heal; return 0 ;;
  esac
  if haproxy_up; then haproxy_wait_server pg_write "$(patroni_leader)" UP; fi
}

app_verb() {
  local verb="$1" n="$2"
  require_index "app instance" "$n" "$STACK_APP_INSTANCES"
  secrets_load
  case "$verb" in
    stop-app) app_stop "$n" ;;
    kill-app) app_kill "$n" ;;
    start-app) app_start "$n" ;;
  esac
}

# The header comment of this file, lines "#   stack.sh …".
usage() {
  sed -n 's/^#   \(stack\.sh .*\)/  \1/p' "${BASH_SOURCE[0]}" >&2
  exit 2
}

main() {
  local verb="${1:-}"
  # Every process starts from here, so the stack's own processes can be recognised by it.
  cd "$PORTCULLIS_ROOT"
  shift || true
  case "$verb" in
    up) stack_up ;;
    down) stack_down "$@" ;;
    status) report_status ;;
    env) secrets_load; report_env; observability_env; sentinel_env; smtp_env ;;
    stop-replica | start-replica) replica_verb "$verb" "${1:-}" ;;
    kill-primary | switchover | partition-primary | heal) primary_verb "$verb" "$@" ;;
    stop-app | kill-app | start-app) app_verb "$verb" "${1:-}" ;;
    # An outage of Redis as a whole: the Sentinels go too, or they would try a failover with no
    # replica to promote, and then hold back the next one for twice the failover timeout.
    stop-redis) sentinel_stop; redis_stop ;;
    start-redis) redis_start; sentinel_start ;;
    restart-redis) sentinel_stop; redis_stop; redis_start; sentinel_start ;;
    kill-redis-primary) old="$(sentinel_primary_port)" || die "no Sentinel names a Redis primary"; redis_kill_primary; sentinel_wait_promotion "$old" ;;
    stop-smtp) smtp_stop ;;
    start-smtp) smtp_start ;;
    stop-pgbouncer) pgbouncer_stop ;;
    start-pgbouncer) secrets_load; pgbouncer_start ;;
    *) usage ;;
  esac
}

main "$@"
