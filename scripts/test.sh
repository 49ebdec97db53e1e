#!/usr/bin/env bash
# npm test: type check, unit and integration tests (node:test), then the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
fi

echo "== type check"
npx tsc --noEmit -p .

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== unit and integration tests"
# Node 20's runner does not find .ts files by itself: the shell lists them.
node --import tsx --test --test-reporter=spec test/unit/*.test.ts test/integration/*.test.ts | tee -a "$log"

if compgen -G "e2e/*.spec.ts" >/dev/null; then
  echo "== browser tests (Playwright + /usr/bin/chromium)"
  npx playwright test | tee -a "$log"
fi

# One closing line for both runners.
total() { awk -v re="$1" '$0 ~ re { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) { sum += $i; break } } END { print sum + 0 }' "$log"; }
passed=$(( $(total '^ℹ pass [0-9]+$') + $(total '^ +[0-9]+ passed') ))
failed=$(( $(total '^ℹ fail [0-9]+$') + $(total '^ +[0-9]+ failed') ))
echo "summary: $passed passed, $failed failed"
