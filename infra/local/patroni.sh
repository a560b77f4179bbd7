# Patroni for the local stack: it runs the four PostgreSQL servers (members pg0..pgN), keeps its
# leader lock in etcd (etcd.sh, v2 API), bootstraps pg0 as the first primary and the others as streaming
# replicas (pg_basebackup, one replication slot each), promotes the synchronous standby when the
# primary dies, and brings an old primary back as a replica with pg_rewind. The stack scripts
# never clone, promote or demote a server themselves.
#   member N: PostgreSQL on pg_port N (postgres.sh), REST API on STACK_PATRONI_REST_BASE_PORT+N,
#             config .stack/patroni/pgN.yml, data .stack/pg/pgN, logs/patroni-pgN.log, logs/pg-pgN.log
# Patroni runs as the service user (PostgreSQL refuses root), in the foreground under setsid.
# shellcheck shell=bash

PATRONI_DIR="$STACK_DIR/patroni"
# The cluster's name in etcd (Patroni's `scope`), under the stack's own namespace.
PATRONI_SCOPE=portcullis
PATRONI_NAMESPACE=/portcullis-stack/
PG_MEMBERS=$((STACK_PG_REPLICAS + 1))

patroni_rest_port() { echo $((STACK_PATRONI_REST_BASE_PORT + $1)); }
patroni_url() { echo "http://127.0.0.1:$(patroni_rest_port "$1")"; }
patroni_conf() { echo "$PATRONI_DIR/pg$1.yml"; }
patroni_pidfile() { echo "$PATRONI_DIR/pg$1.pid"; }
patroni_log() { echo "$LOGS/patroni-pg$1.log"; }
patroni_running() { live_pid "$(patroni_pidfile "$1")" >/dev/null; }

# GET on a member's REST API: prints the body, fails on anything but 200.
patroni_get() { curl -fsS --max-time 2 "$(patroni_url "$1")$2" 2>/dev/null; }

# /cluster from the first member that answers: every member serves the whole cluster's view.
patroni_cluster() {
  local i
  for ((i = 0; i < PG_MEMBERS; i++)); do patroni_get "$i" /cluster && return 0; done
  return 1
}

# The member name (pgN) that holds the leader lock and runs as primary; fails when there is none.
patroni_leader() {
  local name
  name="$(patroni_cluster | jq -r '[.members[] | select(.role == "leader" and .state == "running") | .name][0] // empty')"
  [ -n "$name" ] && echo "$name"
}
patroni_leader_index() { local name; name="$(patroni_leader)" && echo "${name#pg}"; }
patroni_is_primary() { patroni_get "$1" /primary >/dev/null; }
patroni_is_replica() { patroni_get "$1" /replica >/dev/null; }
patroni_has_sync_standby() { patroni_cluster | jq -e 'any(.members[]; .role == "sync_standby" and (.state == "streaming" or .state == "running"))' >/dev/null; }

# The cluster-wide (DCS) settings: Patroni's failover policy and every PostgreSQL setting of
# deploy/postgresql/portcullis.conf, so production and the stack share one list. Settings that
# must match on every member (wal_level, max_wal_senders, …) are only honoured here.
patroni_write_dcs() {
  update_file "$PATRONI_DIR/dcs.yml" 600 <<EOF
# Written by infra/local/patroni.sh from deploy/postgresql/portcullis.conf; edits are overwritten.
# digest: $(digest_of "$PORTCULLIS_ROOT/deploy/postgresql/portcullis.conf" "$STACK_SRC/patroni.sh")
# The leader lock lives for ttl seconds; each member runs its loop every loop_wait seconds.
ttl: 15
loop_wait: 2
retry_timeout: 5
# A crashed primary is not restarted in place: the synchronous standby takes over (it has
# every acknowledged commit), and the old primary comes back as a replica.
primary_start_timeout: 0
maximum_lag_on_failover: 1048576
# Every commit waits for one standby to have it on disk (docs/production.md, "Synchronous
# replication"); with no standby left, the primary goes on alone rather than refuse writes.
synchronous_mode: true
synchronous_mode_strict: false
postgresql:
  use_pg_rewind: true
  use_slots: true
  parameters:
$(pg_deploy_parameters | sed 's/^/    /')
    # pg_rewind needs hint bits in the WAL (or data checksums, which initdb enables too).
    wal_log_hints: 'on'
    max_connections: 100
    max_worker_processes: 4
EOF
}

