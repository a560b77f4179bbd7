#!/usr/bin/env bash
# Makes sure this checkout has the toolchain it was written for, then installs dependencies.
# - Node.js 24 LTS: the system node is used when it is >= 22.12, otherwise a pinned Node 24 is
#   fetched from the npm registry (the package for this platform, node-platform.sh) into .tools/
#   and put first on PATH.
# - pnpm at the version pinned in package.json "packageManager", installed into .tools/.
# - `pnpm install --frozen-lockfile` when node_modules is missing or older than the lockfile.
# Source it (`. scripts/bootstrap.sh`) so PATH changes reach the caller.
set -euo pipefail

PORTCULLIS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$PORTCULLIS_ROOT/scripts/node-platform.sh"
TOOLS="$PORTCULLIS_ROOT/.tools"
PNPM_PIN="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$PORTCULLIS_ROOT/package.json")"

node_is_recent() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}

if [ -x "$TOOLS/node/bin/node" ]; then
  export PATH="$TOOLS/node/bin:$PATH"
elif ! node_is_recent; then
  node_package="$(node_package_for "$(uname -s)" "$(uname -m)")" || return 1
  echo "portcullis: system Node.js $(node --version 2>/dev/null || echo none) is older than 22.12; fetching $node_package into .tools/node" >&2
  rm -rf "$TOOLS/node.tmp" && mkdir -p "$TOOLS/node.tmp"
  (cd "$TOOLS/node.tmp" && npm pack --silent "$node_package" >/dev/null && tar -xzf ./*.tgz)
  mv "$TOOLS/node.tmp/package" "$TOOLS/node"
  rm -rf "$TOOLS/node.tmp"
  export PATH="$TOOLS/node/bin:$PATH"
fi

if [ ! -x "$TOOLS/pnpm/node_modules/.bin/pnpm" ] || [ "$("$TOOLS/pnpm/node_modules/.bin/pnpm" --version)" != "$PNPM_PIN" ]; then
  echo "portcullis: installing pnpm $PNPM_PIN into .tools/pnpm" >&2
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/pnpm" "pnpm@$PNPM_PIN" >/dev/null
fi
export PATH="$TOOLS/pnpm/node_modules/.bin:$PATH"

stamp="$PORTCULLIS_ROOT/node_modules/.portcullis-installed"
if [ ! -f "$stamp" ] || [ "$PORTCULLIS_ROOT/pnpm-lock.yaml" -nt "$stamp" ] || [ "$PORTCULLIS_ROOT/package.json" -nt "$stamp" ]; then
  echo "portcullis: installing dependencies (pnpm install --frozen-lockfile)" >&2
  (cd "$PORTCULLIS_ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2)
  touch "$stamp"
fi
