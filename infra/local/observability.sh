# Observability for the local stack: Prometheus scraping every app instance's admin listener
# (with the alert rules of deploy/prometheus/rules), and rsyslog as the central log collector
# the instances ship their JSON lines to (RFC 5424 over TCP, LOG_SHIP_URL). Both from Debian
# packages (prometheus, rsyslog), run as the invoking user, state in .stack/.
#   Prometheus  http://127.0.0.1:$STACK_PROMETHEUS_PORT   .stack/prometheus/, logs/prometheus.log
#   rsyslog     tcp://127.0.0.1:$STACK_RSYSLOG_PORT       .stack/logs/central.jsonl (one JSON line per message)
# shellcheck shell=bash

: "${STACK_PROMETHEUS_PORT:=59090}"
: "${STACK_RSYSLOG_PORT:=59514}"
# Seconds between scrapes; short so tests see data quickly (production: 15 s).
: "${STACK_PROMETHEUS_SCRAPE_SECONDS:=2}"

PROM_DIR="$STACK_DIR/prometheus"
PROM_PIDFILE="$PROM_DIR/prometheus.pid"
PROM_LOG="$LOGS/prometheus.log"
PROM_URL="http://127.0.0.1:$STACK_PROMETHEUS_PORT"
RSYSLOG_DIR="$STACK_DIR/rsyslog"
RSYSLOG_PIDFILE="$RSYSLOG_DIR/rsyslog.pid"
RSYSLOG_LOG="$LOGS/rsyslog.log"
CENTRAL_LOG="$LOGS/central.jsonl"
LOG_SHIP_URL="syslog+tcp://127.0.0.1:$STACK_RSYSLOG_PORT"
# rsyslogd lives in /usr/sbin, which an unprivileged user's PATH may lack.
RSYSLOGD="$(command -v rsyslogd || echo /usr/sbin/rsyslogd)"

prom_write_conf() {
  local i targets=()
  for ((i = 1; i <= STACK_APP_INSTANCES; i++)); do targets+=("'127.0.0.1:$(app_admin_port "$i")'"); done
  update_file "$PROM_DIR/prometheus.yml" 644 <<CONF
# Written by infra/local/observability.sh: deploy/prometheus/prometheus.yml's job and rules,
# local targets and a short interval. Rules digest: $(digest_of "$PORTCULLIS_ROOT"/deploy/prometheus/rules/*.yml)
global:
  scrape_interval: ${STACK_PROMETHEUS_SCRAPE_SECONDS}s
  evaluation_interval: ${STACK_PROMETHEUS_SCRAPE_SECONDS}s
rule_files:
  - $PORTCULLIS_ROOT/deploy/prometheus/rules/*.yml
scrape_configs:
  - job_name: portcullis
    metrics_path: /metrics
    scrape_timeout: ${STACK_PROMETHEUS_SCRAPE_SECONDS}s
    static_configs:
      - targets: [$(IFS=,; echo "${targets[*]}")]
        labels:
          service: portcullis
$(patroni_prometheus_job)
CONF
}

prom_ready() { curl -fsS --max-time 2 -o /dev/null "$PROM_URL/-/ready" 2>/dev/null; }

prometheus_start() {
  local changed=no
  mkdir -p "$PROM_DIR/data"
  if prom_write_conf; then changed=yes; fi
  if [ "$changed" = no ] && live_pid "$PROM_PIDFILE" >/dev/null && prom_ready; then return 0; fi
  prometheus_stop
  require_port_free prometheus "$STACK_PROMETHEUS_PORT"
  promtool check config "$PROM_DIR/prometheus.yml" >>"$PROM_LOG" 2>&1 || fail_component prometheus "$PROM_LOG" "promtool rejected $PROM_DIR/prometheus.yml"
  (
    cd "$PORTCULLIS_ROOT" || exit 1
    exec setsid prometheus --config.file="$PROM_DIR/prometheus.yml" --storage.tsdb.path="$PROM_DIR/data" \
      --storage.tsdb.retention.time=2d --web.listen-address="127.0.0.1:$STACK_PROMETHEUS_PORT"
  ) >>"$PROM_LOG" 2>&1 </dev/null &
  echo $! >"$PROM_PIDFILE"
  wait_until "$STACK_WAIT_SECONDS" prom_ready || fail_component prometheus "$PROM_LOG" "no answer on $PROM_URL/-/ready"
}

prometheus_stop() { stop_pidfile "$PROM_PIDFILE" TERM 10; }

rsyslog_write_conf() {
  update_file "$RSYSLOG_DIR/rsyslog.conf" 644 <<CONF
# Written by infra/local/observability.sh: a central collector for the app instances' logs.
# RFC 5424 over TCP on loopback (octet-counted frames); each message is one JSON line, written
# as-is to $CENTRAL_LOG. Production: deploy/logging/rsyslog-collector.conf.
global(workDirectory="$RSYSLOG_DIR" maxMessageSize="64k")
module(load="imtcp")
template(name="portcullisJson" type="string" string="%msg%\n")
ruleset(name="portcullis") {
  action(type="omfile" file="$CENTRAL_LOG" template="portcullisJson")
}
input(type="imtcp" address="127.0.0.1" port="$STACK_RSYSLOG_PORT" ruleset="portcullis")
CONF
}

rsyslog_listening() { port_listening "$STACK_RSYSLOG_PORT"; }

rsyslog_start() {
  local changed=no
  mkdir -p "$RSYSLOG_DIR"
  if rsyslog_write_conf; then changed=yes; fi
  if [ "$changed" = no ] && live_pid "$RSYSLOG_PIDFILE" >/dev/null && rsyslog_listening; then return 0; fi
  rsyslog_stop
  require_port_free rsyslog "$STACK_RSYSLOG_PORT"
  "$RSYSLOGD" -N1 -f "$RSYSLOG_DIR/rsyslog.conf" >>"$RSYSLOG_LOG" 2>&1 || fail_component rsyslog "$RSYSLOG_LOG" "rsyslogd rejected $RSYSLOG_DIR/rsyslog.conf"
  # -n: stay in the foreground (this shell records its pid); -i: our pid file, not /run's.
  (
    cd "$PORTCULLIS_ROOT" || exit 1
    exec setsid "$RSYSLOGD" -n -f "$RSYSLOG_DIR/rsyslog.conf" -i "$RSYSLOG_DIR/rsyslogd.pid"
  ) >>"$RSYSLOG_LOG" 2>&1 </dev/null &
  echo $! >"$RSYSLOG_PIDFILE"
  wait_until "$STACK_WAIT_SECONDS" rsyslog_listening || fail_component rsyslog "$RSYSLOG_LOG" "nothing listens on port $STACK_RSYSLOG_PORT"
}

rsyslog_stop() { stop_pidfile "$RSYSLOG_PIDFILE" TERM 10; }

observability_require_tools() {
  local tool missing=()
  for tool in prometheus promtool "$RSYSLOGD"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  [ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]}; install them with: bash scripts/system-packages.sh"
}

observability_env() {
  cat <<ENV
STACK_PROMETHEUS_URL=$PROM_URL
STACK_CENTRAL_LOG=$CENTRAL_LOG
STACK_LOG_SHIP_URL=$LOG_SHIP_URL
ENV
}
