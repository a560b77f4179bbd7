# The last step of `down`: whatever still listens on a stack port after the orderly stops (a
# component whose pid file was lost, a .stack deleted by hand while running) is stopped too,
# but only when it is provably the stack's (pid_is_ours in lib.sh). Anything else is reported
# and left alone.
# shellcheck shell=bash

# Front to back, the order `down` stops things in.
stack_ports() {
  local i
  echo "$STACK_NGINX_PORT"
  echo "$STACK_SMTP_PORT"
  for ((i = 1; i <= STACK_APP_INSTANCES; i++)); do app_public_port "$i"; app_admin_port "$i"; done
  echo "$STACK_HAPROXY_WRITE_PORT" "$STACK_HAPROXY_READ_PORT" "$STACK_HAPROXY_STATS_PORT" "$STACK_PGBOUNCER_PORT"
  sentinel_stack_ports
  echo "$STACK_REDIS_PORT"
  patroni_ports
  etcd_ports
}

# Linux hands out ports 32768-60999 as the local side of outgoing connections, and the stack's
# ports sit in that range. A client polling a port before its server listens (a wait loop, a
# health check) can be given that very port as its own and connect to itself (a TCP
# self-connect), which then holds it: the server fails with "Address already in use" (seen once
# with a Patroni REST port in a full test run). Reserving the stack's ports keeps the kernel from
# handing them out (ip_local_reserved_ports: ports given explicitly still bind). Needs root;
# otherwise the stack runs as before and says so.
reserve_stack_ports() {
  local file=/proc/sys/net/ipv4/ip_local_reserved_ports current wanted
  current="$(cat "$file" 2>/dev/null)" || return 0
  wanted="$({ tr ',' '\n' <<<"$current"; stack_ports | tr ' ' '\n'; echo "$STACK_PROMETHEUS_PORT"; echo "$STACK_RSYSLOG_PORT"; } | grep -v '^$' | sort -un | paste -sd, -)"
  [ "$wanted" = "$current" ] && return 0
  if ! { [ -w "$file" ] && echo "$wanted" >"$file"; } 2>/dev/null; then
    say "note: could not reserve the stack's ports in $file (not root?); a port may rarely be taken by an outgoing connection"
  fi
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
