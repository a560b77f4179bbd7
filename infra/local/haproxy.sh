# HAProxy for the local stack: where the primary and the replicas are, asked of Patroni. Two TCP
# frontends, each health-checking every member's Patroni REST API over HTTP (OPTIONS: the status code
# alone, so HAProxy closing the check connection early leaves nothing half-written):
#   pg_write  (STACK_HAPROXY_WRITE_PORT)  the member whose GET /primary answers 200; PgBouncer
#             connects here, so a failover needs no PgBouncer or app change.
#   pg_read   (STACK_HAPROXY_READ_PORT)   least connections across the members whose
#             /replica?lag=… answers 200 (running replicas no further behind than the bound);
#             with no replica left, reads go to pg_write, i.e. the primary.
# A member that stops, is promoted or demoted leaves the right pool within about two seconds.
# Runs as the service user, daemonised; stats on 127.0.0.1 (`/;csv` for scripts).
# Production: deploy/haproxy/haproxy.cfg.
# shellcheck shell=bash

HAP_DIR="$STACK_DIR/haproxy"
HAP_PIDFILE="$HAP_DIR/haproxy.pid"
HAP_LOG="$LOGS/haproxy.log"
HAP_STATS_URL="http://127.0.0.1:$STACK_HAPROXY_STATS_PORT/"

haproxy_write_conf() {
  local i writes="" reads=""
  for ((i = 0; i < PG_MEMBERS; i++)); do
    writes+="  server pg$i 127.0.0.1:$(pg_port "$i") check port $(patroni_rest_port "$i")"$'\n'
    reads+="  server pg$i 127.0.0.1:$(pg_port "$i") check port $(patroni_rest_port "$i")"$'\n'
  done
  update_file "$HAP_DIR/haproxy.cfg" 600 <<CONF
# Written by infra/local/haproxy.sh; edits are overwritten. Production: deploy/haproxy/haproxy.cfg.
global
  pidfile $HAP_PIDFILE
  maxconn 1000
  stats socket $HAP_DIR/admin.sock mode 600 level admin

defaults
  mode tcp
  timeout connect 2s
  # Pooled database connections sit idle between queries; do not cut them.
  timeout client 1h
  timeout server 1h
  # A Patroni that does not answer within 1 s (stopped, partitioned) fails the check.
  timeout check 1s
  # Checked every second, out after two failures, back after two passes. Sessions to a server
  # marked down are closed at once, so clients reconnect to the member that now has the role.
  default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 2 on-marked-down shutdown-sessions

listen pg_write
  bind 127.0.0.1:$STACK_HAPROXY_WRITE_PORT
  option httpchk
  http-check send meth OPTIONS uri /primary
  http-check expect status 200
$writes
listen pg_read
  bind 127.0.0.1:$STACK_HAPROXY_READ_PORT
  balance leastconn
  option httpchk
  http-check send meth OPTIONS uri /replica?lag=$STACK_PG_READ_MAX_LAG_BYTES
  http-check expect status 200
$reads  # Reads reach the primary (through pg_write) only while no replica is up.
  server primary 127.0.0.1:$STACK_HAPROXY_WRITE_PORT backup

listen stats
  bind 127.0.0.1:$STACK_HAPROXY_STATS_PORT
  mode http
  timeout client 10s
  timeout server 10s
  stats enable
  stats uri /
  stats refresh 5s
CONF
}

# `proxy name STATUS` for every server of both pools, from the stats CSV (field 18 is the status).
haproxy_server_states() {
  curl -fsS --max-time 2 "${HAP_STATS_URL};csv" 2>/dev/null \
    | awk -F, '($1 == "pg_read" || $1 == "pg_write") && $2 != "FRONTEND" && $2 != "BACKEND" { print $1, $2, $18 }'
}

haproxy_server_state() { haproxy_server_states | awk -v p="$1" -v s="$2" '$1 == p && $2 == s { print $3 }'; }
haproxy_server_is() { [ "$(haproxy_server_state "$1" "$2")" = "$3" ]; }
haproxy_up() { live_pid "$HAP_PIDFILE" >/dev/null && haproxy_server_states | grep -q .; }

# `haproxy_wait_server pg_read pg1 UP`
haproxy_wait_server() {
  local proxy="$1" name="$2" state="$3"
  wait_until "$STACK_WAIT_SECONDS" haproxy_server_is "$proxy" "$name" "$state" \
    || fail_component haproxy "$HAP_LOG" "$proxy/$name is not $state after ${STACK_WAIT_SECONDS}s (HAProxy sees: $(haproxy_server_state "$proxy" "$name"))"
}

# Every member in the pool its role puts it in: the leader in pg_write, the others in pg_read.
haproxy_wait_roles() {
  local i leader
  leader="$(patroni_leader_index)" || die "haproxy: the cluster has no primary"
  for ((i = 0; i < PG_MEMBERS; i++)); do
    if [ "$i" = "$leader" ]; then haproxy_wait_server pg_write "pg$i" UP; else haproxy_wait_server pg_read "pg$i" UP; fi
  done
}

haproxy_start() {
  service_dir "$HAP_DIR" 700
  if ! haproxy_write_conf && haproxy_up; then return 0; fi
  haproxy_stop
  require_port_free "haproxy writes" "$STACK_HAPROXY_WRITE_PORT"
  require_port_free "haproxy reads" "$STACK_HAPROXY_READ_PORT"
  require_port_free "haproxy stats" "$STACK_HAPROXY_STATS_PORT"
  service_log "$HAP_LOG"
  as_service haproxy -c -q -f "$HAP_DIR/haproxy.cfg" >>"$HAP_LOG" 2>&1 || fail_component haproxy "$HAP_LOG" "invalid configuration"
  as_service haproxy -D -f "$HAP_DIR/haproxy.cfg" -p "$HAP_PIDFILE" >>"$HAP_LOG" 2>&1 || fail_component haproxy "$HAP_LOG" "haproxy did not start"
  wait_until "$STACK_WAIT_SECONDS" haproxy_up || fail_component haproxy "$HAP_LOG" "no stats on $HAP_STATS_URL"
}

haproxy_stop() { stop_pidfile "$HAP_PIDFILE" TERM 10; }
