# What the stack reports: the component table (after up, and for status, which exits 1 when
# anything is unhealthy) and the KEY=VALUE endpoint list that tests read (`stack.sh env`).
# shellcheck shell=bash

ROWS=()
UNHEALTHY=0
row() { ROWS+=("$1"$'\t'"$2"$'\t'"$3"); }
bad_row() { row "$1" "$2" "$3"; UNHEALTHY=$((UNHEALTHY + 1)); }

print_rows() {
  local line name addr state
  printf '%-18s %-42s %s\n' COMPONENT ADDRESS STATE
  for line in "${ROWS[@]}"; do
    IFS=$'\t' read -r name addr state <<<"$line"
    printf '%-18s %-42s %s\n' "$name" "$addr" "$state"
  done
}

status_services() {
  local up f
  if pgbouncer_healthy; then row pgbouncer "127.0.0.1:$STACK_PGBOUNCER_PORT" "up (select 1 through the pool)"
  else bad_row pgbouncer "127.0.0.1:$STACK_PGBOUNCER_PORT" DOWN; fi
  if haproxy_up; then
    up="$(haproxy_server_states | awk '$1 == "pg_read" && $2 != "primary" && $3 == "UP"' | wc -l)"
    if [ "$up" -eq "$STACK_PG_REPLICAS" ]; then f=row; else f=bad_row; fi
    $f "haproxy reads" "127.0.0.1:$STACK_HAPROXY_READ_PORT" "up, $up/$STACK_PG_REPLICAS replicas UP"
    up="$(haproxy_server_states | awk '$1 == "pg_write" && $3 == "UP" { print $2 }' | paste -sd, -)"
    if [ -n "$up" ] && [[ "$up" != *,* ]]; then row "haproxy writes" "127.0.0.1:$STACK_HAPROXY_WRITE_PORT" "up, primary $up"
    else bad_row "haproxy writes" "127.0.0.1:$STACK_HAPROXY_WRITE_PORT" "up, primary: ${up:-NONE}"; fi
    row "haproxy stats" "$HAP_STATS_URL" "up (CSV: ${HAP_STATS_URL};csv)"
  else
    bad_row "haproxy" "127.0.0.1:$STACK_HAPROXY_WRITE_PORT" DOWN
  fi
  status_redis
}

status_front() {
  local i code
  for ((i = 1; i <= STACK_APP_INSTANCES; i++)); do
    if app_healthy "$i"; then row "app $i" "http://127.0.0.1:$(app_public_port "$i")" "up (admin $(app_admin_url "$i"): healthz 200, readyz $(app_readiness "$i"))"
    else bad_row "app $i" "http://127.0.0.1:$(app_public_port "$i")" "DOWN (admin $(app_admin_url "$i"))"; fi
  done
  code="$(nginx_discovery_status)"
  if [ "$code" = 200 ]; then row nginx "$NGINX_URL" "up (issuer $STACK_ISSUER, discovery 200)"
  else bad_row nginx "$NGINX_URL" "DOWN (discovery answers ${code:-nothing})"; fi
}

# The readiness answer in one line (`status:ready,primary:ok,reader:ok,redis:ok`); informational,
# since a dependency that is down shows in its own row.
app_readiness() {
  curl -s --max-time 3 "$(app_admin_url "$1")/readyz" 2>/dev/null | sed 's/[{}"]//g; s/checks://' || true
}

collect_status() {
  ROWS=(); UNHEALTHY=0
  if [ -f "$SECRETS_FILE" ]; then secrets_load; else PG_PASSWORD=""; fi
  status_etcd
  status_patroni
  status_services
  status_smtp
  status_front
}

# After `up`: everything was just checked, so the table is the endpoint list.
report_table() {
  collect_status
  print_rows
}

report_status() {
  collect_status
  print_rows
  if [ "$UNHEALTHY" -gt 0 ]; then say "$UNHEALTHY component(s) unhealthy"; exit 1; fi
}

join_by_comma() { local IFS=,; echo "$*"; }

report_env() {
  local i admins=() publics=() replicas=() members=() rests=() pg="portcullis:$PG_PASSWORD@127.0.0.1"
  for ((i = 1; i <= STACK_APP_INSTANCES; i++)); do
    admins+=("$(app_admin_url "$i")"); publics+=("http://127.0.0.1:$(app_public_port "$i")")
  done
  for ((i = 1; i <= STACK_PG_REPLICAS; i++)); do replicas+=("postgres://$pg:$(pg_port "$i")/portcullis"); done
  for ((i = 0; i < PG_MEMBERS; i++)); do members+=("postgres://$pg:$(pg_port "$i")/portcullis"); rests+=("$(patroni_url "$i")"); done
  cat <<EOF
STACK_ISSUER=$STACK_ISSUER
STACK_NGINX_URL=$NGINX_URL
STACK_ADMIN_URLS=$(join_by_comma "${admins[@]}")
STACK_PUBLIC_URLS=$(join_by_comma "${publics[@]}")
STACK_ADMIN_TOKEN=$ADMIN_TOKEN
STACK_DATABASE_URL=postgres://$pg:$STACK_HAPROXY_WRITE_PORT/portcullis
STACK_PG_MEMBER_URLS=$(join_by_comma "${members[@]}")
STACK_PATRONI_URLS=$(join_by_comma "${rests[@]}")
STACK_PGBOUNCER_URL=postgres://$pg:$STACK_PGBOUNCER_PORT/portcullis
STACK_READ_URL=postgres://$pg:$STACK_HAPROXY_READ_PORT/portcullis
STACK_REPLICA_URLS=$(join_by_comma "${replicas[@]}")
STACK_REDIS_URL=redis://127.0.0.1:$STACK_REDIS_PORT
STACK_HAPROXY_STATS_URL=$HAP_STATS_URL
STACK_PGBOUNCER_POOL_SIZE=$STACK_PGBOUNCER_POOL_SIZE
STACK_COOKIE_KEYS=$COOKIE_KEYS
STACK_ENCRYPTION_KEY=$ENCRYPTION_KEY
STACK_DIR=$STACK_DIR
EOF
}
