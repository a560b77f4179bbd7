# PostgreSQL for the local stack: the members' names, ports, data directories and direct access.
# Patroni (patroni.sh) starts, stops, clones, promotes and rewinds the servers; this file only
# knows where they are. Member 0 bootstraps as the primary on STACK_PG_PRIMARY_PORT, members
# 1..N start as replicas on STACK_PG_REPLICA_BASE_PORT+N-1; after a failover the roles move,
# the ports do not.
# - Every server process runs as the service user; administration goes over a Unix socket in
#   .stack/pg/run as the superuser of the same name (peer auth), never over TCP.
# - Network logins (127.0.0.1 only) use SCRAM passwords kept in .stack/secrets.env.
# shellcheck shell=bash

PG_ROOT="$STACK_DIR/pg"
PG_RUN_DIR="$PG_ROOT/run"
# The superuser is named after the OS user the servers run as, so peer authentication over the
# socket maps one to the other (`postgres` when run as root).
PG_SUPERUSER="$SERVICE_USER"
# Set to yes when this run created the cluster: app instances must then start over (and migrate).
PG_FRESH=no

pg_bin() {
  if [ -n "$STACK_PG_BIN" ]; then echo "$STACK_PG_BIN"; return; fi
  local newest
  newest="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null | sort -V | tail -n1)"
  [ -n "$newest" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql; run: bash scripts/system-packages.sh"
  dirname "$newest"
}
PG_BIN="$(pg_bin)"

pg_data() { echo "$PG_ROOT/pg$1"; }
pg_port() {
  if [ "$1" -eq 0 ]; then echo "$STACK_PG_PRIMARY_PORT"; else echo $((STACK_PG_REPLICA_BASE_PORT + $1 - 1)); fi
}

# psql as the superuser over the socket: `pg_sql INDEX DATABASE [psql args…]`, SQL on stdin or -c.
pg_sql() {
  local i="$1" db="$2"; shift 2
  as_service "$PG_BIN/psql" -X -q -t -A -v ON_ERROR_STOP=1 -h "$PG_RUN_DIR" -p "$(pg_port "$i")" -U "$PG_SUPERUSER" -d "$db" "$@"
}

pg_postmaster_pid() { head -n1 "$(pg_data "$1")/postmaster.pid" 2>/dev/null; }
# Not `pg_ctl status`: it counts a killed postmaster that is still a zombie as running.
pg_running() {
  local pid
  pid="$(pg_postmaster_pid "$1")" || return 1
  [ -n "$pid" ] && ! pid_gone "$pid"
}
pg_ready() { as_service "$PG_BIN/pg_isready" -q -h "$PG_RUN_DIR" -p "$(pg_port "$1")"; }

# Processes (zombies aside) working in a server's data directory: every PostgreSQL process does.
pg_dir_idle() {
  local data proc
  data="$(pg_data "$1")"
  for proc in /proc/[0-9]*; do
    [ "$(readlink "$proc/cwd" 2>/dev/null)" = "$data" ] || continue
    pid_gone "${proc#/proc/}" || return 1
  done
}

# A postmaster killed with SIGKILL leaves its lock files (postmaster.pid and the socket's .lock).
# PostgreSQL refuses to start while the pid in them exists, and a zombie that init has not reaped
# yet still does. Once no process of the old server is left in the data directory, the files
# are stale and go.
pg_clear_stale_locks() {
  local i="$1" file pid
  [ -d "$(pg_data "$i")" ] || return 0
  wait_until 10 pg_dir_idle "$i" \
    || fail_component "postgresql pg$i" "$LOGS/pg-pg$i.log" "processes of an earlier server still run in $(pg_data "$i")"
  for file in "$(pg_data "$i")/postmaster.pid" "$PG_RUN_DIR/.s.PGSQL.$(pg_port "$i").lock"; do
    pid="$(head -n1 "$file" 2>/dev/null)" || continue
    if [ -z "$pid" ] || pid_gone "$pid"; then rm -f "$file"; fi
  done
}

# Only for a server whose Patroni is gone (down's last resort): Patroni stops its own.
pg_stop_server() {
  local i="$1"
  pg_running "$i" || return 0
  as_service "$PG_BIN/pg_ctl" stop -D "$(pg_data "$i")" -m fast -w -t 20 >/dev/null 2>&1 \
    || as_service "$PG_BIN/pg_ctl" stop -D "$(pg_data "$i")" -m immediate -w -t 10 >/dev/null 2>&1 || true
}

# Data from before Patroni ran the stack (pg/primary, pg/replicaN, cloned by hand) cannot join
# a Patroni cluster; the stack's data is disposable, so it is replaced by a new cluster.
pg_forget_old_layout() {
  [ -d "$PG_ROOT/primary" ] || return 0
  say "postgresql: $PG_ROOT holds servers from before Patroni; replacing them with a new cluster"
  local dir
  for dir in "$PG_ROOT"/primary "$PG_ROOT"/replica*; do
    [ -f "$dir/postmaster.pid" ] && as_service "$PG_BIN/pg_ctl" stop -D "$dir" -m immediate -w -t 10 >/dev/null 2>&1
    rm -rf "$dir"
  done
  rm -f "$PG_ROOT/primary.bootstrapped" "$PG_ROOT/pgpass"
}

# The application's roles and database (Patroni creates the superuser, replicator and rewinder).
# psql variables: app_pw, mon_pw.
pg_bootstrap_sql_text() {
  cat <<'SQL'
CREATE ROLE portcullis LOGIN PASSWORD :'app_pw';
-- PgBouncer's transaction pooling cannot carry per-client settings, so the limits live on the role.
ALTER ROLE portcullis SET statement_timeout = '5s';
ALTER ROLE portcullis SET lock_timeout = '3s';
CREATE DATABASE portcullis OWNER portcullis;
CREATE ROLE portcullis_monitor LOGIN PASSWORD :'mon_pw' CONNECTION LIMIT 10;
\connect portcullis
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
-- Local stack only: tests reset and read every statement's counters on each replica.
GRANT pg_read_all_stats TO portcullis;
GRANT EXECUTE ON FUNCTION pg_stat_statements_reset(oid, oid, bigint) TO portcullis;
SQL
}
