// Vector figure files written as text by our own code, the way plotting programs write them:
// EPS (with %%BoundingBox, optionally offset from the origin, and %%Creator), multi-page
// PostScript (%%Pages), PDF (path operators, a correct xref table, /Producer, several pages, an
// optional transparent background like cairo's) and SVG (with a generator comment).
#pragma once

#include <string>
#include <vector>

#include "sample/draw.h"

namespace imagemesh::sample {

inline constexpr const char* kSampleCreator = "imagemesh-sample matplotlib-like";

struct EpsOptions {
  std::string title = "figure";
  std::string creator = kSampleCreator;
  // Lower-left corner of the %%BoundingBox: the drawing is placed at this offset, as EPS files cut
  // from a page are (e.g. "%%BoundingBox: 100 200 300 400").
  int origin_x = 0, origin_y = 0;
};

std::string write_eps(const Drawing& drawing, const EpsOptions& options = {});

// A DSC-conforming PostScript document with one page per drawing (all the size of the first).
std::string write_postscript(const std::vector<Drawing>& pages,
                             const std::string& creator = kSampleCreator);

struct PdfOptions {
  std::string producer = "imagemesh-sample (cairo-like)";
  std::string creator = kSampleCreator;
  std::string title;
};

// A PDF 1.5 with one page per drawing (each with its own MediaBox). Drawings without a background
// leave the page transparent. Deterministic: no dates, no random /ID.
std::string write_pdf(const std::vector<Drawing>& pages, const PdfOptions& options = {});

std::string write_svg(const Drawing& drawing, const std::string& generator = kSampleCreator);

}  // namespace imagemesh::sample