# deploy/postgresql/portcullis.conf as YAML `name: 'value'` lines (comments dropped).
pg_deploy_parameters() {
  sed -n "s/^[[:space:]]*\([a-z_.]*\)[[:space:]]*=[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*$/\1 \2/p" \
    "$PORTCULLIS_ROOT/deploy/postgresql/portcullis.conf" \
    | while read -r name value; do
        value="${value#\'}"; value="${value%\'}"
        printf "%s: '%s'\n" "$name" "${value//\'/\'\'}"
      done
}

patroni_write_conf() {
  local i="$1"
  update_file "$(patroni_conf "$i")" 600 <<EOF
# Written by infra/local/patroni.sh; edits are overwritten. Member pg$i of the local stack.
scope: $PATRONI_SCOPE
namespace: $PATRONI_NAMESPACE
name: pg$i
log:
  level: INFO
restapi:
  listen: 127.0.0.1:$(patroni_rest_port "$i")
  connect_address: 127.0.0.1:$(patroni_rest_port "$i")
# The v2 API, not etcd3: Patroni 3.0.2 (Debian 12) renews its etcd3 leader key with an
# unconditional put, so a primary whose Patroni was frozen past the lock's expiry takes the lock
# back from the member promoted meanwhile (the partition drill caught it losing acknowledged
# writes; fixed upstream in Patroni 3.0.3). The v2 renewal is a compare-and-swap on the value.
etcd:
  hosts: $(etcd_hosts)
bootstrap:
  dcs:
$(sed '/^#/d; s/^/    /' "$PATRONI_DIR/dcs.yml")
  initdb:
    - encoding: UTF8
    - locale: C
    - data-checksums
    - auth-local: peer
    - auth-host: scram-sha-256
  post_bootstrap: $PATRONI_DIR/post-bootstrap.sh
postgresql:
  listen: 127.0.0.1:$(pg_port "$i")
  connect_address: 127.0.0.1:$(pg_port "$i")
  data_dir: $(pg_data "$i")
  bin_dir: $PG_BIN
  pgpass: $PATRONI_DIR/pg$i.pgpass
  use_unix_socket: true
  authentication:
    superuser: {username: $PG_SUPERUSER, password: '$PG_SUPERUSER_PASSWORD'}
    replication: {username: replicator, password: '$PG_REPLICATION_PASSWORD'}
    rewind: {username: rewinder, password: '$PG_REWIND_PASSWORD'}
  basebackup:
    - checkpoint: fast
  # What differs from production on this member: the socket, small memory for four servers on
  # a small machine, and a log file of its own.
  parameters:
    unix_socket_directories: '$PG_RUN_DIR'
    shared_buffers: 32MB
    effective_cache_size: 128MB
    work_mem: 2MB
    maintenance_work_mem: 16MB
    max_parallel_workers_per_gather: 0
    min_wal_size: 64MB
    max_wal_size: 256MB
    max_slot_wal_keep_size: 512MB
    logging_collector: 'on'
    log_directory: '$LOGS'
    log_filename: 'pg-pg$i.log'
    log_file_mode: '0644'
  pg_hba:
    - local all $PG_SUPERUSER peer
    - host portcullis portcullis 127.0.0.1/32 scram-sha-256
    - host postgres portcullis_monitor 127.0.0.1/32 scram-sha-256
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all rewinder 127.0.0.1/32 scram-sha-256
EOF
}

# Run once by Patroni on the first primary, right after initdb (connection URL as $1).
patroni_write_post_bootstrap() {
  update_file "$PATRONI_DIR/post-bootstrap.sh" 700 <<EOF
#!/bin/sh
# Written by infra/local/patroni.sh: the application's roles and database, on a new cluster.
exec '$PG_BIN/psql' -X -q -v ON_ERROR_STOP=1 -d "\$1" -v app_pw='$PG_PASSWORD' -v mon_pw='$PG_MONITOR_PASSWORD' <<'SQL'
$(pg_bootstrap_sql_text)
SQL
EOF
}

