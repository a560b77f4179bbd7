# Redis Sentinel for the local stack: three Sentinels (Debian `redis-sentinel`) watch the two
# Redis nodes of redis.sh under the name STACK_REDIS_SENTINEL_NAME, with a quorum of two. When
# the primary stops answering for STACK_SENTINEL_DOWN_AFTER_MS, a majority of them elect a
# leader, which promotes the replica and points the old primary at it when it comes back. The
# app instances find the primary through them (REDIS_SENTINELS), so a promotion needs no
# restart. Sentinel N listens on STACK_SENTINEL_BASE_PORT + N - 1; state in .stack/sentinel/.
# shellcheck shell=bash

SENTINELS=3
SENTINEL_QUORUM=2
SENTINEL_DIR="$STACK_DIR/sentinel"
sentinel_port() { echo $((STACK_SENTINEL_BASE_PORT + $1 - 1)); }
sentinel_conf() { echo "$SENTINEL_DIR/sentinel-$1.conf"; }
sentinel_pidfile() { echo "$SENTINEL_DIR/sentinel-$1.pid"; }
sentinel_log() { echo "$LOGS/sentinel-$1.log"; }
sentinel_addresses() {
  local i out=()
  for ((i = 1; i <= SENTINELS; i++)); do out+=("127.0.0.1:$(sentinel_port "$i")"); done
  local IFS=,; echo "${out[*]}"
}

# Written once: a Sentinel rewrites its own file as it learns (the other Sentinels, the replica,
# the current primary after a failover), and that file is its memory across restarts.
# `down --purge` starts over.
sentinel_write_conf() {
  local i="$1"
  [ -f "$(sentinel_conf "$i")" ] && return 0
  service_file "$(sentinel_conf "$i")" 600 <<EOF
# Written once by infra/local/sentinel.sh; Sentinel rewrites it from here on.
bind 127.0.0.1
port $(sentinel_port "$i")
daemonize yes
pidfile $(sentinel_pidfile "$i")
logfile $(sentinel_log "$i")
dir $SENTINEL_DIR
proc-title-template "{title} {listen-addr} {server-mode} {config-file}"
sentinel monitor $STACK_REDIS_SENTINEL_NAME 127.0.0.1 $STACK_REDIS_PORT $SENTINEL_QUORUM
sentinel down-after-milliseconds $STACK_REDIS_SENTINEL_NAME $STACK_SENTINEL_DOWN_AFTER_MS
sentinel failover-timeout $STACK_REDIS_SENTINEL_NAME $STACK_SENTINEL_FAILOVER_TIMEOUT_MS
sentinel parallel-syncs $STACK_REDIS_SENTINEL_NAME 1
EOF
}

sentinel_cli() { local i="$1"; shift; redis-cli -h 127.0.0.1 -p "$(sentinel_port "$i")" "$@"; }
sentinel_ping() { [ "$(sentinel_cli "$1" ping 2>/dev/null)" = PONG ]; }
# OK when enough Sentinels to authorise a failover see each other (SENTINEL CKQUORUM).
sentinel_quorum() { sentinel_cli "$1" sentinel ckquorum "$STACK_REDIS_SENTINEL_NAME" 2>/dev/null; }
sentinel_quorum_ok() { sentinel_quorum "$1" | grep -q "^OK $SENTINELS usable"; }

# The port of the primary as the first Sentinel that answers names it; with none running, as
# the first Sentinel configuration names it (they rewrite `sentinel monitor` on a failover).
sentinel_primary_port() {
  local i port
  for ((i = 1; i <= SENTINELS; i++)); do
    port="$(sentinel_cli "$i" sentinel get-master-addr-by-name "$STACK_REDIS_SENTINEL_NAME" 2>/dev/null | sed -n 2p)"
    if [[ "$port" =~ ^[0-9]+$ ]]; then echo "$port"; return 0; fi
  done
  for ((i = 1; i <= SENTINELS; i++)); do
    [ -f "$(sentinel_conf "$i")" ] || continue
    port="$(awk -v name="$STACK_REDIS_SENTINEL_NAME" '$1 == "sentinel" && $2 == "monitor" && $3 == name { print $5 }' "$(sentinel_conf "$i")")"
    if [[ "$port" =~ ^[0-9]+$ ]]; then echo "$port"; return 0; fi
  done
  return 1
}

sentinel_start_one() {
  local i="$1"
  sentinel_write_conf "$i"
  if live_pid "$(sentinel_pidfile "$i")" >/dev/null && sentinel_ping "$i"; then return 0; fi
  sentinel_stop_one "$i"
  require_port_free "sentinel $i" "$(sentinel_port "$i")"
  service_log "$(sentinel_log "$i")"
  as_service redis-sentinel "$(sentinel_conf "$i")" >>"$(sentinel_log "$i")" 2>&1 || fail_component "sentinel $i" "$(sentinel_log "$i")" "redis-sentinel did not start"
  wait_until "$STACK_WAIT_SECONDS" sentinel_ping "$i" || fail_component "sentinel $i" "$(sentinel_log "$i")" "no PONG on port $(sentinel_port "$i")"
}

