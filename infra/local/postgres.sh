# PostgreSQL for the local stack: one primary (index 0) and STACK_PG_REPLICAS streaming replicas
# (index 1..N), each a pg_basebackup clone following the primary over its own replication slot.
# - Every server process runs as the service user; administration goes over a Unix socket in
#   .stack/pg/run as the superuser of the same name (peer auth), never over TCP.
# - Network logins (127.0.0.1 only) use SCRAM passwords kept in .stack/secrets.env.
# shellcheck shell=bash

PG_ROOT="$STACK_DIR/pg"
PG_RUN_DIR="$PG_ROOT/run"
PG_PASSFILE="$PG_ROOT/pgpass"
# The superuser is named after the OS user the servers run as, so peer authentication over the
# socket maps one to the other (`postgres` when run as root).
PG_SUPERUSER="$SERVICE_USER"
# Set to yes when this run created the primary: app instances must then start over (and migrate).
PG_FRESH=no

pg_bin() {
  if [ -n "$STACK_PG_BIN" ]; then echo "$STACK_PG_BIN"; return; fi
  local newest
  newest="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null | sort -V | tail -n1)"
  [ -n "$newest" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql; run: bash scripts/system-packages.sh"
  dirname "$newest"
}
PG_BIN="$(pg_bin)"

pg_name() { if [ "$1" -eq 0 ]; then echo primary; else echo "replica$1"; fi; }
pg_data() { echo "$PG_ROOT/$(pg_name "$1")"; }
pg_log() { echo "$LOGS/pg-$(pg_name "$1").log"; }
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
pg_is_standby() { [ -f "$(pg_data "$1")/standby.signal" ]; }

# Per-server settings, rewritten by every up: the shared production settings first, then what
# differs here (loopback, ports, small memory for four servers on a small machine). Returns 0
# when the file changed.
pg_write_local_conf() {
  local i="$1"
  update_file "$(pg_data "$i")/stack.conf" 600 <<EOF
# Written by infra/local/postgres.sh; edits are overwritten.
# deploy/postgresql/portcullis.conf digest: $(digest_of "$PORTCULLIS_ROOT/deploy/postgresql/portcullis.conf")
include '$PORTCULLIS_ROOT/deploy/postgresql/portcullis.conf'
cluster_name = '$(pg_name "$i")'
listen_addresses = '127.0.0.1'
port = $(pg_port "$i")
unix_socket_directories = '$PG_RUN_DIR'
shared_buffers = 32MB
effective_cache_size = 128MB
work_mem = 2MB
maintenance_work_mem = 16MB
max_connections = 100
max_worker_processes = 4
max_parallel_workers_per_gather = 0
min_wal_size = 64MB
max_wal_size = 256MB
max_slot_wal_keep_size = 512MB
EOF
}

pg_write_hba() {
  service_file "$(pg_data 0)/pg_hba.conf" 600 <<EOF
# Local stack only: administration as the superuser over the socket, everything else SCRAM on 127.0.0.1.
local  all          $PG_SUPERUSER                          peer
host   portcullis   portcullis          127.0.0.1/32  scram-sha-256
host   postgres     portcullis_monitor  127.0.0.1/32  scram-sha-256
host   replication  replicator          127.0.0.1/32  scram-sha-256
EOF
}

pg_write_passfile() {
  service_file "$PG_PASSFILE" 600 <<EOF
127.0.0.1:*:replication:replicator:$PG_REPLICATION_PASSWORD
127.0.0.1:*:postgres:portcullis_monitor:$PG_MONITOR_PASSWORD
127.0.0.1:*:portcullis:portcullis:$PG_PASSWORD
EOF
}

pg_start_server() {
  local i="$1" log
  log="$(pg_log "$i")"
  if pg_running "$i"; then
    # A changed setting is applied by a reload; one that needs a restart says so in the log.
    if pg_write_local_conf "$i"; then as_service "$PG_BIN/pg_ctl" reload -D "$(pg_data "$i")" >/dev/null; fi
    return 0
  fi
  service_log "$log"
  require_port_free "postgresql $(pg_name "$i")" "$(pg_port "$i")"
  pg_clear_stale_locks "$i"
  pg_write_local_conf "$i" || true
  # shellcheck disable=SC2094 # both only append to the log: pg_ctl's own errors after the server's
  as_service "$PG_BIN/pg_ctl" start -D "$(pg_data "$i")" -l "$log" -w -t "$STACK_WAIT_SECONDS" >/dev/null 2>>"$log" \
    || fail_component "postgresql $(pg_name "$i")" "$log" "did not start on port $(pg_port "$i")"
}

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
  wait_until 10 pg_dir_idle "$i" \
    || fail_component "postgresql $(pg_name "$i")" "$(pg_log "$i")" "processes of an earlier server still run in $(pg_data "$i")"
  for file in "$(pg_data "$i")/postmaster.pid" "$PG_RUN_DIR/.s.PGSQL.$(pg_port "$i").lock"; do
    pid="$(head -n1 "$file" 2>/dev/null)" || continue
    if [ -z "$pid" ] || pid_gone "$pid"; then rm -f "$file"; fi
  done
}

pg_stop_server() {
  local i="$1"
  pg_running "$i" || return 0
  as_service "$PG_BIN/pg_ctl" stop -D "$(pg_data "$i")" -m fast -w -t 20 >/dev/null 2>&1 \
    || as_service "$PG_BIN/pg_ctl" stop -D "$(pg_data "$i")" -m immediate -w -t 10 >/dev/null 2>&1 || true
}

