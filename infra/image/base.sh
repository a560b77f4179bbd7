#!/usr/bin/env bash
# Builds the local stand-in for the official Node.js image, for hosts that reach Debian's archive
# and the npm registry but no container registry: a Debian root filesystem from debootstrap
# (minbase: libc, libstdc++, CA certificates) plus the pinned Node.js 24 from the npm package
# node-linux-<arch> (the package and version scripts/bootstrap.sh fetches on this host) and the npm CLI, laid out as the official
# image lays them out (/usr/local/bin/node, npm), so the same Containerfile builds on either.
# Prints the image name, localhost/portcullis-base:<key>, on stdout.
# - <key> is a digest of everything the base is made from (suite, mirror, packages, pins, this
#   script), so a change rebuilds it and nothing else does.
# - Cached twice: the image in Podman's storage, and its root filesystem as
#   .cache/image/base-<key>.tar (git-ignored), re-imported in seconds if the storage was reset.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The image is Linux on this host's architecture: the same pin the bootstrap uses there.
. "$root/scripts/node-platform.sh"
node_package="$(node_package_for Linux "$(uname -m)")"
NODE_NAME="${node_package%@*}"
NODE_PIN="${node_package##*@}"
NPM_PIN="11.19.1"
SUITE="bookworm"
# The Debian archive this machine's apt already uses (the first non-security source), unless
# PORTCULLIS_DEBIAN_MIRROR names another: the image is built from the same mirror as the host.
apt_mirror() {
  { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
    grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'
  } | grep -v -- '-security' | head -n1 || true   # no match is no mirror, not a failure
}
MIRROR="${PORTCULLIS_DEBIAN_MIRROR:-$(apt_mirror)}"
[ -n "$MIRROR" ] || { echo "image: no Debian mirror in /etc/apt sources; set PORTCULLIS_DEBIAN_MIRROR" >&2; exit 1; }
PACKAGES="ca-certificates"
cache="$root/.cache/image"

key="$(printf '%s\n' "$SUITE" "$MIRROR" "$PACKAGES" "$NODE_NAME" "$NODE_PIN" "$NPM_PIN" "$(cat "${BASH_SOURCE[0]}")" | sha256sum | cut -c1-16)"
image="localhost/portcullis-base:$key"
tarball="$cache/base-$key.tar"

say() { echo "image: $*" >&2; }

if podman image exists "$image"; then
  say "base $image (cached)"
  echo "$image"
  exit 0
fi

if [ ! -f "$tarball" ]; then
  mkdir -p "$cache"
  work="$(mktemp -d "$cache/base.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  say "debootstrap $SUITE (minbase) from $MIRROR"
  debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$work/rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
  # What a container never uses: apt's package lists and caches, documentation, locales.
  rm -rf "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/cache/apt/"*.bin "$work/rootfs/var/cache/apt/archives/"*.deb \
    "$work/rootfs/usr/share/doc/"* "$work/rootfs/usr/share/man/"* "$work/rootfs/usr/share/info/"* "$work/rootfs/usr/share/locale/"*
  say "Node.js $NODE_PIN and npm $NPM_PIN from the npm registry"
  (cd "$work" && npm pack --silent "$NODE_NAME@$NODE_PIN" "npm@$NPM_PIN" >/dev/null)
  tar -xzf "$work/$NODE_NAME-$NODE_PIN.tgz" -C "$work" package/bin/node package/LICENSE
  install -m 0755 "$work/package/bin/node" "$work/rootfs/usr/local/bin/node"
  install -D -m 0644 "$work/package/LICENSE" "$work/rootfs/usr/local/share/doc/node/LICENSE"
  rm -rf "$work/package"
  mkdir -p "$work/rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$work/npm-$NPM_PIN.tgz" -C "$work/rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
  tar --numeric-owner -C "$work/rootfs" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  # Older bases are dead weight once a new key exists.
  find "$cache" -maxdepth 1 -name 'base-*.tar' ! -name "base-$key.tar" -delete
fi

say "importing $tarball as $image"
podman import --quiet --change 'CMD ["node"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  "$tarball" "$image" >/dev/null
echo "$image"
