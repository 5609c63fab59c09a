#!/usr/bin/env bash
# Browser journeys: builds the bundled demo and walks through it in Debian's headless Chromium,
# driven by playwright-core (no browser download), with network access to 127.0.0.1 only.
# Usage: tests/browser/run.sh   (from any folder; installs Chromium with apt-get when missing)
set -euo pipefail

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd -- "$HERE/../.." && pwd)"
export DEBIAN_FRONTEND=noninteractive
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 # belt and braces: playwright-core downloads nothing anyway

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else echo "run.sh: need root to run: $*" >&2; return 1
  fi
}

if [ ! -x /usr/bin/chromium ]; then
  echo "--- installing Debian's chromium"
  if ! as_root apt-get install -y chromium </dev/null; then
    as_root apt-get update </dev/null
    as_root apt-get install -y chromium </dev/null
  fi
fi
/usr/bin/chromium --version 2>/dev/null || { echo "run.sh: /usr/bin/chromium does not run" >&2; exit 1; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "run.sh: node and npm are needed (Node.js 20 or newer)" >&2
  exit 1
fi
node -e 'if (+process.versions.node.split(".")[0] < 20) { console.error("run.sh: Node.js 20 or newer is needed, this is " + process.version); process.exit(1) }'

echo "--- npm ci (tests/browser)"
(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error </dev/null)

echo "--- building the demo help center"
# The test build's binary (the one `cargo test` just built, when run after it): the journeys
# check behaviour, not speed, and a second, optimised build would double the disk and time.
(cd "$REPO" && cargo run --locked --quiet -- build --quiet </dev/null)
test -f "$REPO/build/site/index.html" || { echo "run.sh: build/site/index.html is missing after the build" >&2; exit 1; }

echo "--- browser journeys"
cd "$HERE"
exec node --test --test-reporter=spec site.test.mjs search.test.mjs preview.test.mjs </dev/null