# A fresh primary: initdb, the portcullis role and database, replication and monitoring roles.
# The marker file is written last, so a bootstrap cut short is redone from scratch on the next up.
pg_init_primary() {
  local data marker="$PG_ROOT/primary.bootstrapped"
  data="$(pg_data 0)"
  if [ -f "$marker" ] && [ -d "$data" ]; then return 0; fi
  say "postgresql: initialising a new primary in $data"
  service_log "$(pg_log 0)"
  pg_down
  rm -rf "$PG_ROOT"/primary "$PG_ROOT"/replica* "$marker"
  as_service "$PG_BIN/initdb" -D "$data" -U "$PG_SUPERUSER" --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C >>"$(pg_log 0)" 2>&1 || fail_component "postgresql primary" "$(pg_log 0)" "initdb failed"
  echo "include_if_exists = 'stack.conf'" >>"$data/postgresql.conf"
  pg_write_hba
  pg_start_server 0
  pg_bootstrap_sql >>"$(pg_log 0)" 2>&1 || fail_component "postgresql primary" "$(pg_log 0)" "creating roles and database failed"
  touch "$marker"
  PG_FRESH=yes
}

pg_bootstrap_sql() {
  pg_sql 0 postgres -v app_pw="$PG_PASSWORD" -v repl_pw="$PG_REPLICATION_PASSWORD" -v mon_pw="$PG_MONITOR_PASSWORD" <<'SQL'
CREATE ROLE portcullis LOGIN PASSWORD :'app_pw';
-- PgBouncer's transaction pooling cannot carry per-client settings, so the limits live on the role.
ALTER ROLE portcullis SET statement_timeout = '5s';
ALTER ROLE portcullis SET lock_timeout = '3s';
CREATE DATABASE portcullis OWNER portcullis;
CREATE ROLE replicator REPLICATION LOGIN PASSWORD :'repl_pw';
CREATE ROLE portcullis_monitor LOGIN PASSWORD :'mon_pw' CONNECTION LIMIT 10;
\connect portcullis
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
-- Local stack only: tests reset and read every statement's counters on each replica.
GRANT pg_read_all_stats TO portcullis;
GRANT EXECUTE ON FUNCTION pg_stat_statements_reset(oid, oid, bigint) TO portcullis;
SQL
}

pg_ensure_slot() {
  pg_sql 0 postgres -c "SELECT pg_create_physical_replication_slot('$(pg_name "$1")')
    WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$(pg_name "$1")')" >/dev/null
}

# A new clone of the primary. Also how a promoted replica is turned back into a follower.
pg_clone_replica() {
  local i="$1" log
  log="$(pg_log "$i")"
  say "postgresql: cloning $(pg_name "$i") from the primary (pg_basebackup)"
  service_log "$log"
  pg_stop_server "$i"
  rm -rf "$(pg_data "$i")"
  pg_ensure_slot "$i"
  as_service env PGPASSFILE="$PG_PASSFILE" "$PG_BIN/pg_basebackup" -D "$(pg_data "$i")" -R -X stream -c fast \
    -S "$(pg_name "$i")" -d "host=127.0.0.1 port=$STACK_PG_PRIMARY_PORT user=replicator application_name=$(pg_name "$i")" \
    >>"$log" 2>&1 || fail_component "postgresql $(pg_name "$i")" "$log" "pg_basebackup failed"
}

pg_replica_streaming() {
  [ "$(pg_sql 0 postgres -c "SELECT state FROM pg_stat_replication WHERE application_name = '$(pg_name "$1")'")" = streaming ]
}

pg_start_replica() {
  local i="$1"
  if [ ! -d "$(pg_data "$i")" ] || ! pg_is_standby "$i"; then
    pg_clone_replica "$i"
  fi
  pg_start_server "$i"
}

pg_wait_streaming() {
  local i="$1"
  wait_until "$STACK_WAIT_SECONDS" pg_replica_streaming "$i" \
    || fail_component "postgresql $(pg_name "$i")" "$(pg_log "$i")" "not streaming from the primary after ${STACK_WAIT_SECONDS}s"
}

pg_up() {
  local i
  service_dir "$PG_ROOT" 755
  service_dir "$PG_RUN_DIR" 755
  pg_write_passfile
  pg_init_primary
  pg_start_server 0
  # Replicas clone and start in parallel (each pg_basebackup mostly waits on I/O); a failing one
  # has already reported itself, so the others are only waited for.
  local pids=() pid failed=0
  for ((i = 1; i <= STACK_PG_REPLICAS; i++)); do pg_start_replica "$i" & pids+=("$!"); done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  [ "$failed" -eq 0 ] || exit 1
  for ((i = 1; i <= STACK_PG_REPLICAS; i++)); do pg_wait_streaming "$i"; done
}

# Every server that has a data directory, replicas first (so none reconnects to a stopping primary).
pg_down() {
  local dir
  for dir in "$PG_ROOT"/replica*; do
    [ -d "$dir" ] && pg_stop_server "${dir##*/replica}"
  done
  pg_stop_server 0
}

# One line per replica: name, state, replay lag in bytes and seconds, as the primary sees it.
pg_replication_report() {
  pg_sql 0 postgres -F ' ' -c "SELECT application_name, state,
      pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint,
      round(extract(epoch FROM coalesce(replay_lag, interval '0'))::numeric, 3)
    FROM pg_stat_replication ORDER BY application_name" 2>/dev/null
}
