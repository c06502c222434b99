// Thumbnail conversion inside ingest: each distinct image blob met while reading papers becomes a
// normalised raster and a web thumbnail in the mesh's thumbnail store, once. In process with
// libvips for rasters, PDF and SVG; PostScript through Ghostscript in a sandboxed subprocess.
// A failure is a ConversionRecord with the error, never a stopped run.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "imaging/ghostscript.h"
#include "imaging/thumbnail.h"
#include "store/records.h"
#include "store/thumbnail_store.h"

namespace imagemesh::ingest {

struct ConvertOptions {
  bool enabled = true;
  bool retry_failed = false;  // convert again blobs whose last attempt failed
  imaging::ThumbnailOptions thumbnails;
  imaging::GhostscriptOptions ghostscript;  // scratch_root is set to <mesh>/tmp by the pipeline
};

// The blobs of one run that are converted or being converted, shared by the workers so that a blob
// met in several papers at once is converted by exactly one of them. Thread-safe.
class ConversionClaims {
 public:
  // `settled`: blobs that need no conversion in this run (done in an earlier run).
  explicit ConversionClaims(std::unordered_set<std::string> settled)
      : claimed_(std::move(settled)) {}
  // True exactly once per blob: the caller converts it.
  bool claim(const std::string& sha256);

 private:
  std::mutex mutex_;
  std::unordered_set<std::string> claimed_;
};

// Converts one blob and stores its thumbnails. `facts` are the blob's (format and size decide the
// converter). Never fails: errors are in the returned record's status and error.
store::ConversionRecord convert_blob(std::string_view bytes, const store::BlobFacts& facts,
                                     const ConvertOptions& options,
                                     const store::ThumbnailStore& thumbnails);

}  // namespace imagemesh::ingest
