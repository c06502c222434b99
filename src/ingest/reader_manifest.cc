// read_manifest(): arXiv_src_manifest.xml -> expected size and md5 of each bulk tar.
#include <fcntl.h>

#include <cctype>
#include <charconv>
#include <pugixml.hpp>

#include "core/regular_file.h"
#include "ingest/reader_files.h"
#include "ingest/source_reader.h"

namespace imagemesh::ingest {
namespace {

// The real manifest lists every tar since 1991 in a few MB; anything far larger is not one.
constexpr uint64_t kMaxManifestBytes = 256ull << 20;

template <typename T>
bool parse_number(std::string_view text, T& out) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.remove_suffix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<std::map<std::string, ManifestEntry>> read_manifest(const std::string& path) {
  auto bytes = read_regular_file(AT_FDCWD, path, kMaxManifestBytes, false);
  if (!bytes.ok()) return bytes.status().with_context(path);
  pugi::xml_document doc;
  // Default parse options: no DTD processing, so no entity expansion or external loads.
  pugi::xml_parse_result parsed = doc.load_buffer(bytes->data(), bytes->size());
  if (!parsed) {
    return error(ErrorCode::kParse,
                 path + ": " + parsed.description() + " at byte " + std::to_string(parsed.offset));
  }
  pugi::xml_node root = doc.child("arXivSRC");
  if (!root) return error(ErrorCode::kParse, path + ": no <arXivSRC> root element");
  std::map<std::string, ManifestEntry> entries;
  for (pugi::xml_node file : root.children("file")) {
    ManifestEntry entry;
    entry.filename = std::string(base_name(file.child_value("filename")));
    if (entry.filename.empty()) continue;
    if (!parse_number(file.child_value("size"), entry.size)) {
      return error(ErrorCode::kParse, path + ": bad <size> for " + entry.filename);
    }
    entry.md5 = file.child_value("md5sum");
    for (char& c : entry.md5) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!parse_number(file.child_value("num_items"), entry.num_items)) entry.num_items = 0;
    entry.yymm = file.child_value("yymm");
    entries[entry.filename] = std::move(entry);
  }
  return entries;
}

}  // namespace imagemesh::ingest
