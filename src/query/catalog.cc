#include "query/catalog.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "core/arxiv_taxonomy.h"

namespace imagemesh::query {
namespace {

constexpr int kPage = 8192;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::array<uint8_t, 32> sha_bytes(const std::string& hex) {
  std::array<uint8_t, 32> bytes{};
  if (hex.size() != 64) return bytes;
  for (size_t i = 0; i < 32; ++i) {
    const int high = hex_value(hex[2 * i]), low = hex_value(hex[2 * i + 1]);
    bytes[i] = static_cast<uint8_t>(std::max(high, 0) * 16 + std::max(low, 0));
  }
  return bytes;
}

// The archive of a category code: the taxonomy's, or the part before the dot.
std::string archive_of(const std::string& category) {
  if (const ArxivCategory* known = find_arxiv_category(category)) {
    return std::string(known->archive);
  }
  return category.substr(0, category.find('.'));
}

Status load_papers(store::CatalogReader& reader, Catalog& catalog,
                   std::unordered_map<std::string, uint32_t>& paper_rows) {
  std::string after;
  while (true) {
    IM_ASSIGN_OR_RETURN(auto page, reader.list_papers(after, kPage));
    for (auto& paper : page) {
      CatalogPaperRow row;
      row.id = paper.paper_id;
      row.date = parse_date(paper.date).value_or(0);
      row.categories_begin = static_cast<uint32_t>(catalog.paper_categories.size());
      for (const std::string& category : split_arxiv_categories(paper.categories)) {
        const uint32_t code = catalog.categories.intern(category);
        if (code >= catalog.archive_of_category.size()) {
          catalog.archive_of_category.push_back(catalog.archives.intern(archive_of(category)));
        }
        catalog.paper_categories.push_back(code);
      }
      row.categories_end = static_cast<uint32_t>(catalog.paper_categories.size());
      if (row.categories_end > row.categories_begin) {
        row.primary_category = catalog.paper_categories[row.categories_begin];
        row.primary_archive = catalog.archive_of_category[row.primary_category];
      }
      if (!paper.license.empty()) {
        row.license = catalog.licenses.intern(paper.license);
        row.license_family = catalog.licenses.intern(paper.license_family);
      }
      paper_rows.emplace(row.id, static_cast<uint32_t>(catalog.papers.size()));
      catalog.papers.push_back(std::move(row));
    }
    if (page.size() < static_cast<size_t>(kPage)) return Status::Ok();
    after = page.back().paper_id;
  }
}

Status load_predictions(store::CatalogReader& reader, const std::string& model, Catalog& catalog,
                        std::vector<uint32_t>& column) {
  column.assign(catalog.size(), kNoCode);
  if (model.empty()) return Status::Ok();
  int64_t after = -1;
  while (true) {
    IM_ASSIGN_OR_RETURN(auto page, reader.list_predictions(model, after, kPage));
    for (const auto& prediction : page) {
      if (auto row = catalog.row_of(prediction.ordinal)) {
        column[*row] = catalog.prediction_labels.intern(prediction.label);
      }
    }
    if (page.size() < static_cast<size_t>(kPage)) return Status::Ok();
    after = page.back().ordinal;
  }
}

}  // namespace

std::string creator_family_of(const std::string& creator) {
  std::string family;
  size_t i = 0;
  while (i < creator.size()) {
    while (i < creator.size() && creator[i] == ' ') ++i;
    size_t end = i;
    while (end < creator.size() && creator[end] != ' ') ++end;
    std::string word = creator.substr(i, end - i);
    if (word.empty()) break;
    const bool versionish = std::any_of(word.begin(), word.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    const size_t cut = word.find_first_of(",;:()[]/");
    if (versionish ||
        (word.size() > 1 && word[0] == 'v' && std::isdigit(static_cast<unsigned char>(word[1])))) {
      break;
    }
    if (word == "version" || word == "Version") break;
    if (cut != std::string::npos) {
      if (cut > 0) family += (family.empty() ? "" : " ") + word.substr(0, cut);
      break;
    }
    family += (family.empty() ? "" : " ") + word;
    i = end;
  }
  return family.empty() ? creator.substr(0, std::min<size_t>(creator.size(), 40)) : family;
}

std::optional<int32_t> parse_date(const std::string& text) {
  auto digits = [&](size_t from, size_t count) -> std::optional<int> {
    if (from + count > text.size()) return std::nullopt;
    int value = 0;
    for (size_t i = from; i < from + count; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return std::nullopt;
  auto year = digits(0, 4);
  if (!year || *year < 1000) return std::nullopt;
  int month = 0, day = 0;
  if (text.size() >= 7) {
    auto m = digits(5, 2);
    if (text[4] != '-' || !m || *m < 1 || *m > 12) return std::nullopt;
    month = *m;
  }
  if (text.size() == 10) {
    auto d = digits(8, 2);
    if (text[7] != '-' || !d || *d < 1 || *d > 31) return std::nullopt;
    day = *d;
  }
  return *year * 10000 + month * 100 + day;
}

std::optional<size_t> Catalog::row_of_file(int64_t file) const {
  if (file < 0 || file > std::numeric_limits<uint32_t>::max()) return std::nullopt;
  auto found =
      std::lower_bound(image_file_ids_.begin(), image_file_ids_.end(), static_cast<uint32_t>(file));
  if (found == image_file_ids_.end() || *found != file) return std::nullopt;
  return image_file_rows_[static_cast<size_t>(found - image_file_ids_.begin())];
}

Status Catalog::load_image_files(store::CatalogReader& reader, Catalog& catalog) {
  int64_t after = -1;
  while (true) {
    IM_ASSIGN_OR_RETURN(auto page, reader.list_image_files(after, kPage));
    for (const auto& file : page) {
      if (file.file_id > std::numeric_limits<uint32_t>::max()) {
        return Status(ErrorCode::kUnsupported,
                      "file id " + std::to_string(file.file_id) +
                          " is past the explorer's 32-bit file ids; rebuild mesh.db");
      }
      // A file whose image is not in the catalogue (a conversion redone since it was listed)
      // simply finds no row.
      if (auto row = catalog.row_of(file.ordinal)) {
        catalog.image_file_ids_.push_back(static_cast<uint32_t>(file.file_id));
        catalog.image_file_rows_.push_back(static_cast<uint32_t>(*row));
      }
    }
    if (page.size() < static_cast<size_t>(kPage)) break;
    after = page.back().file_id;
  }
  return Status::Ok();
}

std::string Catalog::sha256_hex(size_t row) const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(64, '0');
  for (size_t i = 0; i < 32; ++i) {
    hex[2 * i] = kHex[sha256[row][i] >> 4];
    hex[2 * i + 1] = kHex[sha256[row][i] & 15];
  }
  return hex;
}

Result<Catalog> Catalog::load(store::CatalogReader& reader, const std::string& figure_type_model,
                              const std::string& cluster_model) {
  Catalog catalog;
  std::unordered_map<std::string, uint32_t> paper_rows;
  IM_RETURN_IF_ERROR(load_papers(reader, catalog, paper_rows));

  int64_t after = -1;
  while (true) {
    IM_ASSIGN_OR_RETURN(auto page, reader.list_images(after, kPage));
    for (auto& image : page) {
      catalog.ordinal.push_back(image.ordinal);
      auto paper = paper_rows.find(image.paper_id);
      catalog.paper.push_back(paper == paper_rows.end() ? kNoCode : paper->second);
      catalog.file_id.push_back(image.file_id);
      catalog.sha256.push_back(sha_bytes(image.sha256));
      catalog.format.push_back(catalog.formats.intern(image.format));
      const uint32_t creator = catalog.creators.intern(image.creator);
      if (creator >= catalog.creator_family.size()) {
        catalog.creator_family.push_back(
            catalog.creator_families.intern(creator_family_of(image.creator)));
      }
      catalog.creator.push_back(creator);
      catalog.flags.push_back(static_cast<uint8_t>((image.in_figure ? kInFigure : 0) |
                                                   (image.has_caption ? kHasCaption : 0)));
      catalog.web_width.push_back(static_cast<uint16_t>(std::clamp(image.web_width, 0, 65535)));
      catalog.web_height.push_back(static_cast<uint16_t>(std::clamp(image.web_height, 0, 65535)));
    }
    if (page.size() < static_cast<size_t>(kPage)) break;
    after = page.back().ordinal;
  }
  const uint32_t largest = catalog.ordinal.empty() ? 0 : catalog.ordinal.back();
  catalog.row_by_ordinal_.assign(catalog.ordinal.empty() ? 0 : size_t{largest} + 1, -1);
  for (size_t row = 0; row < catalog.ordinal.size(); ++row) {
    catalog.row_by_ordinal_[catalog.ordinal[row]] = static_cast<int32_t>(row);
  }
  IM_RETURN_IF_ERROR(load_image_files(reader, catalog));
  IM_RETURN_IF_ERROR(load_predictions(reader, figure_type_model, catalog, catalog.figure_type));
  IM_RETURN_IF_ERROR(load_predictions(reader, cluster_model, catalog, catalog.cluster));
  return catalog;
}

}  // namespace imagemesh::query
