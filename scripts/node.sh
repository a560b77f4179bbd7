#!/usr/bin/env bash
# Runs a TypeScript entry point with the project's Node.js (the one bootstrap.sh fetched, when the
# system node is too old). Used by root scripts such as `npm run portcullis`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -x "$root/.tools/node/bin/node" ]; then PATH="$root/.tools/node/bin:$PATH"; fi
exec node --import tsx "$@"
