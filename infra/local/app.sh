# Portcullis app instances for the local stack: N processes in production mode, writes through
# PgBouncer, reads through HAProxy, Redis for short-lived state, issuer = the Nginx front.
# They run the built JavaScript (packages/*/dist, `npm run build`, rebuilt by app_up) as production
# does: `node --conditions=portcullis-dist`, no tsx.
# Each instance: .stack/app/app-N.pid, .stack/logs/app-N.log, public and admin ports from
# stack.env. Runs as the invoking user (the app needs no privilege and no special user).
# shellcheck shell=bash

APP_DIR="$STACK_DIR/app"

app_public_port() { echo $((STACK_APP_PUBLIC_BASE_PORT + $1 - 1)); }
app_admin_port() { echo $((STACK_APP_ADMIN_BASE_PORT + $1 - 1)); }
app_pidfile() { echo "$APP_DIR/app-$1.pid"; }
app_log() { echo "$LOGS/app-$1.log"; }
app_admin_url() { echo "http://127.0.0.1:$(app_admin_port "$1")"; }

app_healthy() { curl -fsS --max-time 2 -o /dev/null "$(app_admin_url "$1")/healthz" 2>/dev/null; }
app_running() { live_pid "$(app_pidfile "$1")" >/dev/null; }

# Starts instance N in the background without waiting. setsid: its own session, so a Ctrl-C
# in the terminal that ran stack:up does not reach it. env -i: only the variables listed here,
# so nothing from the caller's shell (a DEMO or DATA_DIR) changes how the instance runs — except
# STACK_APP_NODE_OPTIONS, which becomes NODE_OPTIONS (`npm run bench -- --stack --cpu-prof` uses it), and
# STACK_APP_ENCRYPTION_KEYS, which becomes ENCRYPTION_KEYS in place of the stack's ENCRYPTION_KEY.
app_node_path() {
  if [ -x "$PORTCULLIS_ROOT/.tools/node/bin/node" ]; then echo "$PORTCULLIS_ROOT/.tools/node/bin:$PATH"; else echo "$PATH"; fi
}

# Compiles the workspace to packages/*/dist (under a second), so the instances run this checkout's code.
app_build() {
  (cd "$PORTCULLIS_ROOT" && PATH="$(app_node_path)" node --import tsx scripts/build.ts) >>"$LOGS/build.log" 2>&1 \
    || fail_component "build" "$LOGS/build.log" "npm run build failed"
}

app_spawn() {
  local i="$1" node_path encryption=("ENCRYPTION_KEY=$ENCRYPTION_KEY")
  node_path="$(app_node_path)"
  # A key ring instead of the stack's one key (test/stack/key-rotation.test.ts).
  if [ -n "${STACK_APP_ENCRYPTION_KEYS:-}" ]; then encryption=("ENCRYPTION_KEYS=$STACK_APP_ENCRYPTION_KEYS"); fi
  mkdir -p "$APP_DIR"
  require_port_free "app $i" "$(app_public_port "$i")"
  require_port_free "app $i admin" "$(app_admin_port "$i")"
  printf '\n--- stack: starting app %s at %s ---\n' "$i" "$(date -Is)" >>"$(app_log "$i")"
  (
    cd "$PORTCULLIS_ROOT" || exit 1
    exec env -i PATH="$node_path" HOME="${HOME:-/root}" NODE_ENV=production \
      DATABASE_URL="postgres://portcullis:$PG_PASSWORD@127.0.0.1:$STACK_PGBOUNCER_PORT/portcullis" \
      DATABASE_READ_URL="postgres://portcullis:$PG_PASSWORD@127.0.0.1:$STACK_HAPROXY_READ_PORT/portcullis" \
      REDIS_SENTINELS="$(sentinel_addresses)" REDIS_SENTINEL_NAME="$STACK_REDIS_SENTINEL_NAME" \
      ISSUER="$STACK_ISSUER" TRUST_PROXY=true RATE_LIMIT_EXEMPT="$STACK_NGINX_LIMIT_EXEMPT" \
      HOST=127.0.0.1 PORT="$(app_public_port "$i")" \
      ADMIN_HOST=127.0.0.1 ADMIN_PORT="$(app_admin_port "$i")" \
      COOKIE_KEYS="$COOKIE_KEYS" "${encryption[@]}" ADMIN_TOKEN="$ADMIN_TOKEN" \
      LOG_LEVEL="$STACK_APP_LOG_LEVEL" LOG_SHIP_URL="$LOG_SHIP_URL" \
      SMTP_URL="smtp://127.0.0.1:$STACK_SMTP_PORT" MAIL_RETRY_BASE_MS="$STACK_MAIL_RETRY_BASE_MS" \
      NODE_OPTIONS="${STACK_APP_NODE_OPTIONS:-}" \
      setsid node --conditions=portcullis-dist packages/server/dist/main.js
  ) >>"$(app_log "$i")" 2>&1 </dev/null &
  echo $! >"$(app_pidfile "$i")"
}

# Waits for /healthz on the admin listener; an instance that exits meanwhile fails at once.
app_wait() {
  local i="$1" deadline=$((SECONDS + STACK_WAIT_SECONDS))
  until app_healthy "$i"; do
    app_running "$i" || fail_component "app $i" "$(app_log "$i")" "the process exited during start"
    [ "$SECONDS" -lt "$deadline" ] || fail_component "app $i" "$(app_log "$i")" "no 200 from $(app_admin_url "$i")/healthz after ${STACK_WAIT_SECONDS}s"
    sleep 0.2
  done
}

# Starts instance N unless it is already healthy (`app_start N nowait` leaves the wait to the caller).
app_start() {
  local i="$1"
  if app_running "$i" && app_healthy "$i"; then return 0; fi
  app_stop "$i"
  app_spawn "$i"
  [ "${2:-}" = nowait ] || app_wait "$i"
}

# SIGTERM: the instance closes its listeners and pools, then exits (main.ts).
app_stop() { stop_pidfile "$(app_pidfile "$1")" TERM 15; }
app_kill() { stop_pidfile "$(app_pidfile "$1")" KILL 5; }

# Instance 1 first: it applies pending migrations while nobody else does, then the rest together.
app_up() {
  local i
  app_build
  app_start 1
  for ((i = 2; i <= STACK_APP_INSTANCES; i++)); do app_start "$i" nowait; done
  for ((i = 2; i <= STACK_APP_INSTANCES; i++)); do app_wait "$i"; done
}

# Every instance that has a pid file, including ones beyond the current STACK_APP_INSTANCES.
app_down() {
  local file
  for file in "$APP_DIR"/app-*.pid; do
    [ -e "$file" ] && stop_pidfile "$file" TERM 15
  done
  return 0
}
