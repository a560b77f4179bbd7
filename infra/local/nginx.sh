# Nginx for the local stack: the public entry (the issuer, http://localhost:STACK_NGINX_PORT) in
# front of the app instances, with the production proxy rules from deploy/nginx/. Plain HTTP on
# 127.0.0.1 (TLS and HSTS live in deploy/nginx/portcullis.conf). Runs as the service user with
# every path (pid, temp, logs) under .stack/nginx.
# shellcheck shell=bash

NGINX_DIR="$STACK_DIR/nginx"
NGINX_PIDFILE="$NGINX_DIR/nginx.pid"
NGINX_LOG="$LOGS/nginx-error.log"
NGINX_URL="http://127.0.0.1:$STACK_NGINX_PORT"

nginx_write_conf() {
  local i servers=""
  for ((i = 1; i <= STACK_APP_INSTANCES; i++)); do
    servers+="    server 127.0.0.1:$(app_public_port "$i") max_fails=1 fail_timeout=5s;"$'\n'
  done
  update_file "$NGINX_DIR/nginx.conf" 600 <<EOF2
# Written by infra/local/nginx.sh; edits are overwritten.
# deploy/nginx includes digest: $(digest_of "$PORTCULLIS_ROOT"/deploy/nginx/portcullis-{http,locations}.conf)
worker_processes 1;
pid $NGINX_PIDFILE;
error_log $NGINX_LOG warn;
events { worker_connections 1024; }

http {
  # Non-root: every temporary path inside the prefix instead of /var/lib/nginx.
  client_body_temp_path $NGINX_DIR/tmp/body;
  proxy_temp_path $NGINX_DIR/tmp/proxy;
  fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
  uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
  scgi_temp_path $NGINX_DIR/tmp/scgi;

  # The test suites drive the stack from 127.0.0.1 far faster than a person; they are exempt from
  # the rate limits (tests of the limits themselves connect from another loopback address).
  geo \$portcullis_limit_exempt {
    default 0;
    $STACK_NGINX_LIMIT_EXEMPT 1;
  }
  include $PORTCULLIS_ROOT/deploy/nginx/portcullis-http.conf;
  access_log $LOGS/nginx-access.log portcullis;

  upstream portcullis_app {
$servers    # Below Node's 5 s keep-alive timeout (see deploy/nginx/portcullis.conf).
    keepalive 32;
    keepalive_timeout 4s;
  }

  server {
    listen 127.0.0.1:$STACK_NGINX_PORT;
    server_name localhost 127.0.0.1;
    # A non-standard port: the app must see it in Host to build its own URLs.
    set \$portcullis_host \$host:\$server_port;
    # Nginx closes a client connection after 1,000 requests by default (Connection: close).
    # autocannon, the bench's load generator, sometimes has its next request on the wire by
    # then and counts the close as an error; one connection of the bench carries ~100,000.
    keepalive_requests 1000000;
    include $PORTCULLIS_ROOT/deploy/nginx/portcullis-locations.conf;
  }
}
EOF2
}

nginx_cmd() { as_service nginx -p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_LOG" "$@"; }

nginx_discovery_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$NGINX_URL/.well-known/openid-configuration" 2>/dev/null || true
}
nginx_healthy() { live_pid "$NGINX_PIDFILE" >/dev/null && [ "$(nginx_discovery_status)" = 200 ]; }

nginx_start() {
  local changed=no
  service_dir "$NGINX_DIR" 700
  service_dir "$NGINX_DIR/tmp" 700
  if nginx_write_conf; then changed=yes; fi
  if [ "$changed" = no ] && live_pid "$NGINX_PIDFILE" >/dev/null && nginx_healthy; then return 0; fi
  nginx_stop
  require_port_free nginx "$STACK_NGINX_PORT"
  service_log "$NGINX_LOG"
  service_log "$LOGS/nginx-access.log"
  nginx_cmd -t -q >>"$NGINX_LOG" 2>&1 || fail_component nginx "$NGINX_LOG" "invalid configuration"
  nginx_cmd >>"$NGINX_LOG" 2>&1 || fail_component nginx "$NGINX_LOG" "nginx did not start"
  wait_until "$STACK_WAIT_SECONDS" nginx_healthy \
    || fail_component nginx "$NGINX_LOG" "$NGINX_URL/.well-known/openid-configuration answers $(nginx_discovery_status), not 200"
}

nginx_stop() { stop_pidfile "$NGINX_PIDFILE" TERM 10; }
