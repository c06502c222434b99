#include "core/safe_path.h"

#include <cctype>
#include <vector>

namespace imagemesh {
namespace {

constexpr size_t kMaxPathBytes = 4096;

// Splits on '/', folding "." and empty components and resolving ".." against earlier components.
// Returns false if ".." would climb above the root.
bool fold_components(std::string_view path, std::vector<std::string_view>& parts) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) return false;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  return true;
}

std::string join(const std::vector<std::string_view>& parts) {
  std::string out;
  for (std::string_view part : parts) {
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

}  // namespace

Result<std::string> normalize_relative_path(std::string_view raw) {
  if (raw.empty()) return error(ErrorCode::kUnsafePath, "empty entry name");
  if (raw.size() > kMaxPathBytes)
    return error(ErrorCode::kUnsafePath, "entry name longer than 4096 bytes");
  for (char c : raw) {
    if (static_cast<unsigned char>(c) < 0x20) {
      return error(ErrorCode::kUnsafePath, "entry name contains a control character");
    }
  }
  if (raw.front() == '/')
    return error(ErrorCode::kUnsafePath, "absolute entry name '" + std::string(raw) + "'");
  if (raw.size() >= 2 && std::isalpha(static_cast<unsigned char>(raw[0])) && raw[1] == ':') {
    return error(ErrorCode::kUnsafePath, "drive-letter entry name '" + std::string(raw) + "'");
  }
  // Names split on backslashes too: an archive made on Windows may use them as separators, and a
  // "..\" component is a traversal attempt whatever the separator.
  std::string unified(raw);
  bool had_backslash = false;
  for (char& c : unified) {
    if (c == '\\') {
      c = '/';
      had_backslash = true;
    }
  }
  std::vector<std::string_view> parts;
  size_t start = 0;
  std::string_view view = unified;
  while (start <= view.size()) {
    size_t end = view.find('/', start);
    if (end == std::string_view::npos) end = view.size();
    std::string_view part = view.substr(start, end - start);
    if (part == "..") {
      return error(ErrorCode::kUnsafePath,
                   "entry name with '..' component '" + std::string(raw) + "'");
    }
    if (!part.empty() && part != ".") parts.push_back(part);
    start = end + 1;
  }
  if (had_backslash && unified.front() == '/') {
    return error(ErrorCode::kUnsafePath, "absolute entry name '" + std::string(raw) + "'");
  }
  if (parts.empty()) return error(ErrorCode::kUnsafePath, "entry name names the root folder");
  return join(parts);
}

Result<std::string> join_inside_root(std::string_view folder, std::string_view reference) {
  if (reference.empty()) return error(ErrorCode::kUnresolved, "empty reference");
  if (reference.front() == '/') {
    return error(ErrorCode::kUnsafePath,
                 "absolute path '" + std::string(reference) + "' is outside the paper");
  }
  std::vector<std::string_view> parts;
  std::string combined(folder);
  if (!combined.empty()) combined += '/';
  combined += reference;
  if (!fold_components(combined, parts)) {
    return error(ErrorCode::kUnsafePath,
                 "path '" + std::string(reference) + "' leaves the paper folder");
  }
  if (parts.empty())
    return error(ErrorCode::kUnresolved, "reference names the paper folder itself");
  return join(parts);
}

std::string_view parent_folder(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

std::string lower_extension(std::string_view path) {
  size_t slash = path.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0) return "";
  std::string ext(name.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace imagemesh
