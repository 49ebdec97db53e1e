#!/usr/bin/env bash
# npm test: type check, unit and integration tests (node:test), then the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
fi

# nginx for test/multinode/reverseProxy.test.ts, which runs docs/deploy/nginx.conf in front of two
# nodes. Debian's package may start its default site on port 80 where no policy-rc.d forbids it.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "Installing Debian's nginx-light for the reverse proxy test..."
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq nginx-light >/dev/null; fi
fi

echo "== type check"
npx tsc --noEmit -p .

echo "== lint (Biome: lint rules and formatting)"
npx biome check .

log=$(mktemp)
sqlite_log=$(mktemp)
pg_log=$(mktemp)
multi_log=$(mktemp)
pg_e2e_log=$(mktemp)
trap 'rm -f "$log" "$sqlite_log" "$pg_log" "$multi_log" "$pg_e2e_log"' EXIT

echo "== unit and integration tests (SQLite)"
# Node 20's runner does not find .ts files by itself: the shell lists them.
node --import tsx --test --test-reporter=spec test/unit/*.test.ts test/integration/*.test.ts | tee "$sqlite_log"
cat "$sqlite_log" >> "$log"

# The same integration tests on PostgreSQL (test/support/database.ts: a fresh database per file),
# but for the few that test SQLite's own devices (marked "// sqlite-only:" with the reason).
echo "== integration tests (PostgreSQL)"
pg_ready=false
if node --import tsx test/support/checkPostgres.ts; then
  pg_ready=true
  mapfile -t pg_files < <(grep -L '^// sqlite-only:' test/integration/*.test.ts)
  TEST_DATABASE=postgres node --import tsx --test --test-reporter=spec "${pg_files[@]}" | tee "$pg_log"
  cat "$pg_log" >> "$log"
  # Several portal nodes, each its own server process, on one fresh PostgreSQL database per file
  # (issue 14). One file at a time: each starts two or three servers on a machine of two cores.
  echo "== multi-node tests (PostgreSQL, each node its own process)"
  node --import tsx --test --test-concurrency=1 --test-reporter=spec test/multinode/*.test.ts | tee "$multi_log"
  cat "$multi_log" >> "$log"
elif [ "${CI:-}" = "true" ]; then
  echo "FAILED: CI=true needs PostgreSQL for the second half of the integration tests and the multi-node tests, and none answers at TEST_DATABASE_URL"
  exit 1
else
  echo "!!! SKIPPED: the PostgreSQL half (integration, multi-node and browser tests): no PostgreSQL answers at TEST_DATABASE_URL (see above) !!!"
fi

if compgen -G "e2e/*.spec.ts" >/dev/null; then
  echo "== browser tests (Playwright + /usr/bin/chromium)"
  npx playwright test | tee -a "$log"
  if [ "$pg_ready" = true ]; then
    # The patron's own flows once more on PostgreSQL: opt in, opt out, STOP by text, a number taken.
    echo "== browser tests on PostgreSQL"
    TEST_DATABASE=postgres npx playwright test e2e/us-opt-in.spec.ts e2e/opt-out-dialog.spec.ts e2e/texted-keywords.spec.ts \
      e2e/number-taken.spec.ts | tee "$pg_e2e_log"
    cat "$pg_e2e_log" >> "$log"
  fi
fi

# One closing line for both runners.
total() { awk -v re="$1" '$0 ~ re { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) { sum += $i; break } } END { print sum + 0 }' "${2:-$log}"; }
passed=$(( $(total '^ℹ pass [0-9]+$') + $(total '^ +[0-9]+ passed') ))
failed=$(( $(total '^ℹ fail [0-9]+$') + $(total '^ +[0-9]+ failed') ))
echo "summary: $passed passed, $failed failed" \
  "(node:test on SQLite $(total '^ℹ pass [0-9]+$' "$sqlite_log") passed, on PostgreSQL $(total '^ℹ pass [0-9]+$' "$pg_log") passed," \
  "multi-node $(total '^ℹ pass [0-9]+$' "$multi_log") passed;" \
  "browser tests on PostgreSQL $(total '^ +[0-9]+ passed' "$pg_e2e_log") passed)"
