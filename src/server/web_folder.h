// The explorer page read from a folder instead of the binary (`imagemesh serve --web DIR`), for
// developing the page: every request reads the file again, so an edit shows on reload without a
// relink. The folder is a boundary like the mesh: a request names a file inside it or nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"

namespace imagemesh::server {

// A page file is read whole per request; anything larger is not a page file.
inline constexpr uint64_t kMaxWebFolderFileBytes = 64ull << 20;

// Whether `path` ("index.html", "vendor/katex/katex.min.css") may name a file of the page: a
// relative path already in normal form (normalize_relative_path() returns it unchanged: no "..",
// no absolute name, no "./", "//", trailing '/', backslash or control character), with no
// component that starts with '.' or is node_modules. These are the files cmake/embed_web.cmake
// would build in, so a folder serves what the binary made from it would.
bool is_web_file_name(std::string_view path);

// The bytes of `root`/`path`, read now. `root` itself may be a symbolic link (the user named it);
// inside it no link is followed, whatever it points to. Errors: kUnsafePath for a name that fails
// is_web_file_name(), runs into a symbolic link or names something other than a regular file
// (a FIFO, a device); kNotFound for a missing file or one under a missing folder; kTooLarge above
// kMaxWebFolderFileBytes; kIo when the system refuses the read.
Result<std::string> read_web_folder_file(const std::filesystem::path& root, std::string_view path);

}  // namespace imagemesh::server
