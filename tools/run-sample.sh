#!/usr/bin/env bash
# The main job on built-in sample data: installs what is missing, builds the release binary, fetches
# the CNN weights, writes the sample corpus, ingests it into a mesh, imports its arXiv metadata,
# computes the embeddings, trains and applies the figure-type and cluster heads, shows a few
# figures, a search and the metadata summary, then serves the explorer and prints its URL
# (Ctrl-C stops it).
#   tools/run-sample.sh [--no-serve] [OUT_DIR]      (default: ./out; port: $IMAGEMESH_PORT or 8080)
set -euo pipefail
cd "$(dirname "$0")/.."
serve=1
if [ "${1:-}" = "--no-serve" ]; then
  serve=0
  shift
fi
out="${1:-out}"
port="${IMAGEMESH_PORT:-8080}"
tools/install-deps.sh
tools/build.sh release
tools/models/fetch.sh || echo "run-sample: no CNN weights (npm registry unreachable?); embedding with raw only" >&2
bin=build/release/imagemesh
rm -rf "$out/sample" "$out/mesh"
"$bin" sample --out "$out/sample"
"$bin" ingest --mesh "$out/mesh" "$out/sample"
"$bin" metadata import --mesh "$out/mesh" "$out/sample/metadata/sample-snapshot.jsonl"
"$bin" embed --mesh "$out/mesh"
# The heads read the best available vectors: mobilenet when its weights were fetched.
source_model=raw
[ -f "$out/mesh/embed/mobilenet.vectors" ] && source_model=mobilenet
"$bin" train ternary --mesh "$out/mesh" --source "$source_model" ||
  echo "run-sample: the figure-type head was not trained; the explorer has no figure-type filter" >&2
"$bin" train deepcluster --mesh "$out/mesh" --source "$source_model" --k 16 ||
  echo "run-sample: no cluster head; the explorer has no cluster filter" >&2
"$bin" embed --mesh "$out/mesh"  # applies the heads: their vectors and predictions
echo
echo "First figures (imagemesh export figures --mesh $out/mesh):"
# Written to a file first: `export | head` would end export with SIGPIPE, fatal under pipefail.
"$bin" export figures --mesh "$out/mesh" -o "$out/figures.jsonl"
head -n 3 "$out/figures.jsonl"
echo
echo "Search over every image (imagemesh search --mesh $out/mesh 'caption:\"dark matter\" OR title:quantum*'):"
"$bin" search --mesh "$out/mesh" --limit 5 'caption:"dark matter" OR title:quantum*'
echo
"$bin" metadata stats --mesh "$out/mesh"
if [ "$serve" = 1 ]; then
  echo
  exec "$bin" serve --mesh "$out/mesh" --host 127.0.0.1 --port "$port"
fi
