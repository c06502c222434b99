// classify_inputs(): paths given by the user -> typed inputs.
//
// Explicit paths may be symlinks (the user chose them). Inside a folder being expanded nothing is
// followed: entries are looked at with lstat and symlinks, devices and FIFOs are passed over.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <optional>

#include "core/log.h"
#include "core/safe_path.h"
#include "ingest/reader_files.h"
#include "ingest/source_reader.h"

namespace imagemesh::ingest {
namespace {

constexpr int kMaxExpandDepth = 8;

// True if the first tar header of `path` names a bulk member "YYMM/<something>.gz|.pdf".
bool first_member_is_bulk(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return false;
  char block[512];
  ssize_t n = ::read(fd, block, sizeof block);
  ::close(fd);
  if (n != 512 || !looks_like_tar(std::string_view(block, 512))) return false;
  std::string_view name(block, strnlen(block, 100));
  if (name.size() < 8 || name[4] != '/') return false;
  for (int i = 0; i < 4; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return false;
  }
  std::string_view rest = name.substr(5);
  return rest.find('/') == std::string_view::npos &&
         (ends_with(rest, ".gz") || ends_with(rest, ".pdf"));
}

std::optional<InputKind> classify_file(const std::string& path) {
  std::string_view name = base_name(path);
  if (name.substr(0, 2) == "._") return std::nullopt;  // macOS AppleDouble metadata
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ends_with(lower, ".xml") && lower.find("manifest") != std::string::npos) {
    return InputKind::kManifest;
  }
  if (ends_with(lower, ".tar")) {
    if (lower.substr(0, 10) == "arxiv_src_" || first_member_is_bulk(path))
      return InputKind::kBulkTar;
    return InputKind::kPaperArchive;
  }
  if (ends_with(lower, ".tar.gz") || ends_with(lower, ".tgz") || ends_with(lower, ".gz")) {
    return InputKind::kPaperArchive;
  }
  if (ends_with(lower, ".pdf")) return InputKind::kPdf;
  return std::nullopt;
}

bool is_tex_name(std::string_view name) {
  std::string extension = lower_extension(name);
  return extension == "tex" || extension == "ltx";
}

// Appends the inputs found in folder `path`. A folder with TeX files at its top is one paper;
// otherwise its archives and (recursively) its subfolders are the inputs.
void expand_folder(const std::string& path, int depth, std::vector<Input>& out) {
  std::error_code ec;
  std::vector<std::filesystem::directory_entry> entries;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) entries.push_back(entry);
  if (ec) {
    log::warn("{}: cannot list: {}", path, ec.message());
    return;
  }
  std::sort(entries.begin(), entries.end());
  std::vector<std::string> files, folders;
  for (const auto& entry : entries) {
    std::string name = entry.path().filename().string();
    auto status = entry.symlink_status(ec);  // lstat: a symlink is a symlink here
    if (ec) continue;
    if (std::filesystem::is_regular_file(status)) {
      if (is_tex_name(name)) {
        out.push_back({InputKind::kPaperFolder, path});
        return;
      }
      files.push_back(entry.path().string());
    } else if (std::filesystem::is_directory(status)) {
      if (name.front() != '.') folders.push_back(entry.path().string());
    } else {
      log::debug("{}: not a regular file or folder, passed over", entry.path().string());
    }
  }
  for (const auto& file : files) {
    if (auto kind = classify_file(file)) out.push_back({*kind, file});
  }
  if (depth >= kMaxExpandDepth) return;
  for (const auto& folder : folders) expand_folder(folder, depth + 1, out);
}

}  // namespace

Result<std::vector<Input>> classify_inputs(const std::vector<std::string>& paths) {
  std::vector<Input> inputs;
  for (const std::string& given : paths) {
    std::string path = std::filesystem::absolute(given).lexically_normal().string();
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
      return error(ErrorCode::kNotFound, given + ": no such file or folder");
    if (S_ISREG(st.st_mode)) {
      auto kind = classify_file(path);
      if (!kind) {
        return error(ErrorCode::kUnsupported,
                     given + ": not a bulk tar, manifest, paper archive, PDF or folder");
      }
      inputs.push_back({*kind, path});
    } else if (S_ISDIR(st.st_mode)) {
      size_t before = inputs.size();
      expand_folder(path, 0, inputs);
      if (inputs.size() == before) {
        return error(ErrorCode::kNotFound, given + ": folder holds no TeX files and no archives");
      }
    } else {
      return error(ErrorCode::kUnsupported, given + ": not a regular file or folder");
    }
  }
  return inputs;
}

}  // namespace imagemesh::ingest
