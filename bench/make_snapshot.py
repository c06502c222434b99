#!/usr/bin/env python3
"""Writes a large arXiv metadata snapshot for the import benchmark: the real records of
../shared/corpus/metadata/kaggle-snapshot-sample.jsonl repeated under new, unique new-style ids
(YYMM.NNNNN, months from 1501 on, when arXiv ids got five digits), byte for byte otherwise, so parsing cost is that of real data.

    bench/make_snapshot.py --records 1000000 --out /tmp/snapshot.jsonl [--gzip]
"""
import argparse
import gzip
import json
import os
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--gzip", action="store_true", help="gzip the output (level 1)")
    parser.add_argument("--sample", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpus", "metadata",
        "kaggle-snapshot-sample.jsonl"))
    args = parser.parse_args()
    with open(args.sample, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    # Each line starts {"id":"0704.0001",...; replace the id text only, keep the rest byte for byte.
    templates = []
    for line in lines:
        old_id = json.loads(line)["id"]
        needle = '"id":"%s"' % old_id
        if needle not in line:
            sys.exit("unexpected id spelling in %s" % old_id)
        templates.append(line.split(needle, 1))
    out = gzip.open(args.out, "wt", compresslevel=1, encoding="utf-8") if args.gzip else \
        open(args.out, "w", encoding="utf-8")
    per_month = 99_999
    with out:
        for n in range(args.records):
            month, number = divmod(n, per_month)
            year, mm = divmod(month, 12)
            new_id = "%02d%02d.%05d" % (15 + year, mm + 1, number + 1)
            head, tail = templates[n % len(templates)]
            out.write('%s"id":"%s"%s\n' % (head, new_id, tail))


if __name__ == "__main__":
    main()
