#!/usr/bin/env bash
# Embedding throughput per model, end to end from the stored raster to the stored, indexed vector:
#   bench/embed.sh BIN WORK_DIR [PAPERS]
# On a mesh of the built-in sample (PAPERS papers, default 120: ~450 images), every model whose
# weights are present is run twice on fresh copies of the mesh: the baseline with one worker (one
# image at a time, as the seed's per-image `predict` loop; libvips and OpenCV still use every core
# inside each image's work) and imagemesh's default (one worker per core, one OpenCV thread each). Rates come from `embed --json`: images computed per second of the run,
# without the one-time PCA fit and the index build (both shown separately).
set -euo pipefail
bin="$1"
work="$2"
papers="${3:-120}"

"$bin" sample --out "$work/embed-sample" --papers "$papers" --seed 11 >/dev/null
"$bin" ingest --mesh "$work/embed-base" --no-progress "$work/embed-sample" >/dev/null

field() {  # field FILE KEY -> the first model's KEY from an `embed --json` summary
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["models"][0][sys.argv[2]])' "$1" "$2"
}

run_model() {  # run_model MODEL JOBS -> writes $work/embed-MODEL-JOBS.json
  local mesh="$work/embed-$1-$2"
  rm -rf "$mesh" && cp -r "$work/embed-base" "$mesh"
  "$bin" embed --mesh "$mesh" --model "$1" --jobs "$2" --json --no-progress \
    > "$work/embed-$1-$2.json" 2>/dev/null
}

# Pixel models with weights (heads, pca dim 0, need training first and cost microseconds).
models=$("$bin" embed --list |
  awk 'NR > 1 && NF == 0 { exit } NR > 1 && $2 != 0 && $3 != "MISSING" { print $1 }')
printf '\n## embed, end to end (stored raster -> stored, indexed vector), %s cores\n\n' "$(nproc)"
printf '| model | images | pca | PCA fit s | baseline: 1 worker, images/s | imagemesh: %s workers, images/s | vs baseline | index build s | bytes/vector |\n' "$(nproc)"
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
rate() {  # images computed per second, the PCA fit excluded
  awk "BEGIN { printf \"%.1f\", $(field "$1" computed) / ($(field "$1" embed_seconds) - $(field "$1" pca_seconds)) }"
}
for model in $models; do
  run_model "$model" 1
  run_model "$model" "$(nproc)"
  base="$work/embed-$model-1.json"
  ours="$work/embed-$model-$(nproc).json"
  images=$(field "$ours" images)
  rate_base=$(rate "$base")
  rate_ours=$(rate "$ours")
  bytes=$(stat -c %s "$work/embed-$model-$(nproc)/embed/$model.vectors")
  printf '| %s | %s | %sd | %.1f | %s | %s | %.2fx | %.2f | %d |\n' "$model" "$images" \
    "$(field "$ours" pca_dim)" "$(field "$ours" pca_seconds)" "$rate_base" "$rate_ours" \
    "$(python3 -c "print($rate_ours / $rate_base)")" "$(field "$ours" index_seconds)" \
    "$(( (bytes - 256) / images ))"
done
