#!/usr/bin/env bash
# imagemesh benchmarks. Prints a table; every workload is compared with a baseline measured in the
# same run on the same machine (ratios, not absolute times, are what to compare across machines).
#   bench/run.sh [--runs N]            needs ../shared/corpus (skips what needs it when absent)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
[ "${1:-}" = "--runs" ] && runs="$2"
tools/build.sh release >/dev/null
bin="$PWD/build/release/imagemesh"
corpus="${IMAGEMESH_SHARED_CORPUS:-$PWD/../shared/corpus}"
work=$(mktemp -d /tmp/imagemesh-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

if [ ! -d "$corpus/arxiv" ]; then
  echo "bench: $corpus is absent; nothing to measure" >&2
  exit 0
fi
inputs=("$corpus"/arxiv "$corpus"/other "$corpus"/arxiv-derived)
compressed_bytes=$(du -cb "${inputs[@]}" | tail -1 | cut -f1)

# Baseline: what the original pipeline did first — extract every member with tar (to tmpfs).
baseline_once() {
  local dir="$work/extract"
  rm -rf "$dir" && mkdir -p "$dir"
  for t in "$corpus"/arxiv/*.tar "$corpus"/arxiv-derived/*.tar; do tar -xf "$t" -C "$dir"; done
  for g in "$dir"/*/*.gz; do
    local d="${g%.gz}"; mkdir -p "$d"
    tar -xzf "$g" -C "$d" 2>/dev/null || gunzip -c "$g" > "$d/main.tex"
  done
  for g in "$corpus"/other/*.tar.gz; do
    local d="$dir/other/$(basename "$g" .tar.gz)"; mkdir -p "$d"; tar -xzf "$g" -C "$d"
  done
}

ingest_once() {
  rm -rf "$work/mesh"
  "$bin" ingest --mesh "$work/mesh" --no-progress --no-convert --json "${inputs[@]}" > "$work/summary.json"
}

time_runs() {  # prints the median wall time of $runs runs of "$@"
  local times=()
  for _ in $(seq "$runs"); do
    local t0; t0=$(now); "$@"; local t1; t1=$(now)
    times+=("$(calc "$t1 - $t0")")
  done
  printf '%s\n' "${times[@]}" | median
}

t_base=$(time_runs baseline_once)
t_ingest=$(time_runs ingest_once)
figures=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["figures"])' "$work/summary.json")
papers=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["papers_inserted"])' "$work/summary.json")

mb=$(calc "$compressed_bytes / 1000000")
printf '\n## ingest of the shared corpus (%d papers, %.1f MB compressed, %d figures), median of %d runs, %d cores\n\n' \
  "$papers" "$mb" "$figures" "$runs" "$(nproc)"
printf '| workload | seconds | MB/s compressed | figures/s | vs baseline |\n'
printf '| --- | --- | --- | --- | --- |\n'
printf '| baseline: tar -xf + tar -xzf every member (to /tmp, no parsing) | %.2f | %.1f | - | 1.00 |\n' \
  "$t_base" "$(calc "$mb / $t_base")"
printf '| imagemesh ingest (read, hash, image facts, LaTeX, SQLite) | %.2f | %.1f | %.0f | %.2fx the time |\n' \
  "$t_ingest" "$(calc "$mb / $t_ingest")" "$(calc "$figures / $t_ingest")" \
  "$(calc "$t_ingest / $t_base")"
