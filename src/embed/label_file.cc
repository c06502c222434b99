#include "embed/label_file.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "core/csv.h"

namespace imagemesh::embed {
namespace {

std::string trimmed_lower(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_sha256(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

std::optional<uint32_t> parse_ordinal(const std::string& text) {
  uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

int column_of(const std::vector<std::string>& header, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace

void add_label_warning(LabelFile& file, std::string warning) {
  if (file.warnings.size() < kMaxLabelWarnings) file.warnings.push_back(std::move(warning));
}

Result<LabelFile> parse_label_csv(std::string_view text, std::string_view origin) {
  const std::vector<CsvRecord> records = parse_csv(text);
  const std::string where(origin);
  if (records.empty()) {
    return Status(ErrorCode::kParse, where + " is empty: it needs a header row (sha256,label)");
  }
  std::vector<std::string> header;
  for (const auto& name : records.front().fields) header.push_back(trimmed_lower(name));
  const int label_column = column_of(header, {"label", "class"});
  const int sha_column = column_of(header, {"sha256"});
  const int ordinal_column = column_of(header, {"ordinal", "blob_ordinal"});
  const int image_column = column_of(header, {"image"});
  if (label_column < 0 || (sha_column < 0 && ordinal_column < 0 && image_column < 0)) {
    return Status(ErrorCode::kParse,
                  where +
                      ":1: the header must name a `label` column and an image column "
                      "(`sha256`, `ordinal` or `image`), e.g. `sha256,label`");
  }
  LabelFile file;
  std::set<std::string> seen;
  for (size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& record = records[r];
    const std::string prefix = where + ":" + std::to_string(record.line) + ": ";
    auto field = [&](int column) {
      return column >= 0 && static_cast<size_t>(column) < record.fields.size()
                 ? trimmed_lower(record.fields[column])
                 : std::string();
    };
    const std::string label_text = field(label_column);
    const auto label = parse_figure_type(label_text);
    if (!label) {
      file.bad_labels++;
      add_label_warning(
          file, prefix + "unknown label '" + label_text + "' (expected diagram, sensor or mixed)");
      continue;
    }
    LabelRow row;
    row.line = record.line;
    row.label = *label;
    const std::string sha = field(sha_column), ordinal = field(ordinal_column),
                      image = field(image_column);
    if (is_sha256(sha)) {
      row.sha256 = sha;
    } else if (auto parsed = parse_ordinal(ordinal)) {
      row.ordinal = parsed;
    } else if (is_sha256(image)) {
      row.sha256 = image;
    } else if (auto parsed_image = parse_ordinal(image)) {
      row.ordinal = parsed_image;
    } else {
      file.bad_images++;
      const std::string shown = !sha.empty() ? sha : !ordinal.empty() ? ordinal : image;
      add_label_warning(
          file, prefix + "'" + shown + "' is neither a sha256 (64 hex digits) nor a blob ordinal");
      continue;
    }
    const std::string key = row.ordinal ? "#" + std::to_string(*row.ordinal) : row.sha256;
    if (!seen.insert(key).second) {
      file.duplicates++;
      add_label_warning(file, prefix + "image labelled again; the first label is kept");
      continue;
    }
    file.rows.push_back(std::move(row));
  }
  return file;
}

Result<LabelFile> read_label_csv(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status(ErrorCode::kNotFound, "no labels file " + path.string());
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return Status(ErrorCode::kIo, "cannot read " + path.string());
  return parse_label_csv(text.str(), path.filename().string());
}

}  // namespace imagemesh::embed
