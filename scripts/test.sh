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

echo "== unit and integration tests"
# Node 20's runner does not find .ts files by itself: the shell lists them.
node --import tsx --test --test-reporter=spec test/unit/*.test.ts test/integration/*.test.ts

if compgen -G "e2e/*.spec.ts" >/dev/null; then
  echo "== browser tests (Playwright + /usr/bin/chromium)"
  npx playwright test
fi