# The timings of stack.env, also on a Sentinel whose file was written with other ones.
sentinel_apply_settings() {
  sentinel_cli "$1" sentinel set "$STACK_REDIS_SENTINEL_NAME" down-after-milliseconds "$STACK_SENTINEL_DOWN_AFTER_MS" failover-timeout "$STACK_SENTINEL_FAILOVER_TIMEOUT_MS" >/dev/null
}

# All three, then until they have found each other (hello messages every 2 s) and can agree.
sentinel_start() {
  local i
  service_dir "$SENTINEL_DIR" 700
  for ((i = 1; i <= SENTINELS; i++)); do sentinel_start_one "$i"; sentinel_apply_settings "$i"; done
  wait_until "$STACK_WAIT_SECONDS" sentinel_quorum_ok 1 || fail_component "sentinel 1" "$(sentinel_log 1)" "no quorum: $(sentinel_quorum 1)"
}

sentinel_stop_one() { stop_pidfile "$(sentinel_pidfile "$1")" TERM 10; }
sentinel_stop() {
  local i
  for ((i = 1; i <= SENTINELS; i++)); do sentinel_stop_one "$i"; done
}

# Waits until a Sentinel names a primary other than `old` and that node answers as a primary.
sentinel_wait_promotion() {
  local old="$1"
  promoted() { local p; p="$(sentinel_primary_port)" && [ "$p" != "$old" ] && [ "$(redis_role "$p")" = master ]; }
  wait_until "$STACK_WAIT_SECONDS" promoted || die "no replica was promoted within ${STACK_WAIT_SECONDS}s"
}

# Status rows: each Redis node's role as it reports it, and each Sentinel's view.
status_redis() {
  local n port role primary
  primary="$(sentinel_primary_port 2>/dev/null || true)"
  for ((n = 1; n <= REDIS_NODES; n++)); do
    port="$(redis_node_port "$n")"
    if ! redis_ping "$port"; then bad_row "redis $n" "redis://127.0.0.1:$port" DOWN; continue; fi
    role="$(redis_role "$port")"
    if [ "$role" = master ] && [ "$port" = "$primary" ]; then
      row "redis $n" "redis://127.0.0.1:$port" "up, primary, $(redis_replicas_state "$port"), $(redis_aof_state "$port")"
    elif [ "$role" = slave ]; then
      row "redis $n" "redis://127.0.0.1:$port" "up, replica of $(redis_cli "$port" role 2>/dev/null | sed -n 2,3p | paste -sd:) ($(redis_link_state "$port"))"
    else
      bad_row "redis $n" "redis://127.0.0.1:$port" "up, $role, but the Sentinels name ${primary:-no node} as the primary"
    fi
  done
  for ((n = 1; n <= SENTINELS; n++)); do
    if ! sentinel_ping "$n"; then bad_row "sentinel $n" "127.0.0.1:$(sentinel_port "$n")" DOWN; continue; fi
    if sentinel_quorum_ok "$n"; then
      row "sentinel $n" "127.0.0.1:$(sentinel_port "$n")" "up, primary port $primary, $(sentinel_quorum "$n" | cut -d' ' -f2-4)"
    else
      bad_row "sentinel $n" "127.0.0.1:$(sentinel_port "$n")" "up, NO QUORUM: $(sentinel_quorum "$n")"
    fi
  done
}

redis_replicas_state() { echo "$(redis_cli "$1" info replication 2>/dev/null | tr -d '\r' | sed -n 's/^connected_slaves:/replicas: /p')"; }
redis_link_state() { redis_cli "$1" info replication 2>/dev/null | tr -d '\r' | sed -n 's/^master_link_status:/link /p'; }
redis_aof_state() { redis_cli "$1" config get appendfsync 2>/dev/null | tail -n1 | sed 's/^/appendfsync /'; }

sentinel_env() {
  cat <<EOF
STACK_REDIS_SENTINELS=$(sentinel_addresses)
STACK_REDIS_SENTINEL_NAME=$STACK_REDIS_SENTINEL_NAME
STACK_REDIS_NODE_URLS=redis://127.0.0.1:$STACK_REDIS_PORT,redis://127.0.0.1:$STACK_REDIS_REPLICA_PORT
EOF
}

# Every port of the Redis part beyond STACK_REDIS_PORT (for the sweep in sweep.sh).
sentinel_stack_ports() {
  local i
  for ((i = SENTINELS; i >= 1; i--)); do sentinel_port "$i"; done
  echo "$STACK_REDIS_REPLICA_PORT"
}
