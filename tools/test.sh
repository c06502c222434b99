#!/usr/bin/env bash
# Installs what is missing, builds the debug preset (AddressSanitizer + UndefinedBehaviorSanitizer)
# fetches the CNN weights and runs every test. Tests that need ../shared/corpus skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/format.sh --check
tools/build.sh debug
# The CNN weights (npm package nsfwjs, docs/models.md). Without the npm registry the golden
# forward-pass tests skip with a message; everything else still runs.
tools/models/fetch.sh || echo "test.sh: CNN weights not fetched; the CNN tests will skip" >&2
ctest --preset debug -j "$(nproc)"
