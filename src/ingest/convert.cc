#include "ingest/convert.h"

#include <chrono>

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

Result<imaging::Thumbnails> render(std::string_view bytes, const store::BlobFacts& facts,
                                   const ConvertOptions& options) {
  imaging::ImageFormat format = format_of(facts);
  if (!is_postscript(format)) return imaging::make_thumbnails(bytes, format, options.thumbnails);
  imaging::ImageFacts image_facts;
  image_facts.format = format;
  image_facts.width_pt = facts.width_pt;
  image_facts.height_pt = facts.height_pt;
  image_facts.pages = facts.pages;
  IM_ASSIGN_OR_RETURN(auto raster,
                      imaging::render_postscript(bytes, image_facts, options.ghostscript));
  return imaging::make_thumbnails_from_rgb(
      std::string_view(raster.bytes).substr(raster.pixel_offset), raster.width, raster.height,
      options.thumbnails);
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
