#!/usr/bin/env bash
# `npm start`: bootstrap the toolchain, then run the server. With no DATABASE_URL/REDIS_URL the
# server runs embedded (PGlite in DATA_DIR, migrations applied at start).
set -euo pipefail
. "$(dirname "$0")/bootstrap.sh"
cd "$PORTCULLIS_ROOT"
exec node --import tsx packages/server/src/main.ts
