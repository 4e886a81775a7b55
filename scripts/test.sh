#!/usr/bin/env bash
# `npm test`: compile, type check, lint, then every test suite. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
node --version | grep -qE '^v(2[2-9]|[3-9][0-9])\.' || { echo "Node >= 22 is required (found $(node --version)); run npm run setup" >&2; exit 1; }

step() { printf '\n=== %s ===\n' "$1"; }
step "build";      npm run --silent build
step "type check"; npm run --silent typecheck
step "format";     npm run --silent format:check
step "lint";       npm run --silent lint
step "TypeScript tests (core, emulators, commands, relay, end-to-end)"; npm run --silent test:ts
step "Lightning Web Component tests"; npm run --silent test:lwc
