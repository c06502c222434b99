#!/usr/bin/env bash
# The main job on built-in sample data: installs what is missing, builds the release binary, fetches
# the CNN weights, writes the sample corpus, ingests it into a mesh, imports its arXiv metadata,
# computes the embeddings and prints a few of its figures, a search and the neighbour report.
#   tools/run-sample.sh [OUT_DIR]      (default: ./out)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-out}"
tools/install-deps.sh
tools/build.sh release
tools/models/fetch.sh || echo "run-sample: no CNN weights (npm registry unreachable?); embedding with raw only" >&2
bin=build/release/imagemesh
rm -rf "$out/sample" "$out/mesh"
"$bin" sample --out "$out/sample"
"$bin" ingest --mesh "$out/mesh" "$out/sample"
"$bin" metadata import --mesh "$out/mesh" "$out/sample/metadata/sample-snapshot.jsonl"
"$bin" embed --mesh "$out/mesh"
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
