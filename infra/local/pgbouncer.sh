# PgBouncer for the local stack: transaction pooling in front of the primary (the write path),
# reached through HAProxy's pg_write frontend, which follows Patroni's leader (haproxy.sh).
# The pooling policy is deploy/pgbouncer/pooling.ini; this file adds listen address, auth and
# paths. Runs as the service user (PgBouncer refuses root), daemonised.
# shellcheck shell=bash

PGB_DIR="$STACK_DIR/pgbouncer"
PGB_PIDFILE="$PGB_DIR/pgbouncer.pid"
PGB_LOG="$LOGS/pgbouncer.log"

# Returns 0 when either file changed.
pgbouncer_write_conf() {
  local changed=1
  # auth_file holds the plain password: PgBouncer needs it to log in to PostgreSQL with SCRAM.
  update_file "$PGB_DIR/userlist.txt" 600 <<EOF2 && changed=0
"portcullis" "$PG_PASSWORD"
EOF2
  update_file "$PGB_DIR/pgbouncer.ini" 600 <<EOF2 && changed=0
;; Written by infra/local/pgbouncer.sh; edits are overwritten.
;; deploy/pgbouncer/pooling.ini digest: $(digest_of "$PORTCULLIS_ROOT/deploy/pgbouncer/pooling.ini")
[databases]
portcullis = host=127.0.0.1 port=$STACK_HAPROXY_WRITE_PORT dbname=portcullis

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $STACK_PGBOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $PGB_DIR/userlist.txt
;; SHOW POOLS / SHOW STATS through the pgbouncer console database, for status and tests.
stats_users = portcullis
logfile = $PGB_LOG
pidfile = $PGB_PIDFILE
%include $PORTCULLIS_ROOT/deploy/pgbouncer/pooling.ini
;; After the include: the last value read wins.
default_pool_size = $STACK_PGBOUNCER_POOL_SIZE
EOF2
  return "$changed"
}

# A real query through the pool: proves PgBouncer, its auth file and the primary behind it.
pgbouncer_healthy() {
  PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=2 "$PG_BIN/psql" -X -tAq -h 127.0.0.1 -p "$STACK_PGBOUNCER_PORT" \
    -U portcullis -d portcullis -c 'select 1' 2>/dev/null | grep -qx 1
}

pgbouncer_start() {
  local changed=no
  service_dir "$PGB_DIR" 700
  if pgbouncer_write_conf; then changed=yes; fi
  if [ "$changed" = no ] && live_pid "$PGB_PIDFILE" >/dev/null && pgbouncer_healthy; then return 0; fi
  pgbouncer_stop
  require_port_free pgbouncer "$STACK_PGBOUNCER_PORT"
  service_log "$PGB_LOG"
  as_service pgbouncer -d -q "$PGB_DIR/pgbouncer.ini" >>"$PGB_LOG" 2>&1 || fail_component pgbouncer "$PGB_LOG" "pgbouncer did not start"
  wait_until "$STACK_WAIT_SECONDS" pgbouncer_healthy \
    || fail_component pgbouncer "$PGB_LOG" "no query through 127.0.0.1:$STACK_PGBOUNCER_PORT"
}

# SIGTERM is PgBouncer's immediate shutdown (SIGINT would wait for clients to leave).
pgbouncer_stop() { stop_pidfile "$PGB_PIDFILE" TERM 10; }
