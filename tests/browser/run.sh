#!/usr/bin/env bash
# The explorer's browser tests (explorer.test.mjs): Debian's chromium driven by npm playwright-core
# against `imagemesh serve` on a small sample mesh. ctest runs it as browser_explorer.
#
#   tests/browser/run.sh                       # the debug binary, build/browser-artifacts/
#   IMAGEMESH_BIN=build/release/imagemesh IMAGEMESH_ARTIFACTS=/tmp/shots tests/browser/run.sh
#
# Exit 77 (ctest: skipped) when something it needs is missing: node/npm, chromium, playwright-core
# (npm registry unreachable and never installed), or a binary without the `serve` command.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export IMAGEMESH_BIN="${IMAGEMESH_BIN:-$repo/build/debug/imagemesh}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

skip() {
  echo "browser tests skipped: $*" >&2
  exit 77
}

command -v node >/dev/null 2>&1 || skip "node is missing (tools/install-deps.sh installs nodejs)"
command -v npm >/dev/null 2>&1 || skip "npm is missing (tools/install-deps.sh installs nodejs)"
[ -x "$CHROMIUM" ] || skip "no chromium at $CHROMIUM (tools/install-deps.sh installs it)"
if [ -z "${IMAGEMESH_URL:-}" ]; then
  [ -x "$IMAGEMESH_BIN" ] || skip "no imagemesh binary at $IMAGEMESH_BIN (set IMAGEMESH_BIN)"
  # (`imagemesh serve --help` would print the general help and succeed even without the command.)
  "$IMAGEMESH_BIN" --help 2>/dev/null | grep -Eq '^ +serve( |$)' || skip "$IMAGEMESH_BIN has no serve command"
fi

# playwright-core at the locked version: `npm ci` only when it is not installed already, so the
# suite runs offline once it has been installed.
cd "$here"
wanted="$(node -p 'require("./package-lock.json").packages["node_modules/playwright-core"].version')"
installed="$(node -p 'try { require("./node_modules/playwright-core/package.json").version } catch { "" }')"
if [ "$installed" != "$wanted" ]; then
  echo "installing playwright-core $wanted (npm ci)" >&2
  if ! npm ci --no-audit --no-fund --loglevel=error --fetch-retries=1 --fetch-timeout=30000 >&2; then
    [ -f node_modules/playwright-core/package.json ] ||
      skip "npm ci failed (npm registry unreachable?) and playwright-core is not installed"
    exit 1
  fi
fi

exec node --test-reporter=spec explorer.test.mjs
