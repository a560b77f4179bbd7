# Redis for the local stack: deploy/redis/redis.conf (AOF, fsync on every write) plus the local
# port, directory and pid file. Runs as the service user, daemonised.
# shellcheck shell=bash

REDIS_DIR="$STACK_DIR/redis"
REDIS_PIDFILE="$REDIS_DIR/redis.pid"
REDIS_LOG="$LOGS/redis.log"

redis_write_conf() {
  update_file "$REDIS_DIR/redis.conf" 600 <<EOF
# Written by infra/local/redis.sh; the production settings come first, the local ones override.
# deploy/redis/redis.conf digest: $(digest_of "$PORTCULLIS_ROOT/deploy/redis/redis.conf")
include $PORTCULLIS_ROOT/deploy/redis/redis.conf
bind 127.0.0.1
port $STACK_REDIS_PORT
dir $REDIS_DIR
daemonize yes
supervised no
pidfile $REDIS_PIDFILE
logfile $REDIS_LOG
# The config path in the process title: how stack.sh down recognises a Redis whose pid file is gone.
proc-title-template "{title} {listen-addr} {server-mode} {config-file}"
EOF
}

redis_ping() { [ "$(redis-cli -h 127.0.0.1 -p "$STACK_REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

redis_start() {
  local changed=no
  service_dir "$REDIS_DIR" 700
  if redis_write_conf; then changed=yes; fi
  if [ "$changed" = no ] && live_pid "$REDIS_PIDFILE" >/dev/null && redis_ping; then return 0; fi
  redis_stop
  require_port_free redis "$STACK_REDIS_PORT"
  service_log "$REDIS_LOG"
  as_service redis-server "$REDIS_DIR/redis.conf" >>"$REDIS_LOG" 2>&1 || fail_component redis "$REDIS_LOG" "redis-server did not start"
  wait_until "$STACK_WAIT_SECONDS" redis_ping || fail_component redis "$REDIS_LOG" "no PONG on port $STACK_REDIS_PORT"
}

# SIGTERM: Redis fsyncs the AOF and exits. Nothing acknowledged is lost either way (fsync always).
redis_stop() { stop_pidfile "$REDIS_PIDFILE" TERM 10; }
