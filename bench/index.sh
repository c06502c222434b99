#!/usr/bin/env bash
# Vector index build, search and filtered search, called by bench/run.sh:
#   bench/index.sh BENCH_BIN WORKDIR VECTORS
# Synthetic clustered vectors (no corpus needed); prints the markdown tables of index_bench.cc.
set -euo pipefail
bench="$1"; work="$2"; vectors="$3"
"$bench" --count "$vectors" --dim 64 --queries 200 --dir "$work/index"
