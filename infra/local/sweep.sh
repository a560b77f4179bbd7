# The last step of `down`: whatever still listens on a stack port after the orderly stops (a
# component whose pid file was lost, a .stack deleted by hand while running) is stopped too,
# but only when it is provably the stack's (pid_is_ours in lib.sh). Anything else is reported
# and left alone.
# shellcheck shell=bash

# Front to back, the order `down` stops things in.
stack_ports() {
  local i
  echo "$STACK_NGINX_PORT"
  for ((i = 1; i <= STACK_APP_INSTANCES; i++)); do app_public_port "$i"; app_admin_port "$i"; done
  echo "$STACK_HAPROXY_WRITE_PORT" "$STACK_HAPROXY_READ_PORT" "$STACK_HAPROXY_STATS_PORT" "$STACK_PGBOUNCER_PORT"
  sentinel_stack_ports
  echo "$STACK_REDIS_PORT"
  patroni_ports
  etcd_ports
}

stop_strays() {
  local port
  for port in $(stack_ports); do stop_our_listeners "$port"; done
}

# Confirms that nothing is left listening; names whatever foreign process still holds a port.
report_ports_free() {
  local port busy=()
  for port in $(stack_ports); do port_listening "$port" && busy+=("$port"); done
  if [ ${#busy[@]} -eq 0 ]; then
    say "stack is down: nothing listens on its ports ($(stack_ports | tr '\n' ' ' | sed 's/ *$//'))"
    return 0
  fi
  for port in "${busy[@]}"; do
    say "port $port is still in use by a process the stack did not start: $(ss -Hltnp "sport = :$port" | awk '{print $NF}' | head -n1)"
  done
}
