#!/bin/sh
# HAProxy external check for the PostgreSQL read pool: succeeds only for a server that answers
# AND is a replica (pg_is_in_recovery() = t). A stopped replica fails to answer; a promoted one
# answers `f`; either way HAProxy takes it out of the read pool after `fall` failures.
#
# HAProxy runs this with a cleared environment, setting HAPROXY_SERVER_ADDR/PORT and PATH from
# `external-check path`. Credentials come from a libpq password file: PGPASSFILE when a wrapper
# sets it (the local stack does), otherwise ~/.pgpass of the user HAProxy runs as.
# Optional: PSQL (path to psql), PGUSER (default portcullis_monitor), PGDATABASE (default postgres).
#
# Exit 0: healthy replica. Anything else: not in the read pool.
set -eu

addr="${HAPROXY_SERVER_ADDR:?run by HAProxy external-check}"
port="${HAPROXY_SERVER_PORT:?run by HAProxy external-check}"

# `timeout`: a server that accepts the connection but never answers (SIGSTOPped, disk stalled)
# must fail the check too, not hang it.
answer="$(timeout 2 "${PSQL:-psql}" -X -q -t -A -w \
  "host=$addr port=$port user=${PGUSER:-portcullis_monitor} dbname=${PGDATABASE:-postgres} connect_timeout=1 application_name=haproxy-check" \
  -c 'select pg_is_in_recovery()' 2>/dev/null)" || exit 1
[ "$answer" = t ]
