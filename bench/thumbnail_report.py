#!/usr/bin/env python3
"""Prints bench/run.sh's thumbnail table: imagemesh's conversions against the seed's, same files.

  thumbnail_report.py IMAGES.jsonl OURS_SECONDS SEED.jsonl SEED_SECONDS

IMAGES.jsonl is `imagemesh export images` of the benchmark mesh (one row per image file; a blob met
twice is converted once, and its time counts once). SEED.jsonl is bench/seed_convert.py's output.
"""

import json
import os
import statistics
import sys


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def load(path):
    with open(path, encoding="utf-8") as rows:
        return [json.loads(line) for line in rows if line.strip()]


def main():
    images_path, ours_seconds, seed_path, seed_seconds = sys.argv[1:5]
    ours_seconds, seed_seconds = float(ours_seconds), float(seed_seconds)
    images = load(images_path)
    seed = load(seed_path)

    conversions = {}  # sha256 -> row: one conversion per distinct blob
    for row in images:
        if row["thumbnail"] is not None:
            conversions.setdefault(row["sha256"], row)
    ours_ms, seed_ms = {}, {}
    for row in conversions.values():
        ours_ms.setdefault(row["format"], []).append(row["thumbnail_ms"])
    for row in seed:
        seed_ms.setdefault(row["format"], []).append(row["ms"])

    files = len([row for row in images if row["thumbnail"] is not None])
    ok_files = len([row for row in images if row["thumbnail"] == "ok"])
    blank = len([row for row in conversions.values() if row["thumbnail_blank"]])
    seed_ok = len([row for row in seed if row["ok"]])
    ours_rate = files / ours_seconds
    seed_rate = len(seed) / seed_seconds

    print(f"\n## thumbnails of every image file in the shared corpus ({files} files, "
          f"{len(conversions)} distinct), 1 run each on {os.cpu_count()} cores\n")
    print("Per-file times are wall clock inside each side's worker pool (imagemesh: cores + 1 workers;")
    print("seed: a pool of as many threads as cores), so they include waiting for a core.\n")
    print("| format | files | imagemesh median ms | p90 ms | seed median ms | p90 ms | "
          "median ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for image_format in sorted(set(ours_ms) | set(seed_ms)):
        ours = ours_ms.get(image_format, [])
        base = seed_ms.get(image_format, [])
        ratio = (statistics.median(base) / statistics.median(ours)) if ours and base else float("nan")
        print(f"| {image_format} | {len(base)} | {statistics.median(ours) if ours else float('nan'):.0f} "
              f"| {percentile(ours, 0.9):.0f} | {statistics.median(base) if base else float('nan'):.0f} "
              f"| {percentile(base, 0.9):.0f} | {ratio:.1f}x |")
    print()
    print("| run | wall s | images/s | written | blank outputs | vs seed |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(f"| seed: ImageMagick chain (Ghostscript CLI where Debian's policy forbids PS/PDF), "
          f"raster + web pass | {seed_seconds:.1f} | {seed_rate:.1f} | {seed_ok}/{len(seed)} | "
          f"not checked | 1.0x |")
    print(f"| imagemesh ingest (all of ingest, both thumbnails) | {ours_seconds:.1f} | "
          f"{ours_rate:.1f} | {ok_files}/{files} | {blank} | {ours_rate / seed_rate:.1f}x faster |")


if __name__ == "__main__":
    main()
