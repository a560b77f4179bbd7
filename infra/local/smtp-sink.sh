# The SMTP sink of the local stack: a real SMTP server (packages/server/src/testing/smtp-sink.ts,
# the `smtp-server` package) on 127.0.0.1:STACK_SMTP_PORT that keeps every message the app
# instances send as an .eml file in .stack/smtp/messages (STACK_SMTP_DIR in `stack.sh env`), so
# tests read the mail a person would get. `stack.sh stop-smtp|start-smtp` make a mail relay outage.
# Runs as the invoking user, like the app instances (tsx, from the repository's dependencies).
# shellcheck shell=bash

SMTP_DIR="$STACK_DIR/smtp"
SMTP_MESSAGES="$SMTP_DIR/messages"
SMTP_PIDFILE="$SMTP_DIR/smtp-sink.pid"
SMTP_LOG="$LOGS/smtp-sink.log"
SMTP_URL_LOCAL="smtp://127.0.0.1:$STACK_SMTP_PORT"

smtp_healthy() { port_listening "$STACK_SMTP_PORT" && live_pid "$SMTP_PIDFILE" >/dev/null; }

smtp_start() {
  if smtp_healthy; then return 0; fi
  stop_pidfile "$SMTP_PIDFILE" TERM 5
  require_port_free "smtp sink" "$STACK_SMTP_PORT"
  mkdir -p "$SMTP_MESSAGES"
  chmod 700 "$SMTP_DIR" "$SMTP_MESSAGES"
  (
    cd "$PORTCULLIS_ROOT" || exit 1
    exec env PATH="$(app_node_path)" setsid node --import tsx packages/server/src/testing/smtp-sink.main.ts "$STACK_SMTP_PORT" "$SMTP_MESSAGES"
  ) >>"$SMTP_LOG" 2>&1 </dev/null &
  echo $! >"$SMTP_PIDFILE"
  wait_until "$STACK_WAIT_SECONDS" smtp_healthy \
    || fail_component "smtp sink" "$SMTP_LOG" "nothing listens on 127.0.0.1:$STACK_SMTP_PORT"
}

smtp_stop() {
  stop_pidfile "$SMTP_PIDFILE" TERM 10
  wait_until 10 port_free "$STACK_SMTP_PORT" || true
}

status_smtp() {
  if smtp_healthy; then row "smtp sink" "$SMTP_URL_LOCAL" "up (messages in $SMTP_MESSAGES)"
  else bad_row "smtp sink" "$SMTP_URL_LOCAL" DOWN; fi
}

smtp_env() {
  cat <<EOF2
STACK_SMTP_URL=$SMTP_URL_LOCAL
STACK_SMTP_DIR=$SMTP_MESSAGES
EOF2
}
