#!/usr/bin/env bash
# imagemesh benchmarks. Prints a table; every workload is compared with a baseline measured in the
# same run on the same machine (ratios, not absolute times, are what to compare across machines).
#   bench/run.sh [--runs N] [--only ingest|metadata|thumbnails|index|embed|query]
# Needs ../shared/corpus (says so and exits when absent). The thumbnail baseline needs Debian's
# ImageMagick, which this script installs when it can (root), as tools/install-deps.sh does.
# IMAGEMESH_BENCH_BIN_DIR: a release build folder to use instead of building build/release (e.g.
# when someone else is building there).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh [--runs N] [--only ingest|metadata|thumbnails|index|embed|query]" >&2; exit 2 ;;
  esac
done
bin_dir="${IMAGEMESH_BENCH_BIN_DIR:-}"
if [ -z "$bin_dir" ]; then
  tools/build.sh release >/dev/null
  bin_dir="$PWD/build/release"
fi
bin="$bin_dir/imagemesh"
corpus="${IMAGEMESH_SHARED_CORPUS:-$PWD/../shared/corpus}"
work=$(mktemp -d /tmp/imagemesh-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The vector index bench needs no corpus (synthetic vectors), so it runs before the corpus check.
if [ -z "$only" ] || [ "$only" = "index" ]; then
  bench/index.sh "$bin_dir/bench/imagemesh_index_bench" "$work" \
    "${IMAGEMESH_BENCH_VECTORS:-1000000}"
  [ "$only" = "index" ] && exit 0
fi

# Explorer queries: the built-in sample and a generated 1 M-image mesh (cached in build/bench-data).
if [ -z "$only" ] || [ "$only" = "query" ]; then
  bench/query.sh "$bin_dir" "$work" "${IMAGEMESH_BENCH_QUERY_IMAGES:-1000000}"
  [ "$only" = "query" ] && exit 0
fi

# Embedding throughput runs on the built-in sample (no corpus needed).
if [ -z "$only" ] || [ "$only" = "embed" ]; then
  bench/embed.sh "$bin" "$work" "${IMAGEMESH_BENCH_EMBED_PAPERS:-120}"
  [ "$only" = "embed" ] && exit 0
fi

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

if [ -z "$only" ] || [ "$only" = "ingest" ]; then
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
fi

# Thumbnails: imagemesh ingest with conversion against the seed's ImageMagick chain on the same
# image files, extracted to disk for it (bench/seed_convert.py). One run each: the seed takes minutes.
if [ -z "$only" ] || [ "$only" = "metadata" ]; then
  bench/metadata.sh "$bin" "$work" "${IMAGEMESH_BENCH_RECORDS:-1000000}"
fi
if [ -n "$only" ] && [ "$only" != "thumbnails" ]; then exit 0; fi
if [ ! -x /usr/bin/convert ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends imagemagick >/dev/null
  else
    echo "bench: the thumbnail baseline needs ImageMagick (apt-get install imagemagick); skipped" >&2
    exit 0
  fi
fi
baseline_once
rm -rf "$work/thumbs"
t0=$(now)
"$bin" ingest --mesh "$work/thumbs" --no-progress --json "$corpus"/arxiv "$corpus"/other > /dev/null
t_ours=$(calc "$(now) - $t0")
"$bin" export images --mesh "$work/thumbs" -o "$work/images.jsonl"
# The same files for the seed: each image row's path in the extracted tree (arXiv papers under
# YYMM/<id>/, the other/ archives under other/<name>/).
python3 - "$work/images.jsonl" "$work/extract" > "$work/seed-list.tsv" <<'PY'
import json, os, sys
images, root = sys.argv[1], sys.argv[2]
missing = 0
for line in open(images, encoding="utf-8"):
    row = json.loads(line)
    if row["thumbnail"] is None:
        continue
    paper = row["paper"]
    folder = ("other/" + paper[len("local:"):]) if paper.startswith("local:") else \
        paper.split(".")[0] + "/" + paper
    path = os.path.join(root, folder, row["path"])
    if os.path.exists(path):
        print(row["format"] + "\t" + path)
    else:
        missing += 1
if missing:
    print(f"bench: {missing} image files not found in the extracted tree", file=sys.stderr)
PY
t0=$(now)
python3 bench/seed_convert.py "$work/seed-list.tsv" --out "$work/seed-out" --jobs "$(nproc)" \
  > "$work/seed.jsonl"
t_seed=$(calc "$(now) - $t0")
python3 bench/thumbnail_report.py "$work/images.jsonl" "$t_ours" "$work/seed.jsonl" "$t_seed"
