#!/usr/bin/env python3
"""The seed pipeline's image conversion, reconstructed as the baseline of bench/run.sh.

Runs, for each file of a list, what `convert_images_from_textfile_threaded.py` ran (seed-pipeline.md
§3; anchor-seed-pipeline.md §4.2 measured it on this corpus), in a pool of N threads with a 30 s
timeout per file, and prints one JSON line per file: {"file", "format", "ms", "ok"}. The list has one
"FORMAT<TAB>PATH" line per file, FORMAT as imagemesh sniffed it (png, jpeg, pdf, eps, ps ...).

  raster: convert -density 300 -colorspace CMYK FILE[0] -colorspace sRGB -background white
          -alpha background -trim +repage -flatten -resize 512x512^> OUT.jpg
  web:    convert OUT.jpg[0] -strip -resize 300x300^> -sampling-factor 4:2:0 -quality 85
          -colorspace sRGB WEB.jpg

Both steps are timed, since imagemesh makes both outputs in one conversion. The seed's leading ":"
before the path is dropped (today's ImageMagick reads it as part of the file name and writes
nothing; the anchor run dropped it too).

Debian's ImageMagick policy forbids its PS, EPS and PDF coders, so for those formats the baseline is
what ImageMagick itself ran for them: Ghostscript's CLI with the arguments of ImageMagick 6's
"ps:cmyk" delegate (chosen because the seed sets -colorspace CMYK before reading) at 300 dpi, EPS
cropped to its BoundingBox, to an uncompressed CMYK PAM in a private temporary folder, followed by
the same convert chain on that PAM (without -density, which a PAM ignores).
"""

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

IMAGEMAGICK_READS = {"png", "jpeg", "gif", "webp"}  # formats as imagemesh names them
TIMEOUT_S = 30
CONVERT = "/usr/bin/convert"  # Debian's ImageMagick 6, not a stand-in earlier on PATH

RASTER_CHAIN = ["-colorspace", "sRGB", "-background", "white", "-alpha", "background", "-trim",
                "+repage", "-flatten", "-resize", "512x512^>"]
WEB_CHAIN = ["-strip", "-resize", "300x300^>", "-sampling-factor", "4:2:0", "-quality", "85",
             "-colorspace", "sRGB"]


def run(argv):
    return subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          timeout=TIMEOUT_S).returncode == 0


def ghostscript_to_pam(path, image_format, pam):
    # ImageMagick 6's "ps:cmyk" delegate (delegates.xml), page 1, at the seed's density.
    argv = ["gs", "-sstdout=%stderr", "-dQUIET", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dNOPROMPT",
            "-dMaxBitmap=500000000", "-dAlignToPixels=0", "-dGridFitTT=2", "-sDEVICE=pamcmyk32",
            "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", "-r300x300", "-dFirstPage=1",
            "-dLastPage=1", "-sOutputFile=" + pam]
    if image_format == "eps":
        argv.append("-dEPSCrop")
    return run(argv + ["-f", path])


def convert_one(image_format, path, out_dir, index):
    raster = os.path.join(out_dir, f"{index}.jpg")
    web = os.path.join(out_dir, f"{index}.web.jpg")
    start = time.monotonic()
    ok = False
    try:
        if image_format in IMAGEMAGICK_READS:
            ok = run([CONVERT, "-density", "300", "-colorspace", "CMYK", path + "[0]"] +
                     RASTER_CHAIN + [raster])
        else:
            with tempfile.TemporaryDirectory(dir=out_dir) as scratch:
                pam = os.path.join(scratch, "page.pam")
                ok = ghostscript_to_pam(path, image_format, pam) and os.path.exists(pam) and run(
                    [CONVERT, "-colorspace", "CMYK", pam + "[0]"] + RASTER_CHAIN + [raster])
        ok = ok and os.path.exists(raster) and run([CONVERT, raster + "[0]"] + WEB_CHAIN + [web])
    except subprocess.TimeoutExpired:
        ok = False
    ms = (time.monotonic() - start) * 1000
    return {"file": path, "format": image_format, "ms": round(ms, 1), "ok": ok and os.path.exists(web)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("list", help="file with one FORMAT<TAB>PATH line per image")
    parser.add_argument("--out", required=True, help="folder for the JPEGs (made if missing)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    if not os.path.exists(CONVERT) or shutil.which("gs") is None:
        sys.exit("seed_convert: needs Debian's ImageMagick and Ghostscript "
                 "(apt-get install imagemagick ghostscript)")
    with open(args.list, encoding="utf-8") as listing:
        items = [line.rstrip("\n").split("\t", 1) for line in listing if line.strip()]
    os.makedirs(args.out, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        jobs = [pool.submit(convert_one, image_format, path, args.out, index)
                for index, (image_format, path) in enumerate(items)]
        for job in jobs:
            result = job.result()
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