patroni_spawn() {
  local i="$1" log runner=()
  log="$(patroni_log "$i")"
  require_port_free "patroni pg$i" "$(patroni_rest_port "$i")"
  require_port_free "postgresql pg$i" "$(pg_port "$i")"
  pg_clear_stale_locks "$i"
  service_log "$log"
  printf '\n--- stack: starting patroni pg%s at %s ---\n' "$i" "$(date -Is)" >>"$log"
  rm -f "$(patroni_pidfile "$i")"
  # setpriv, not runuser: it execs instead of staying behind as a parent, which would stop
  # itself (job control) whenever `partition-primary` stops Patroni and never resume.
  if [ "$(id -u)" -eq 0 ]; then
    runner=(setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups env HOME="$(getent passwd "$SERVICE_USER" | cut -d: -f6)")
  fi
  # The inner shell records its own pid and becomes Patroni (exec keeps the pid), so the pid
  # file names Patroni itself.
  (
    cd "$PORTCULLIS_ROOT" || exit 1
    exec setsid "${runner[@]}" bash -c 'echo $$ >"$1"; exec patroni "$2"' patroni "$(patroni_pidfile "$i")" "$(patroni_conf "$i")"
  ) >>"$log" 2>&1 </dev/null &
  wait_until 10 patroni_running "$i" || fail_component "patroni pg$i" "$log" "the process did not start"
}

patroni_start() {
  local i="$1" pid
  if pid="$(live_pid "$(patroni_pidfile "$i")")"; then
    kill -CONT "$pid" 2>/dev/null || true   # one frozen by `partition-primary`
    return 0
  fi
  patroni_spawn "$i"
}

patroni_wait() {
  local i="$1" what="$2"
  case "$what" in
    primary) wait_until "$STACK_WAIT_SECONDS" patroni_is_primary "$i" ;;
    replica) wait_until $((STACK_WAIT_SECONDS * 2)) patroni_is_replica "$i" ;;
  esac || fail_component "patroni pg$i" "$(patroni_log "$i")" "pg$i is not a running $what after the wait (see also $LOGS/pg-pg$i.log)"
}

patroni_up() {
  local i leader fresh=no
  service_dir "$PG_ROOT" 755
  service_dir "$PG_RUN_DIR" 755
  service_dir "$PATRONI_DIR" 700
  pg_forget_old_layout
  if [ ! -d "$(pg_data 0)" ]; then
    fresh=yes
    # A new cluster: whatever an earlier one left in etcd (its system id, its leader) must go.
    curl -sS --max-time 5 -o /dev/null -X DELETE "$(etcd_hosts http:// | cut -d, -f1)/v2/keys$PATRONI_NAMESPACE$PATRONI_SCOPE?recursive=true" \
      || die "etcd: could not clear $PATRONI_NAMESPACE$PATRONI_SCOPE"
  fi
  patroni_write_dcs || true
  patroni_write_post_bootstrap || true
  for ((i = 0; i < PG_MEMBERS; i++)); do patroni_write_conf "$i" || true; done
  # pg0 first: on a new cluster it runs initdb; on a restart it is the member most likely to
  # take the free leader lock, sparing a switchover below. The others follow whoever leads.
  if [ "$fresh" = yes ]; then
    say "postgresql: bootstrapping a new Patroni cluster (pg0 primary, $STACK_PG_REPLICAS replicas)"
    PG_FRESH=yes
  fi
  patroni_start 0
  if ! wait_until "$STACK_WAIT_SECONDS" patroni_leader; then
    [ "$fresh" = no ] || fail_component patroni "$(patroni_log 0)" "pg0 did not bootstrap a primary after ${STACK_WAIT_SECONDS}s"
  fi
  for ((i = 1; i < PG_MEMBERS; i++)); do patroni_start "$i"; done
  wait_until "$STACK_WAIT_SECONDS" patroni_leader || fail_component patroni "$(patroni_log 0)" "no leader after ${STACK_WAIT_SECONDS}s"
  leader="$(patroni_leader_index)"
  for ((i = 0; i < PG_MEMBERS; i++)); do
    if [ "$i" != "$leader" ]; then patroni_wait "$i" replica; fi
  done
  wait_until "$STACK_WAIT_SECONDS" patroni_has_sync_standby || fail_component patroni "$(patroni_log "$leader")" "no synchronous standby after ${STACK_WAIT_SECONDS}s"
  patroni_apply_dcs
  # A failover left the primary elsewhere: hand it back to pg0, so member N is replica N again.
  if [ "$leader" != 0 ]; then patroni_switchover 0 >/dev/null; fi
}

