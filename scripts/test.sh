#!/usr/bin/env bash
# `npm test`: installs what the suite needs (system packages, Node 24, pnpm, dependencies),
# lints and type-checks, runs every test file in embedded mode, then brings the local production
# stack up (infra/local), runs the OIDC and browser suites again through Nginx plus the topology
# and fault tests, and takes the stack down (also when tests fail). The last line is always
# `tests: N passed, M failed`, where lint and type-check count as one check each. Exits non-zero
# when anything failed or nothing ran.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/.test-output"
rm -rf "$out" && mkdir -p "$out"

passed=0
failed=0
finish() {
  echo "tests: $passed passed, $failed failed"
  if [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
  exit 0
}

if ! bash scripts/system-packages.sh || ! . scripts/bootstrap.sh; then
  echo "portcullis: setup failed; see the messages above" >&2
  failed=$((failed + 1))
  finish
fi
set +e  # bootstrap.sh is sourced with `set -e`; a failing check must not end this script

check() {
  local name="$1"; shift
  echo "── $name" >&2
  if "$@"; then passed=$((passed + 1)); else echo "✖ $name failed" >&2; failed=$((failed + 1)); fi
}
check "lint (eslint)" pnpm exec eslint . --max-warnings=0
check "type-check (tsc)" pnpm exec tsc -p tsconfig.json --noEmit

# Runs node's test runner over the given files and adds its counts to the totals.
run_suite() {
  local label="$1" summary="$2" concurrency="$3"; shift 3
  echo "── $label" >&2
  PORTCULLIS_TEST_SUMMARY="$summary" node --import tsx --test --test-concurrency="$concurrency" --test-timeout=180000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=./scripts/count-reporter.mjs --test-reporter-destination="$out/count.log" \
    "$@"
  local status=$?
  if [ -f "$summary" ]; then
    local p f
    read -r p f < <(node -e 'const s=require(process.argv[1]); console.log(s.passed, s.failed); for (const x of s.failures) console.error("  ✖ " + x)' "$summary")
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); echo "✖ $label: the test runner exited $status" >&2; fi
  else
    echo "✖ $label: the test runner produced no report" >&2
    failed=$((failed + 1))
  fi
}

test_files() {
  git ls-files --cached --others --exclude-standard | grep -E "$1" | sort -u | while read -r f; do [ -f "$f" ] && echo "$f"; done
}

# 1. Unit and integration tests, embedded mode (each file starts its own server).
mapfile -t files < <(test_files '^(packages/[^/]+/src|test)/.*\.test\.ts$' | grep -v '^test/stack/')
run_suite "tests, embedded mode" "$out/embedded.json" 2 "${files[@]}"

# 2. The production topology: the stack comes up, the OIDC and browser suites run again through
#    Nginx and two instances, then the topology and fault tests; the stack always goes down.
echo "── production stack: up" >&2
trap 'bash infra/local/stack.sh down >&2 || true' EXIT
if bash infra/local/stack.sh up >&2; then
  set -a
  eval "$(bash infra/local/stack.sh env)"
  set +a
  mapfile -t again < <(test_files '^test/(oidc-[^/]*|browser-relying-party)\.test\.ts$')
  PORTCULLIS_TEST_TARGET=stack run_suite "tests, production stack" "$out/stack.json" 1 "${again[@]}"
  mapfile -t topology < <(test_files '^test/stack/.*\.test\.ts$')
  if [ "${#topology[@]}" -gt 0 ]; then
    PORTCULLIS_TEST_TARGET=stack run_suite "topology and fault tests" "$out/topology.json" 1 "${topology[@]}"
  fi
else
  echo "✖ the production stack did not come up" >&2
  failed=$((failed + 1))
fi
echo "── production stack: down" >&2
bash infra/local/stack.sh down >&2 || { echo "✖ the production stack did not stop cleanly" >&2; failed=$((failed + 1)); }
trap - EXIT
finish
