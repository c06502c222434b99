#include "ingest/convert.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace imagemesh::ingest {
namespace {

imaging::ImageFormat format_of(const store::BlobFacts& facts) {
  using imaging::ImageFormat;
  for (ImageFormat format :
       {ImageFormat::kPng, ImageFormat::kJpeg, ImageFormat::kGif, ImageFormat::kTiff,
        ImageFormat::kBmp, ImageFormat::kWebp, ImageFormat::kPdf, ImageFormat::kEps,
        ImageFormat::kPs, ImageFormat::kSvg}) {
    if (imaging::image_format_name(format) == facts.format) return format;
  }
  return ImageFormat::kUnknown;
}

bool is_postscript(imaging::ImageFormat format) {
  return format == imaging::ImageFormat::kEps || format == imaging::ImageFormat::kPs;
}

struct PostScriptRender {
  imaging::Thumbnails thumbnails;
  double dpi = 0;  // what Ghostscript rendered at
};

// Ghostscript renders the page at `scale` times the thumbnail targets; the rest is libvips.
Result<PostScriptRender> render_postscript_at(std::string_view bytes,
                                              const imaging::ImageFacts& facts,
                                              const ConvertOptions& options, double scale) {
  imaging::GhostscriptOptions ghostscript = options.ghostscript;
  ghostscript.short_side = static_cast<int>(std::ceil(options.thumbnails.short_side * scale));
  ghostscript.max_long_side = static_cast<int>(std::ceil(options.thumbnails.max_long_side * scale));
  // As for PDF and SVG: at most the seed's 300 dpi, so a tiny drawing is not blown up.
  ghostscript.max_dpi = options.thumbnails.vector_dpi;
  IM_ASSIGN_OR_RETURN(auto raster, imaging::render_postscript(bytes, facts, ghostscript));
  IM_ASSIGN_OR_RETURN(
      auto thumbnails,
      imaging::make_thumbnails_from_rgb(std::string_view(raster.bytes).substr(raster.pixel_offset),
                                        raster.width, raster.height, options.thumbnails));
  return PostScriptRender{std::move(thumbnails), raster.dpi};
}

// PostScript: rendered with headroom for trimming, like make_thumbnails' vector pages. When the
// drawing fills little of its BoundingBox (trimmed below the target even so), it is rendered once
// more at the resolution the drawing needs, up to kMaxRerenderScale times the first and never
// above the vector resolution cap.
Result<imaging::Thumbnails> render_postscript(std::string_view bytes, const store::BlobFacts& facts,
                                              imaging::ImageFormat format,
                                              const ConvertOptions& options) {
  constexpr double kMaxRerenderScale = 8;
  imaging::ImageFacts image_facts;
  image_facts.format = format;
  image_facts.width_pt = facts.width_pt;
  image_facts.height_pt = facts.height_pt;
  image_facts.pages = facts.pages;
  const double first_scale = imaging::kRenderHeadroom;
  IM_ASSIGN_OR_RETURN(auto first, render_postscript_at(bytes, image_facts, options, first_scale));
  const imaging::Thumbnails& made = first.thumbnails;
  const int short_side = std::min(made.width, made.height);
  const int long_side = std::max(made.width, made.height);
  const double missing = std::min(double(options.thumbnails.short_side) / short_side,
                                  double(options.thumbnails.max_long_side) / long_side);
  const bool at_dpi_cap = first.dpi >= options.thumbnails.vector_dpi * 0.99;
  if (!made.trimmed || made.blank || missing < 1.02 || at_dpi_cap)
    return std::move(first.thumbnails);
  auto second = render_postscript_at(bytes, image_facts, options,
                                     first_scale * std::min(missing, kMaxRerenderScale));
  // The first result stands if the bigger render fails (a size limit, say): it is correct, smaller.
  if (!second.ok()) return std::move(first.thumbnails);
  return std::move(second->thumbnails);
}

Result<imaging::Thumbnails> render(std::string_view bytes, const store::BlobFacts& facts,
                                   const ConvertOptions& options) {
  imaging::ImageFormat format = format_of(facts);
  if (is_postscript(format)) return render_postscript(bytes, facts, format, options);
  return imaging::make_thumbnails(bytes, format, options.thumbnails);
}

}  // namespace

bool ConversionClaims::claim(const std::string& sha256) {
  std::lock_guard<std::mutex> lock(mutex_);
  return claimed_.insert(sha256).second;
}

store::ConversionRecord convert_blob(std::string_view bytes, const store::BlobFacts& facts,
                                     const ConvertOptions& options,
                                     const store::ThumbnailStore& thumbnails) {
  const auto start = std::chrono::steady_clock::now();
  store::ConversionRecord record;
  record.sha256 = facts.sha256;
  record.converter = is_postscript(format_of(facts)) ? "ghostscript+vips" : "vips";
  auto made = render(bytes, facts, options);
  Status status = made.ok() ? Status::Ok() : made.status();
  if (made.ok()) {
    status = thumbnails.put(facts.sha256, "raster", "jpg", made->raster);
    if (status.ok()) status = thumbnails.put(facts.sha256, "web", "webp", made->web);
  }
  if (status.ok()) {
    record.status = "ok";
    record.raster_width = made->width;
    record.raster_height = made->height;
    record.web_width = made->web_width;
    record.web_height = made->web_height;
    record.blank = made->blank;
  } else {
    record.status = std::string(error_code_name(status.code()));
    record.error = status.message();
  }
  record.millis =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return record;
}

}  // namespace imagemesh::ingest
