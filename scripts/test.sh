#!/usr/bin/env bash
# `npm test`: installs what the suite needs (system packages, Node 24, pnpm, dependencies),
# then lints, type-checks and runs every test file with node's test runner. The last line is
# always `tests: N passed, M failed`, where lint and type-check count as one check each.
# Exits non-zero when anything failed or nothing ran.
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

echo "── tests (node --test)" >&2
mapfile -t files < <(git ls-files --cached --others --exclude-standard | grep -E '^(packages/[^/]+/src|test)/.*\.test\.ts$' | sort -u | while read -r f; do [ -f "$f" ] && echo "$f"; done)
export PORTCULLIS_TEST_SUMMARY="$out/node-tests.json"
node --import tsx --test --test-concurrency=2 --test-timeout=180000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./scripts/count-reporter.mjs --test-reporter-destination="$out/count.log" \
  "${files[@]}"
runner_status=$?

if [ -f "$PORTCULLIS_TEST_SUMMARY" ]; then
  read -r p f < <(node -e 'const s=require(process.argv[1]); console.log(s.passed, s.failed); for (const x of s.failures) console.error("  ✖ " + x)' "$PORTCULLIS_TEST_SUMMARY")
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$runner_status" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); echo "✖ the test runner exited $runner_status" >&2; fi
else
  echo "✖ the test runner produced no report" >&2
  failed=$((failed + 1))
fi
finish
