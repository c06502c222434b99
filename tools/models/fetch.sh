#!/usr/bin/env bash
# Fetches and converts the weights of the `mobilenet` and `inception` embedding models
# (docs/models.md): the npm package nsfwjs 4.4.0 (MIT), pinned by SHA-256, decoded by
# decode_nsfwjs.mjs into DIR/mobilenet and DIR/inception.
#
# Usage: tools/models/fetch.sh [DIR]
#   DIR defaults to $IMAGEMESH_MODELS, else <repo>/build/models (where imagemesh looks by default).
#
# Needs node and npm (tools/install-deps.sh); reaches nothing but the npm registry, installs
# nothing. Idempotent: when DIR's stamp says it holds this tarball decoded by this decoder, it
# does nothing. The output is byte-for-byte the same on every run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dir="${1:-${IMAGEMESH_MODELS:-$repo/build/models}}"

readonly package="nsfwjs@4.4.0"
readonly tarball="nsfwjs-4.4.0.tgz"
readonly tarball_sha256="585cd178f3b994337c4d10a87b080d342fc52f8b9bf0085c4d1f345a3a1c5382"
readonly models=(mobilenet inception)
readonly outputs=(topology.json manifest.json weights.bin PROVENANCE.md LICENSE)

fail() {
  echo "fetch: $*" >&2
  exit 1
}

for tool in node npm tar sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing (run tools/install-deps.sh)"
done

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
stamp="$dir/.nsfwjs-4.4.0.stamp"
decoder_sha256="$(sha256sum "$here/decode_nsfwjs.mjs" | cut -d' ' -f1)"
stamp_text="$package tarball $tarball_sha256 decoder $decoder_sha256"

complete() {
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_text" ] || return 1
  for model in "${models[@]}"; do
    for file in "${outputs[@]}"; do [ -f "$dir/$model/$file" ] || return 1; done
  done
}
if complete; then
  echo "fetch: $dir already holds $package (stamp $(basename "$stamp"))"
  exit 0
fi

cache="$dir/.cache"
mkdir -p "$cache"
sha_of() { sha256sum "$1" | cut -d' ' -f1; }
if [ ! -f "$cache/$tarball" ] || [ "$(sha_of "$cache/$tarball")" != "$tarball_sha256" ]; then
  rm -f "$cache/$tarball"
  registry="$(npm config get registry 2>/dev/null || echo '?')"
  echo "fetch: npm pack $package (registry $registry)"
  # --prefer-offline: npm's own cache (~/.npm) answers when it has the tarball.
  if ! npm pack "$package" --pack-destination "$cache" --prefer-offline --ignore-scripts \
      --fetch-retries=1 --fetch-timeout=60000 --loglevel=error >"$cache/npm-pack.log" 2>&1; then
    cat "$cache/npm-pack.log" >&2
    fail "npm could not download $package from the npm registry ($registry): check the network" \
         "and npm's registry/proxy settings, then run this again"
  fi
  [ -f "$cache/$tarball" ] || fail "npm pack did not write $cache/$tarball"
  actual="$(sha_of "$cache/$tarball")"
  if [ "$actual" != "$tarball_sha256" ]; then
    rm -f "$cache/$tarball"
    fail "$tarball has SHA-256 $actual, expected $tarball_sha256: refusing it"
  fi
fi

work="$(mktemp -d "$dir/.work.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tar -xzf "$cache/$tarball" -C "$work" --no-same-owner --no-same-permissions \
  package/LICENSE package/dist/models/mobilenet_v2 package/dist/models/inception_v3
node "$here/decode_nsfwjs.mjs" "$work/package" "$work/out" "$tarball_sha256"
for model in "${models[@]}"; do
  cp "$work/package/LICENSE" "$work/out/$model/LICENSE"
  chmod 644 "$work/out/$model"/*
done

# Replace each model folder whole, then stamp: an interrupted run leaves no stamp and reruns.
rm -f "$stamp"
for model in "${models[@]}"; do
  rm -rf "${dir:?}/${model:?}"
  mv "$work/out/$model" "$dir/$model"
done
echo "$stamp_text" >"$stamp"
echo "fetch: wrote $dir/mobilenet and $dir/inception"
