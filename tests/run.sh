#!/usr/bin/env bash
# The whole check suite: static checks with Deno's tools and the npm build,
# then the tests in tests/ on Deno and on Bun, and on Node.js against the
# packed npm package (npm/node_tests.mjs: the test files that can run there,
# the pack-install test among them). Prints one line per check and closes with
# "N passed, N failed", counting every test case on each runtime and every
# static check; exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

DENO=node_modules/.bin/deno
BUN=node_modules/.bin/bun
for tool in "$DENO" "$BUN"; do
  if [[ ! -x $tool ]]; then
    echo "$tool is missing: run 'npm install' (npm test does it for you)" >&2
    exit 2
  fi
done
export NO_COLOR=1
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
passed=0
failed=0

check() {
  local name=$1
  shift
  if "$@" >"$LOGS/check.log" 2>&1; then
    passed=$((passed + 1))
    echo "ok    $name"
  else
    failed=$((failed + 1))
    echo "FAIL  $name"
    sed 's/^/      /' "$LOGS/check.log" | tail -60
  fi
}

echo "== static checks (Deno $("$DENO" --version | head -1 | cut -d' ' -f2))"
check "deno fmt --check" "$DENO" fmt --check
check "deno lint" "$DENO" lint
check "deno check (lib, tests, bench, examples)" "$DENO" check mod.ts lib/ tests/ bench/ examples/
check "deno test --doc (every JSDoc example type-checks and runs)" \
  "$DENO" test --doc --allow-net --allow-env --allow-read --allow-write mod.ts lib/
check "deno check --doc-only README.md (its examples type-check)" "$DENO" check --doc-only README.md
# The entry points are the ones deno.json exports: the one list the npm build packs too.
mapfile -t ENTRIES < <(node -e 'for (const file of Object.values(require("./deno.json").exports)) console.log(file)')
check "deno doc --lint (the ${#ENTRIES[@]} entry points of deno.json)" "$DENO" doc --lint "${ENTRIES[@]}"
check "deno publish --dry-run" "$DENO" publish --dry-run --allow-dirty
check "npm run build (tsc: JavaScript, .d.ts and source maps for every entry point)" \
  node npm/build.mjs
# The benchmarks run so they cannot rot; their numbers are printed, never asserted.
check "benchmarks run on Deno and Bun (smoke: every answer and build count checked, no timing)" \
  env LATCH_BENCH_SMOKE=1 "$DENO" run --allow-all bench/run.ts

# Adds a runner's counts to the totals; a runner that printed no summary failed once.
tally() {
  local runtime=$1 pass=$2 fail=$3 code=$4
  if [[ -z $pass ]]; then
    echo "FAIL  $runtime tests printed no summary (exit $code)"
    failed=$((failed + 1))
    return
  fi
  [[ -z $fail ]] && fail=0
  if [[ $code -ne 0 && $fail -eq 0 ]]; then
    echo "FAIL  $runtime test runner exited $code with no failed test"
    fail=1
  fi
  echo "$runtime: $pass passed, $fail failed"
  passed=$((passed + pass))
  failed=$((failed + fail))
}

echo "== tests on Deno"
"$DENO" test --allow-net --allow-env --allow-read --allow-write --allow-run tests/ 2>&1 |
  tee "$LOGS/deno.log" | grep -E "\.\.\. FAILED|^(ok|FAILED) \|" || true
code=${PIPESTATUS[0]}
summary=$(grep -E '^(ok|FAILED) \|' "$LOGS/deno.log" | tail -1)
tally Deno "$(sed -nE 's/.*\| ([0-9]+) passed.*/\1/p' <<<"$summary")" \
  "$(sed -nE 's/.*\| ([0-9]+) failed.*/\1/p' <<<"$summary")" "$code"
[[ $code -ne 0 ]] && tail -80 "$LOGS/deno.log"

echo "== tests on Bun $("$BUN" --version)"
"$BUN" test tests/ >"$LOGS/bun.log" 2>&1
code=$?
grep -E "^\(fail\)|^ *[0-9]+ (pass|fail)$" "$LOGS/bun.log" || true
tally Bun "$(sed -nE 's/^ *([0-9]+) pass$/\1/p' "$LOGS/bun.log" | tail -1)" \
  "$(sed -nE 's/^ *([0-9]+) fail$/\1/p' "$LOGS/bun.log" | tail -1)" "$code"
[[ $code -ne 0 ]] && tail -80 "$LOGS/bun.log"

echo "== tests on Node $(node --version), against the npm package"
node npm/node_tests.mjs >"$LOGS/node.log" 2>&1
code=$?
grep -E "^not ok|^# (not on Node|on Node|pass|fail) " "$LOGS/node.log" || true
tally Node "$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$LOGS/node.log" | tail -1)" \
  "$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$LOGS/node.log" | tail -1)" "$code"
[[ $code -ne 0 ]] && tail -80 "$LOGS/node.log"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
