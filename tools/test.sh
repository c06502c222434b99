#!/usr/bin/env bash
# Installs what is missing, builds the debug preset (AddressSanitizer + UndefinedBehaviorSanitizer)
# and runs every test. Tests that need ../shared/corpus skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/format.sh --check
tools/build.sh debug
ctest --preset debug -j "$(nproc)"
