#!/usr/bin/env bash
# Metadata import and search, called by bench/run.sh: bench/metadata.sh BIN WORKDIR RECORDS
#  1. a snapshot of RECORDS real records under new ids (bench/make_snapshot.py);
#  2. baseline: what the seed's notebooks did, Python's json + sqlite3 (executemany, one commit per
#     10 000 rows), the same fields; then `imagemesh metadata import`, its peak memory, and a
#     re-import of the same file (the idempotent path);
#  3. search: 100 000 synthetic papers (400 000 images) under the first ids, then FTS5 queries
#     (bench/search_bench.cc) against the seed's approach, SQL LIKE over the same text.
set -euo pipefail
bin="$1"; work="$2"; records="$3"
search_bench="$(dirname "$bin")/bench/imagemesh_search_bench"
papers="${IMAGEMESH_BENCH_PAPERS:-100000}"
snapshot="$work/snapshot.jsonl"
python3 bench/make_snapshot.py --records "$records" --out "$snapshot"
size_mb=$(du -m "$snapshot" | cut -f1)

# Prints "<seconds> <peak RSS in MB>" of a command (its stdout goes to $work/last.out).
# `sync` first: the previous workload's dirty pages (GBs of SQLite) must not be written back
# during the next one. The shared VM drifts by ±20% over minutes (the same 1 M-record import ran
# at 38k–54k records/s within one hour), so compare the ratio to the baseline of the same run.
measure() {
  sync
  python3 - "$work/last.out" "$@" <<'PY'
import resource, subprocess, sys, time
out = open(sys.argv[1], "w")
start = time.monotonic()
code = subprocess.run(sys.argv[2:], stdout=out).returncode
if code != 0:
    sys.exit(f"bench: {sys.argv[2:]} exited {code}")
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{time.monotonic() - start:.2f} {peak:.0f}")
PY
}

rm -f "$work/seed.db"
read -r t_seed rss_seed < <(measure python3 bench/seed_metadata.py "$snapshot" "$work/seed.db")
rm -rf "$work/meta"
read -r t_ours rss_ours < <(measure "$bin" metadata import --mesh "$work/meta" --no-progress --json "$snapshot")
read -r t_again rss_again < <(measure "$bin" metadata import --mesh "$work/meta" --no-progress --json "$snapshot")
unchanged=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["counts"]["unchanged"])' "$work/last.out")

rate() { awk "BEGIN { printf \"%.0f\", $records / $1 }"; }
printf '\n## metadata import: %d records (%d MB of JSON lines), %d cores\n\n' "$records" "$size_mb" "$(nproc)"
printf '| workload | seconds | records/s | peak RSS MB | vs baseline |\n| --- | --- | --- | --- | --- |\n'
printf '| baseline: Python json + sqlite3 executemany (the seed'"'"'s way) | %.1f | %s | %s | 1.00 |\n' \
  "$t_seed" "$(rate "$t_seed")" "$rss_seed"
printf '| imagemesh metadata import (new mesh) | %.1f | %s | %s | %.2fx faster |\n' \
  "$t_ours" "$(rate "$t_ours")" "$rss_ours" "$(awk "BEGIN { print $t_seed / $t_ours }")"
printf '| imagemesh metadata import again (%s unchanged) | %.1f | %s | %s | %.2fx faster |\n' \
  "$unchanged" "$t_again" "$(rate "$t_again")" "$rss_again" "$(awk "BEGIN { print $t_seed / $t_again }")"

# Search: synthetic papers joined to the imported records, then timed queries.
"$search_bench" --mesh "$work/meta" --papers "$papers" --images 4 --runs 20 > "$work/search.md"
printf '\n## search over %d images (%d papers with metadata, %d records in all)\n\n' \
  "$((papers * 4))" "$papers" "$records"
tail -n +2 "$work/search.md"
python3 - "$work/meta/mesh.db" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
print("\nbaseline, the seed's search: one phrase, SQL LIKE over title, abstract and caption "
      "(count of matches, median of 3):\n")
print("| phrase | matches | ms |\n| --- | --- | --- |")
for phrase in ["model", "phase diagram", "diphoton"]:
    times = []
    for _ in range(3):
        start = time.monotonic()
        n = db.execute("SELECT count(*) FROM search_documents WHERE title LIKE ?1 OR "
                       "abstract LIKE ?1 OR caption LIKE ?1", (f"%{phrase}%",)).fetchone()[0]
        times.append((time.monotonic() - start) * 1000)
    print(f"| `{phrase}` | {n} | {sorted(times)[1]:.0f} |")
PY
