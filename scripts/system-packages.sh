#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the test suite drives for real. Uses apt-get directly as
# root, sudo otherwise; without either, prints the exact command to run and fails.
set -euo pipefail

# command-or-file that proves each package is present
declare -A NEEDED=(
  [chromium]=/usr/bin/chromium
)

missing=()
for pkg in "${!NEEDED[@]}"; do
  [ -e "${NEEDED[$pkg]}" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run=(sudo)
else
  echo "portcullis: missing system packages: ${missing[*]}. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "portcullis: installing system packages: ${missing[*]}" >&2
"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
