// Thumbnails on disk, content-addressed: one file per (blob, kind) under mesh/thumbs/, sharded by
// the first two bytes of the blob's sha256 so no folder holds more than ~1/65536 of the files
// (12.7 M images x 2 kinds -> ~390 files per folder). Format: docs/thumbnails.md.
//
//   mesh/thumbs/ab/cd/abcd…(64 hex).raster.jpg    normalised raster (short side 512)
//   mesh/thumbs/ab/cd/abcd…(64 hex).web.webp      grid thumbnail
//
// Writes are atomic (a temporary file in the same folder, then rename), so a killed run never
// leaves a half-written thumbnail under its final name. Thread-safe: distinct blobs never share a
// file, and the same blob written twice writes the same bytes.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace imagemesh::store {

class ThumbnailStore {
 public:
  explicit ThumbnailStore(std::string mesh_dir);

  // `kind` is a short lower-case word ("raster", "web") and `extension` its file type ("jpg",
  // "webp"). Fails with kInvalidArgument for a sha256 that is not 64 lower-case hex digits or a
  // kind/extension with other characters than [a-z0-9] — the only parts of the path that vary.
  Status put(std::string_view sha256, std::string_view kind, std::string_view extension,
             std::string_view bytes) const;
  Result<std::string> get(std::string_view sha256, std::string_view kind,
                          std::string_view extension) const;
  bool contains(std::string_view sha256, std::string_view kind, std::string_view extension) const;
  // The path put() writes, relative to the mesh folder ("thumbs/ab/cd/<sha>.web.webp").
  Result<std::string> relative_path(std::string_view sha256, std::string_view kind,
                                    std::string_view extension) const;

 private:
  std::string mesh_dir_;
};

}  // namespace imagemesh::store
