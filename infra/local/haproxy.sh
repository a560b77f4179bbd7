# HAProxy for the local stack: the read path. TCP, least connections across the replicas, with a
# role-aware check (deploy/haproxy/pg-replica-check.sh): a replica that stops or is promoted
# leaves the pool within about two seconds; with no replica left, reads go to the primary.
# Runs as the service user, daemonised; stats on 127.0.0.1 (`/;csv` for scripts).
# shellcheck shell=bash

HAP_DIR="$STACK_DIR/haproxy"
HAP_PIDFILE="$HAP_DIR/haproxy.pid"
HAP_LOG="$LOGS/haproxy.log"
HAP_STATS_URL="http://127.0.0.1:$STACK_HAPROXY_STATS_PORT/"

# HAProxy runs external checks with an empty environment, so this wrapper supplies what the
# check needs: the password file, psql, and the monitoring role.
haproxy_write_check() {
  update_file "$HAP_DIR/replica-check" 700 <<EOF
#!/bin/sh
# Written by infra/local/haproxy.sh: the shared check with the local stack's credentials.
# deploy/haproxy/pg-replica-check.sh digest: $(digest_of "$PORTCULLIS_ROOT/deploy/haproxy/pg-replica-check.sh")
export PGPASSFILE='$PG_PASSFILE' PSQL='$PG_BIN/psql' PGUSER=portcullis_monitor PGDATABASE=postgres
exec /bin/sh '$PORTCULLIS_ROOT/deploy/haproxy/pg-replica-check.sh' "\$@"
EOF
}

haproxy_write_conf() {
  local i servers=""
  for ((i = 1; i <= STACK_PG_REPLICAS; i++)); do
    servers+="  server replica$i 127.0.0.1:$(pg_port "$i") check"$'\n'
  done
  update_file "$HAP_DIR/haproxy.cfg" 600 <<EOF
# Written by infra/local/haproxy.sh; edits are overwritten. Production: deploy/haproxy/haproxy.cfg.
global
  pidfile $HAP_PIDFILE
  maxconn 1000
  # The role check runs psql in a child process; HAProxy forks only when told it may.
  insecure-fork-wanted
  external-check
  stats socket $HAP_DIR/admin.sock mode 600 level admin

defaults
  mode tcp
  timeout connect 2s
  # Pooled database connections sit idle between queries; do not cut them.
  timeout client 1h
  timeout server 1h
  timeout check 3s

listen pg_read
  bind 127.0.0.1:$STACK_HAPROXY_READ_PORT
  balance leastconn
  option external-check
  external-check path "/usr/bin:/bin"
  external-check command $HAP_DIR/replica-check
  # Checked every second, out after two failures, back after two passes. Sessions to a server
  # marked down are closed at once, so clients reconnect to a healthy replica.
  default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 2 on-marked-down shutdown-sessions
$servers  # Reads reach the primary only while no replica is up.
  server primary 127.0.0.1:$STACK_PG_PRIMARY_PORT backup

listen stats
  bind 127.0.0.1:$STACK_HAPROXY_STATS_PORT
  mode http
  timeout client 10s
  timeout server 10s
  stats enable
  stats uri /
  stats refresh 5s
EOF
}

# `name STATUS` for every server of the read pool, from the stats CSV (field 18 is the status).
haproxy_server_states() {
  curl -fsS --max-time 2 "${HAP_STATS_URL};csv" 2>/dev/null \
    | awk -F, '$1 == "pg_read" && $2 != "FRONTEND" && $2 != "BACKEND" { print $2, $18 }'
}

haproxy_server_state() { haproxy_server_states | awk -v s="$1" '$1 == s { print $2 }'; }
haproxy_server_is() { [ "$(haproxy_server_state "$1")" = "$2" ]; }
haproxy_up() { live_pid "$HAP_PIDFILE" >/dev/null && haproxy_server_states | grep -q .; }

haproxy_wait_server() {
  local name="$1" state="$2"
  wait_until "$STACK_WAIT_SECONDS" haproxy_server_is "$name" "$state" \
    || fail_component haproxy "$HAP_LOG" "$name is not $state after ${STACK_WAIT_SECONDS}s (HAProxy sees: $(haproxy_server_state "$name"))"
}

haproxy_start() {
  local changed=no
  service_dir "$HAP_DIR" 700
  if haproxy_write_check; then changed=yes; fi
  if haproxy_write_conf; then changed=yes; fi
  if [ "$changed" = no ] && haproxy_up; then return 0; fi
  haproxy_stop
  require_port_free haproxy "$STACK_HAPROXY_READ_PORT"
  require_port_free "haproxy stats" "$STACK_HAPROXY_STATS_PORT"
  service_log "$HAP_LOG"
  as_service haproxy -c -q -f "$HAP_DIR/haproxy.cfg" >>"$HAP_LOG" 2>&1 || fail_component haproxy "$HAP_LOG" "invalid configuration"
  as_service haproxy -D -f "$HAP_DIR/haproxy.cfg" -p "$HAP_PIDFILE" >>"$HAP_LOG" 2>&1 || fail_component haproxy "$HAP_LOG" "haproxy did not start"
  wait_until "$STACK_WAIT_SECONDS" haproxy_up || fail_component haproxy "$HAP_LOG" "no stats on $HAP_STATS_URL"
}

haproxy_stop() { stop_pidfile "$HAP_PIDFILE" TERM 10; }