# Cluster-wide settings changed in deploy/ since the cluster was made reach it through Patroni.
patroni_apply_dcs() {
  local applied="$PATRONI_DIR/dcs.applied"
  if [ -f "$applied" ] && cmp -s "$applied" "$PATRONI_DIR/dcs.yml"; then return 0; fi
  if [ "$PG_FRESH" != yes ]; then
    as_service patronictl -c "$(patroni_conf 0)" edit-config --force --apply "$PATRONI_DIR/dcs.yml" >>"$(patroni_log 0)" 2>&1 \
      || fail_component patroni "$(patroni_log 0)" "patronictl edit-config could not apply $PATRONI_DIR/dcs.yml"
  fi
  cp "$PATRONI_DIR/dcs.yml" "$applied"
}

# A planned switchover to member `target` (or to Patroni's choice, the synchronous standby, when
# empty); prints the old primary and the moment of the request (epoch ms); waits until the new
# primary runs and the old one follows it. In synchronous mode
# Patroni hands over only to a synchronous standby, so a target that is not one is made one
# first, by making every replica synchronous for the moment (stricter, never looser).
patroni_switchover() {
  local target="${1:-}" from body
  from="$(patroni_leader_index)" || die "switchover: the cluster has no running primary"
  if [ -n "$target" ]; then
    [ "$target" != "$from" ] || return 0
    if ! patroni_is_sync "$target"; then
      patroni_patch_config "{\"synchronous_node_count\": $STACK_PG_REPLICAS}"
      wait_until "$STACK_WAIT_SECONDS" patroni_is_sync "$target" || die "switchover: pg$target did not become a synchronous standby"
    fi
    body="{\"leader\": \"pg$from\", \"candidate\": \"pg$target\"}"
  else
    body="{\"leader\": \"pg$from\"}"
  fi
  echo "pg$from $(date +%s%3N)"
  curl -fsS --max-time 60 -X POST -H 'content-type: application/json' -d "$body" "$(patroni_url "$from")/switchover" >/dev/null 2>&1 \
    || die "switchover from pg$from failed: $(curl -sS --max-time 5 -X POST -d "$body" "$(patroni_url "$from")/switchover" 2>&1 | head -c 300)"
  wait_until "$STACK_WAIT_SECONDS" patroni_leader_is_not "$from" || die "switchover: pg$from is still the primary after ${STACK_WAIT_SECONDS}s"
  if [ -n "$target" ]; then patroni_patch_config '{"synchronous_node_count": 1}'; fi
  patroni_wait "$from" replica
  say "switchover: pg$(patroni_leader_index) is the primary, pg$from a replica"
}

patroni_is_sync() { patroni_cluster | jq -e --arg n "pg$1" 'any(.members[]; .name == $n and .role == "sync_standby")' >/dev/null; }

# Changes the cluster-wide (DCS) configuration through the leader's REST API.
patroni_patch_config() {
  local leader
  leader="$(patroni_leader_index)" || die "the cluster has no running primary"
  curl -fsS --max-time 10 -X PATCH -H 'content-type: application/json' -d "$1" "$(patroni_url "$leader")/config" >/dev/null \
    || die "patroni: PATCH /config $1 failed"
}

patroni_leader_is_not() { local now; now="$(patroni_leader_index)" && [ "$now" != "$1" ]; }

# kill -9 the primary's postmaster (not Patroni): the failover drill. Prints the member and the
# moment of the kill (epoch ms, for the drills' outage windows); waits for a new primary.
patroni_kill_primary() {
  local from pid
  from="$(patroni_leader_index)" || die "kill-primary: the cluster has no running primary"
  pid="$(pg_postmaster_pid "$from")" || die "kill-primary: no postmaster.pid in $(pg_data "$from")"
  kill -KILL "$pid"
  echo "pg$from $(date +%s%3N)"
  wait_until "$STACK_WAIT_SECONDS" patroni_leader_is_not "$from" || die "kill-primary: no new primary ${STACK_WAIT_SECONDS}s after pg$from's postmaster was killed"
  say "kill-primary: pg$from's postmaster killed, pg$(patroni_leader_index) is the primary"
}

