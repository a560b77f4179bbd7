# etcd for the local stack: the three-member store Patroni keeps its leader lock and cluster
# state in (Debian etcd-server). Three processes on 127.0.0.1, so the store itself survives one
# member's loss as a production cluster of three hosts does (quorum is two). Patroni talks to it
# over the v2 API (--enable-v2): see patroni.sh for why; etcdctl (health, status) uses v3.
#   member N (1..3): client http://127.0.0.1:$STACK_ETCD_CLIENT_BASE_PORT+N-1,
#                    peer   http://127.0.0.1:$STACK_ETCD_PEER_BASE_PORT+N-1
#   state: .stack/etcd/etcdN/, logs/etcd-N.log, pid files .stack/etcd/etcdN.pid
# Runs as the invoking user: etcd needs no privilege and holds no database files.
# shellcheck shell=bash

ETCD_DIR="$STACK_DIR/etcd"
ETCD_MEMBERS=3

etcd_client_port() { echo $((STACK_ETCD_CLIENT_BASE_PORT + $1 - 1)); }
etcd_peer_port() { echo $((STACK_ETCD_PEER_BASE_PORT + $1 - 1)); }
etcd_pidfile() { echo "$ETCD_DIR/etcd$1.pid"; }
etcd_log() { echo "$LOGS/etcd-$1.log"; }

# host:port,host:port,… (Patroni's etcd.hosts) or http://…,http://… (etcdctl --endpoints).
etcd_hosts() {
  local n out=()
  for ((n = 1; n <= ETCD_MEMBERS; n++)); do out+=("${1:-}127.0.0.1:$(etcd_client_port "$n")"); done
  local IFS=,; echo "${out[*]}"
}

etcd_initial_cluster() {
  local n out=()
  for ((n = 1; n <= ETCD_MEMBERS; n++)); do out+=("etcd$n=http://127.0.0.1:$(etcd_peer_port "$n")"); done
  local IFS=,; echo "${out[*]}"
}

etcdctl_run() { ETCDCTL_API=3 etcdctl --endpoints="$(etcd_hosts http://)" --dial-timeout=1s --command-timeout=2s "$@"; }

etcd_member_healthy() {
  ETCDCTL_API=3 etcdctl --endpoints="http://127.0.0.1:$(etcd_client_port "$1")" --dial-timeout=1s --command-timeout=2s \
    endpoint health >/dev/null 2>&1
}
etcd_healthy() { etcdctl_run endpoint health >/dev/null 2>&1; }

# Starts member N in the background. A data directory from an earlier run rejoins the same
# cluster (etcd ignores the --initial-* flags once it has data).
etcd_spawn() {
  local n="$1" log
  log="$(etcd_log "$n")"
  require_port_free "etcd $n" "$(etcd_client_port "$n")"
  require_port_free "etcd $n peer" "$(etcd_peer_port "$n")"
  mkdir -p "$ETCD_DIR/etcd$n"
  chmod 700 "$ETCD_DIR/etcd$n"
  (
    cd "$PORTCULLIS_ROOT" || exit 1
    exec setsid etcd --name "etcd$n" --data-dir "$ETCD_DIR/etcd$n" \
      --listen-client-urls "http://127.0.0.1:$(etcd_client_port "$n")" \
      --advertise-client-urls "http://127.0.0.1:$(etcd_client_port "$n")" \
      --listen-peer-urls "http://127.0.0.1:$(etcd_peer_port "$n")" \
      --initial-advertise-peer-urls "http://127.0.0.1:$(etcd_peer_port "$n")" \
      --initial-cluster "$(etcd_initial_cluster)" --initial-cluster-state new \
      --initial-cluster-token portcullis-stack --log-level warn --enable-v2=true
  ) >>"$log" 2>&1 </dev/null &
  echo $! >"$(etcd_pidfile "$n")"
}

etcd_up() {
  local n
  mkdir -p "$ETCD_DIR"
  # All members at once: the first one alone has no quorum and would wait for the others.
  for ((n = 1; n <= ETCD_MEMBERS; n++)); do
    if live_pid "$(etcd_pidfile "$n")" >/dev/null; then continue; fi
    etcd_spawn "$n"
  done
  for ((n = 1; n <= ETCD_MEMBERS; n++)); do
    wait_until "$STACK_WAIT_SECONDS" etcd_member_healthy "$n" \
      || fail_component "etcd $n" "$(etcd_log "$n")" "not healthy on 127.0.0.1:$(etcd_client_port "$n") after ${STACK_WAIT_SECONDS}s"
  done
}

etcd_down() {
  local n
  for ((n = 1; n <= ETCD_MEMBERS; n++)); do stop_pidfile "$(etcd_pidfile "$n")" TERM 10; done
}

etcd_ports() {
  local n
  for ((n = 1; n <= ETCD_MEMBERS; n++)); do etcd_client_port "$n"; etcd_peer_port "$n"; done
}

etcd_require_tools() {
  command -v etcd >/dev/null 2>&1 && command -v etcdctl >/dev/null 2>&1 \
    || die "missing: etcd, etcdctl; install them with: bash scripts/system-packages.sh"
}

# One status row per member: healthy or not, and which one leads the Raft group.
status_etcd() {
  local n leader=""
  leader="$(etcdctl_run endpoint status -w simple 2>/dev/null | awk -F', ' '$5 == "true" { print $1 }' | head -n1)"
  for ((n = 1; n <= ETCD_MEMBERS; n++)); do
    if etcd_member_healthy "$n"; then
      if [ "$leader" = "http://127.0.0.1:$(etcd_client_port "$n")" ]; then row "etcd $n" "127.0.0.1:$(etcd_client_port "$n")" "up, healthy (raft leader)"
      else row "etcd $n" "127.0.0.1:$(etcd_client_port "$n")" "up, healthy"; fi
    else
      bad_row "etcd $n" "127.0.0.1:$(etcd_client_port "$n")" DOWN
    fi
  done
}
