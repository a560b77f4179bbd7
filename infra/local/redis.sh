# Redis for the local stack: two data nodes run from deploy/redis/redis.conf (AOF, fsync on
# every write) plus the local port, directory and pid file, daemonised as the service user.
# Node 1 (STACK_REDIS_PORT) starts as the primary and node 2 (STACK_REDIS_REPLICA_PORT) as its
# replica; after that the three Sentinels (sentinel.sh) own the roles: a node (re)started by
# this file follows whichever node the Sentinels name as the primary.
# shellcheck shell=bash

REDIS_NODES=2
redis_node_port() { if [ "$1" = 1 ]; then echo "$STACK_REDIS_PORT"; else echo "$STACK_REDIS_REPLICA_PORT"; fi; }
# Node 1 keeps the directory of the single-Redis stack, so an existing .stack/ keeps its data.
redis_node_dir() { if [ "$1" = 1 ]; then echo "$STACK_DIR/redis"; else echo "$STACK_DIR/redis-$1"; fi; }
redis_node_pidfile() { echo "$(redis_node_dir "$1")/redis.pid"; }
redis_node_log() { if [ "$1" = 1 ]; then echo "$LOGS/redis.log"; else echo "$LOGS/redis-$1.log"; fi; }
redis_cli() { local port="$1"; shift; redis-cli -h 127.0.0.1 -p "$port" "$@"; }

# The rendered settings are kept as redis.conf.stack; a change there restarts the node. The
# role is not part of them: redis.conf is the settings plus the role the node starts in, written
# at each start, and Sentinel rewrites it (CONFIG REWRITE) on every role change at run time.
redis_write_conf() {
  local n="$1" dir
  dir="$(redis_node_dir "$n")"
  update_file "$dir/redis.conf.stack" 600 <<EOF
# Written by infra/local/redis.sh; the production settings come first, the local ones override.
# deploy/redis/redis.conf digest: $(digest_of "$PORTCULLIS_ROOT/deploy/redis/redis.conf")
include $PORTCULLIS_ROOT/deploy/redis/redis.conf
bind 127.0.0.1
port $(redis_node_port "$n")
dir $dir
daemonize yes
supervised no
pidfile $(redis_node_pidfile "$n")
logfile $(redis_node_log "$n")
# The config path in the process title: how stack.sh down recognises a Redis whose pid file is gone.
proc-title-template "{title} {listen-addr} {server-mode} {config-file}"
EOF
}

# redis.conf for a start: the settings, then the role (a replica of the current primary).
redis_write_start_conf() {
  local n="$1" dir primary
  dir="$(redis_node_dir "$n")"
  primary="$(redis_primary_port)"
  {
    cat "$dir/redis.conf.stack"
    if [ "$primary" != "$(redis_node_port "$n")" ]; then echo "replicaof 127.0.0.1 $primary"; fi
  } | service_file "$dir/redis.conf" 600
}

# The port of the node that should be the primary: what the Sentinels say, else what they last
# wrote to their configuration (a stack that was stopped after a failover), else node 1.
redis_primary_port() {
  local port
  port="$(sentinel_primary_port 2>/dev/null || true)"
  echo "${port:-$STACK_REDIS_PORT}"
}

redis_ping() { [ "$(redis_cli "${1:-$(redis_primary_port)}" ping 2>/dev/null)" = PONG ]; }
# `master` or `slave`, from the node itself.
redis_role() { redis_cli "$1" role 2>/dev/null | head -n1; }

redis_start_node() {
  local n="$1" dir port log
  dir="$(redis_node_dir "$n")"; port="$(redis_node_port "$n")"; log="$(redis_node_log "$n")"
  service_dir "$dir" 700
  if ! redis_write_conf "$n" && live_pid "$(redis_node_pidfile "$n")" >/dev/null && redis_ping "$port"; then return 0; fi
  redis_stop_node "$n"
  require_port_free "redis $n" "$port"
  redis_write_start_conf "$n"
  service_log "$log"
  as_service redis-server "$dir/redis.conf" >>"$log" 2>&1 || fail_component "redis $n" "$log" "redis-server did not start"
  wait_until "$STACK_WAIT_SECONDS" redis_ping "$port" || fail_component "redis $n" "$log" "no PONG on port $port"
}

# The primary first, so the replica has something to follow; then until the replica has synced
# (consume writes wait for it: without it, codes and refresh tokens cannot be redeemed).
redis_start() {
  local n primary port
  primary="$(redis_primary_port)"
  for ((n = 1; n <= REDIS_NODES; n++)); do [ "$(redis_node_port "$n")" = "$primary" ] && redis_start_node "$n"; done
  for ((n = 1; n <= REDIS_NODES; n++)); do
    port="$(redis_node_port "$n")"
    [ "$port" = "$primary" ] && continue
    redis_start_node "$n"
    wait_until "$STACK_WAIT_SECONDS" redis_replica_synced "$port" || fail_component "redis $n" "$(redis_node_log "$n")" "did not sync with the primary on port $primary"
  done
  return 0
}

# A replica whose link to its primary is up: the initial sync is done.
redis_replica_synced() {
  local info
  info="$(redis_cli "$1" info replication 2>/dev/null | tr -d '\r')"
  grep -q '^master_link_status:up' <<<"$info"
}

# SIGTERM: Redis fsyncs the AOF and exits. Nothing acknowledged is lost either way (fsync always).
redis_stop_node() { stop_pidfile "$(redis_node_pidfile "$1")" TERM 10; }

# The replicas first: with no replica left, the Sentinels have nothing to promote, so stopping
# Redis is an outage (what stop-redis is for), never a failover.
redis_stop() {
  local n primary
  primary="$(redis_primary_port)"
  for ((n = REDIS_NODES; n >= 1; n--)); do [ "$(redis_node_port "$n")" != "$primary" ] && redis_stop_node "$n"; done
  for ((n = 1; n <= REDIS_NODES; n++)); do redis_stop_node "$n"; done
}

# kill -9 of the current primary (drill 3): no AOF flush, no goodbye to the replica.
redis_kill_primary() {
  local n primary
  primary="$(sentinel_primary_port)" || die "no Sentinel names a Redis primary"
  for ((n = 1; n <= REDIS_NODES; n++)); do
    if [ "$(redis_node_port "$n")" = "$primary" ]; then stop_pidfile "$(redis_node_pidfile "$n")" KILL 5; say "killed redis $n (port $primary)"; return 0; fi
  done
  die "the Sentinels' primary (port $primary) is not a node of this stack"
}