# SIGSTOP the primary's Patroni: it can no longer renew its leader lock nor answer HAProxy,
# while its PostgreSQL runs on. Prints the member and the moment (epoch ms). `heal` resumes
# every frozen Patroni.
patroni_partition_primary() {
  local from
  from="$(patroni_leader_index)" || die "partition-primary: the cluster has no running primary"
  kill -STOP "$(live_pid "$(patroni_pidfile "$from")")"
  echo "pg$from $(date +%s%3N)"
}

patroni_heal() {
  local i pid
  for ((i = 0; i < PG_MEMBERS; i++)); do
    pid="$(live_pid "$(patroni_pidfile "$i")")" && kill -CONT "$pid" 2>/dev/null || true
  done
}

# SIGTERM makes Patroni stop its PostgreSQL (fast shutdown) and release its lock. Replicas first,
# so the primary's exit does not start a failover among members that are about to stop anyway.
patroni_stop() {
  local i="$1" pid
  if pid="$(live_pid "$(patroni_pidfile "$i")")"; then kill -CONT "$pid" 2>/dev/null || true; fi
  stop_pidfile "$(patroni_pidfile "$i")" TERM 30
  pg_stop_server "$i"
}

patroni_down() {
  local i leader
  patroni_heal
  leader="$(patroni_leader_index 2>/dev/null || echo 0)"
  local pids=()
  for ((i = 0; i < PG_MEMBERS; i++)); do
    [ "$i" = "$leader" ] || { patroni_stop "$i" & pids+=("$!"); }
  done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  patroni_stop "$leader"
  # Members beyond the current STACK_PG_REPLICAS, from an earlier run.
  for file in "$PATRONI_DIR"/pg*.pid; do [ -e "$file" ] && stop_pidfile "$file" TERM 30; done
  return 0
}

patroni_ports() {
  local i
  for ((i = PG_MEMBERS - 1; i >= 0; i--)); do patroni_rest_port "$i"; pg_port "$i"; done
}

# One status row per member: role, state, timeline and lag as Patroni reports them, and
# whether HAProxy routes writes (primary) or reads (replica) to it.
status_patroni() {
  local json i name role state tl lag hap f
  json="$(patroni_cluster)" || { bad_row patroni "$(patroni_url 0)" "DOWN (no member's REST API answers)"; return; }
  for ((i = 0; i < PG_MEMBERS; i++)); do
    name="pg$i"
    read -r role state tl lag < <(jq -r --arg n "$name" '.members[] | select(.name == $n) | "\(.role) \(.state) \(.timeline // "-") \(.lag // 0)"' <<<"$json")
    if [ -z "${role:-}" ]; then bad_row "postgres $name" "127.0.0.1:$(pg_port "$i")" "DOWN (not in the cluster; patroni $(patroni_url "$i"))"; continue; fi
    f=row
    case "$role" in
      leader) hap="haproxy write $(haproxy_server_state pg_write "$name")"; [ "$state" = running ] || f=bad_row ;;
      *) hap="haproxy read $(haproxy_server_state pg_read "$name")"; [[ "$state" = running || "$state" = streaming ]] || f=bad_row ;;
    esac
    $f "postgres $name" "127.0.0.1:$(pg_port "$i")" "$role, $state, timeline $tl, lag $lag B, $hap"
  done
  if ! jq -e 'any(.members[]; .role == "sync_standby")' >/dev/null <<<"$json"; then
    bad_row "patroni" "$(patroni_url 0)" "NO SYNCHRONOUS STANDBY (writes are not replicated before they are acknowledged)"
  fi
}

# Prometheus scrapes every member's Patroni (GET /metrics on the REST port): role, timeline,
# replication positions; the alerts in deploy/prometheus/rules/patroni-alerts.yml read them.
patroni_prometheus_job() {
  local i targets=()
  for ((i = 0; i < PG_MEMBERS; i++)); do targets+=("'127.0.0.1:$(patroni_rest_port "$i")'"); done
  cat <<JOB
  - job_name: patroni
    metrics_path: /metrics
    scrape_timeout: ${STACK_PROMETHEUS_SCRAPE_SECONDS}s
    static_configs:
      - targets: [$(IFS=,; echo "${targets[*]}")]
JOB
}

patroni_require_tools() {
  command -v patroni >/dev/null 2>&1 && command -v patronictl >/dev/null 2>&1 && command -v jq >/dev/null 2>&1 \
    || die "missing: patroni, patronictl or jq; install them with: bash scripts/system-packages.sh"
}
