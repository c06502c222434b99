#!/usr/bin/env bash
# Installs the Debian packages imagemesh needs to build, test and run. Idempotent: does nothing
# (not even `apt-get update`) when everything is already installed. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git clang-format
  libgtest-dev libgmock-dev
  libarchive-dev libssl-dev zlib1g-dev
  libsqlite3-dev libsqlitecpp-dev sqlite3
  nlohmann-json3-dev libsimdjson-dev libcli11-dev libspdlog-dev libfmt-dev libpugixml-dev
  libcurl4-openssl-dev
  libcpp-httplib-dev  # the explorer's HTTP server
  libjs-katex  # math in the explorer's captions: built into the binary (brings fonts-katex)
  chromium  # the explorer's browser tests drive it headless (npm playwright-core)
  libhnswlib-dev libeigen3-dev libspectra-dev libopencv-dnn-dev libopencv-ml-dev
  nodejs  # the CNN weights come from the npm package nsfwjs (tools/models/fetch.sh)
  libvips-dev libvips-tools ghostscript poppler-utils
  python3 bzip2  # bzip2: the metadata tests compress an input with it
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# Debian's nodejs has npm as a separate package; NodeSource's (this machine kind's) bundles it and
# conflicts with Debian's npm, so npm is asked for only when there is none.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
