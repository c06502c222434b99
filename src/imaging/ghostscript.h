// EPS / PS / EPSF / EPSI / PSTEX figures to pixels, through Ghostscript run as a sandboxed
// subprocess (core/subprocess.h). PostScript is a programming language: a figure can loop forever,
// read local files or try to run commands, so Ghostscript always runs with -dSAFER (never
// -dNOSAFER), in a private empty directory, with a minimal environment, a wall-clock timeout,
// CPU / memory / file-size rlimits, and is killed with its whole process group when a limit is hit.
// Ghostscript's library (AGPL) is never linked, and PostScript never goes through ImageMagick.
//
// Page 1 only: output is taken as soon as page 1 is complete and Ghostscript is then killed, so a
// long (or endless) document after page 1 costs nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "imaging/image_facts.h"

namespace imagemesh::imaging {

struct GhostscriptOptions {
  std::string gs_path = "gs";              // a path, or a name looked up in /usr/bin:/bin
  int timeout_ms = 20000;                  // wall clock
  uint64_t max_memory_bytes = 1ull << 30;  // RLIMIT_AS of the gs process
  int short_side = 512;                    // target pixels of the shorter side ...
  int max_long_side = 2048;                // ... unless the longer side would exceed this
  double max_dpi =
      0;  // ... and never above this resolution (0: no cap), so tiny drawings stay small
  std::string scratch_root;  // where the private directory is made; "" = system temp directory
};

// A binary PPM (P6, 8-bit RGB, white background) of page 1: `bytes` is the whole file and the
// pixels are the width * height * 3 bytes from `pixel_offset` on, row-major, so libvips can take
// them without a decoder (VImage::new_from_memory) or read the file with ppmload_source.
struct GhostscriptRaster {
  std::string bytes;
  size_t pixel_offset = 0;
  int width = 0;
  int height = 0;
  double dpi = 0;      // the resolution Ghostscript rendered at
  double wall_ms = 0;  // of the whole call, process start included
  std::string log;     // Ghostscript's messages (stderr), capped; may be empty
};

// Renders page 1 of a PostScript file at the resolution that makes its shorter side
// `short_side` pixels (the longer side capped at `max_long_side`). With a %%BoundingBox the page is
// cropped to it (EPS: -dEPSCrop; plain PS: a fixed media of the box size, shifted to its origin),
// so boxes with negative or offset origins render their drawing, not the letter page. Without one
// (facts.width_pt == 0 and no %%BoundingBox in the bytes) page 1 is rendered as Ghostscript lays
// it out, at the resolution that makes a US-letter page's short side `short_side`. DOS EPS files
// (binary header C5 D0 D3 C6) are reduced to their PostScript section first.
//
// Errors: kTimeout when the wall-clock or CPU limit killed Ghostscript ("ghostscript did not
// finish within 20 s; killed"); kDecodeFailed for PostScript errors (the message carries
// Ghostscript's error line, e.g. "/invalidfileaccess", which is what -dSAFER answers to file and
// %pipe% access) and for empty output; kTruncated for a cut DOS EPS; kTooLarge if the output
// exceeds what the size limits allow; kNotFound if gs is not installed; kIo for process failures.
Result<GhostscriptRaster> render_postscript(std::string_view bytes, const ImageFacts& facts,
                                            const GhostscriptOptions& options = {});

}  // namespace imagemesh::imaging
