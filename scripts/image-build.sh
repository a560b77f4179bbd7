#!/usr/bin/env bash
# `npm run image:build`: builds the Portcullis image with Podman through the Containerfile and tags
# it localhost/portcullis:dev and localhost/portcullis:<version>. Prints the image size last.
# - Base: by default the local one infra/image/base.sh makes (Debian packages + the pinned Node.js,
#   cached), for hosts that reach Debian's archive and the npm registry but no container registry.
#   `--base IMAGE` uses another, e.g. `--base docker.io/library/node:24-bookworm-slim`.
# - CONTAINERS_CONF: infra/image/containers.conf unless the host has its own configuration.
# - The build trusts the host's CA bundle for the registry (NODE_EXTRA_CA_CERTS, else the system
#   bundle), handed over as a build secret: mounted for the download step, kept in no layer.
# - Unchanged sources reuse every cached layer (a few seconds); the dev tag's previous image is
#   removed once nothing else names it, so repeated builds do not pile up. Log: .cache/image/build.log.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
base=""
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base="${2:?--base needs an image}"; shift 2 ;;
    *) echo "usage: npm run image:build [-- --base IMAGE]" >&2; exit 2 ;;
  esac
done

# Podman, Buildah, runc and debootstrap come from the system packages: installed here when missing,
# so the command works as written on a fresh machine (as root, or with sudo).
for tool in podman debootstrap; do
  command -v "$tool" >/dev/null 2>&1 || { bash scripts/system-packages.sh >&2 || exit 1; break; }
done
if [ -z "${CONTAINERS_CONF:-}" ] && [ ! -f /etc/containers/containers.conf ]; then
  export CONTAINERS_CONF="$root/infra/image/containers.conf"
fi

started=$SECONDS
[ -n "$base" ] || base="$(bash infra/image/base.sh)"
version="$(sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' package.json)"
ca="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
secret=()
[ -s "$ca" ] && secret=(--secret "id=extra_ca,src=$ca")
previous="$(podman image inspect --format '{{.Id}}' localhost/portcullis:dev 2>/dev/null || true)"

echo "image: building localhost/portcullis:dev ($version) on $base" >&2
mkdir -p .cache/image
log=.cache/image/build.log
podman build --format docker --network host "${secret[@]}" \
  --build-arg "BASE_IMAGE=$base" --build-arg "VERSION=$version" \
  -t localhost/portcullis:dev -t "localhost/portcullis:$version" -f Containerfile . >"$log" 2>&1 \
  || { grep -v '^Progress:' "$log" | tail -n 40 >&2; echo "image: the build failed; the whole log is $log" >&2; exit 1; }

current="$(podman image inspect --format '{{.Id}}' localhost/portcullis:dev)"
if [ -n "$previous" ] && [ "$previous" != "$current" ] && [ -z "$(podman image inspect --format '{{join .RepoTags " "}}' "$previous" 2>/dev/null)" ]; then
  podman rmi --force "$previous" >/dev/null 2>&1 || true
fi
# The build stage's result is kept as the cache of the next build; older ones are dead weight.
podman images --noheading --filter dangling=true --filter label=org.portcullis.stage=build --format '{{.ID}}' \
  | tail -n +2 | xargs -r podman rmi --force >/dev/null 2>&1 || true
size="$(podman image inspect --format '{{.Size}}' localhost/portcullis:dev)"
echo "image: localhost/portcullis:dev built in $((SECONDS - started)) s, $((size / 1000000)) MB"
