// Paths of files inside a paper, which come from untrusted archives.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace imagemesh {

// Normalises an archive entry name to a safe path relative to the paper root: strips leading "./",
// folds "a/./b" and duplicate slashes, drops a trailing slash. Fails with kUnsafePath for absolute
// names, any ".." component, backslash-separated traversal ("..\x"), NUL or control characters, and
// names longer than 4096 bytes. The result never starts with '/' and never contains "..".
Result<std::string> normalize_relative_path(std::string_view raw);

// Joins a folder (already normalised, may be empty) and a relative reference as written in TeX,
// folding "." and ".." lexically. Returns kUnsafePath if the result would leave the paper root.
Result<std::string> join_inside_root(std::string_view folder, std::string_view reference);

// "figs/a.png" -> "figs"; "a.png" -> "".
std::string_view parent_folder(std::string_view path);
// "figs/a.PNG" -> "png" (lower case, no dot); "" when there is none.
std::string lower_extension(std::string_view path);

}  // namespace imagemesh
