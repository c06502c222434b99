#!/usr/bin/env bash
# The explorer's query engine against the seed's explorer (bench/query_bench.cc), called by
# bench/run.sh:
#   bench/query.sh BIN_DIR WORK_DIR [IMAGES]
# BIN_DIR holds imagemesh and bench/imagemesh_query_bench (a release build). Two meshes:
#   sample  the built-in sample (120 papers): sample, ingest, metadata import, embed --model raw
#   N       a generated arXiv-like mesh of IMAGES images (default 1,000,000), kept in
#           build/bench-data/query-<N>/ (IMAGEMESH_BENCH_QUERY_DIR overrides) and reused while its
#           `complete` file exists: the 1 M mesh takes ~15 minutes to write, mostly the HNSW build
# Knobs: IMAGEMESH_BENCH_QUERY_SECONDS (per kind and loop, default 5), IMAGEMESH_BENCH_QUERY_CLIENTS
# (default 2), IMAGEMESH_BENCH_QUERY_BASELINE (seed requests per kind, default 8),
# IMAGEMESH_BENCH_QUERY_DIM (vector dimension of the generated mesh, default 64 as --only index;
# another dimension gets its own folder, query-<N>-<D>d).
set -euo pipefail
bin_dir="$1"
work="$2"
images="${3:-1000000}"
bin="$bin_dir/imagemesh"
bench="$bin_dir/bench/imagemesh_query_bench"
seconds="${IMAGEMESH_BENCH_QUERY_SECONDS:-5}"
clients="${IMAGEMESH_BENCH_QUERY_CLIENTS:-2}"
baseline="${IMAGEMESH_BENCH_QUERY_BASELINE:-8}"
dim="${IMAGEMESH_BENCH_QUERY_DIM:-64}"
if [ $((images % 1000000)) -eq 0 ]; then label="$((images / 1000000))m"
elif [ $((images % 1000)) -eq 0 ]; then label="$((images / 1000))k"
else label="$images"; fi
[ "$dim" = 64 ] || label="$label-${dim}d"
generated="${IMAGEMESH_BENCH_QUERY_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build/bench-data/query-$label}"

sample="$work/query-sample"
rm -rf "$sample" "$work/query-mesh"
"$bin" sample --out "$sample" --papers 120 --seed 11 >/dev/null
"$bin" ingest --mesh "$work/query-mesh" --no-progress "$sample" >/dev/null
"$bin" metadata import --mesh "$work/query-mesh" --no-progress \
  "$sample/metadata/sample-snapshot.jsonl" >/dev/null
"$bin" embed --mesh "$work/query-mesh" --model raw --no-progress >/dev/null 2>&1

printf '\n## explorer queries (query::Engine against the seed'"'"'s explorer), %s cores\n\n' "$(nproc)"
echo "Generated mesh ($images images, $dim-d, $generated):"
echo
"$bench" generate --mesh "$generated" --images "$images" --dim "$dim"

table="$work/query-table.md"
: > "$table"
run() {  # run MESH LABEL
  "$bench" run --mesh "$1" --label "$2" --seconds "$seconds" --clients "$clients" \
    --baseline-requests "$baseline" --table "$table" > "$work/query-details-$2.md" 2>"$work/query-$2.log" ||
    { cat "$work/query-$2.log" >&2; exit 1; }
}
run "$work/query-mesh" sample
run "$generated" "$label"

echo
echo "Latency of one client (ms), throughput of 1 and $clients clients; the seed's explorer on the"
echo "first $baseline requests of each kind; speed-up = seed p50 / engine p50."
echo
printf '| kind | mesh | engine p50 | p95 | p99 | q/s, 1 client | q/s, %s clients | seed p50 | seed p95 | seed q/s | speed-up |\n' "$clients"
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
cat "$table"
cat "$work/query-details-sample.md" "$work/query-details-$label.md"
