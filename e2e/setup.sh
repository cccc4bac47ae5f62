#!/usr/bin/env bash
# Prepares a machine for the browser tests: Debian's Chromium and Playwright for Python.
# Playwright's own browser download cannot run here, so the tests drive /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

if ! .venv/bin/python -c 'import playwright' 2>/dev/null; then
    .venv/bin/python -m pip install --quiet -e '.[dev]'
fi

if [ ! -d node_modules ]; then
    npm ci --no-audit --no-fund
fi
if [ ! -f frontend/dist/index.html ]; then
    npm run build
fi
