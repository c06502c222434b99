#include "query/filter.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "core/arxiv_taxonomy.h"

namespace imagemesh::query {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Codes of the requested values that the dictionary holds, compared exactly or ignoring case.
CodeSet codes_of(const Dictionary& dictionary, const std::vector<std::string>& wanted,
                 bool ignore_case) {
  CodeSet set;
  for (uint32_t code = 0; code < dictionary.size(); ++code) {
    const std::string& value = dictionary.value(code);
    for (const std::string& w : wanted) {
      if (ignore_case ? lower(value) == lower(w) : value == w) set.insert(code);
    }
  }
  return set;
}

Status bad_date(const char* which, const std::string& text) {
  return Status(ErrorCode::kInvalidArgument, std::string(which) + ": '" + text +
                                                 "' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)");
}

// The last day a date written to this precision covers: "2019" -> 20199999.
int32_t upper_bound_of(const std::string& text, int32_t parsed) {
  if (text.size() == 4) return parsed + 9999;
  if (text.size() == 7) return parsed + 99;
  return parsed;
}

std::string archive_label(const std::string& archive) {
  if (const ArxivCategory* category = find_arxiv_category(archive)) {
    return std::string(category->name);
  }
  for (const ArxivCategory& category : all_arxiv_categories()) {
    if (category.archive == archive) return std::string(category.group);
  }
  return archive;
}

std::string category_label(const std::string& code) {
  if (const ArxivCategory* category = find_arxiv_category(code)) {
    return std::string(category->name);
  }
  return code;
}

// Most first, then by value.
std::vector<FacetValue> ranked(const Dictionary& dictionary, const std::vector<int64_t>& counts,
                               std::string (*label)(const std::string&), size_t keep) {
  std::vector<FacetValue> values;
  for (uint32_t code = 0; code < counts.size(); ++code) {
    if (counts[code] == 0) continue;
    const std::string& value = dictionary.value(code);
    values.push_back({value, label ? label(value) : value, counts[code]});
  }
  std::sort(values.begin(), values.end(), [](const FacetValue& a, const FacetValue& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  });
  if (values.size() > keep) values.resize(keep);
  return values;
}

}  // namespace

Result<CompiledFilter> CompiledFilter::compile(const Filters& filters, const Catalog& catalog) {
  CompiledFilter compiled(catalog);
  compiled.primary_only_ = filters.primary_only;
  compiled.by_archive_ = !filters.archives.empty();
  compiled.archives_ = codes_of(catalog.archives, filters.archives, false);
  compiled.by_category_ = !filters.categories.empty();
  compiled.categories_ = codes_of(catalog.categories, filters.categories, false);
  compiled.by_format_ = !filters.formats.empty();
  compiled.formats_ = codes_of(catalog.formats, filters.formats, true);
  compiled.by_figure_type_ = !filters.figure_types.empty();
  compiled.figure_types_ = codes_of(catalog.prediction_labels, filters.figure_types, false);
  compiled.by_cluster_ = !filters.clusters.empty();
  compiled.clusters_ = codes_of(catalog.prediction_labels, filters.clusters, false);
  compiled.by_license_ = !filters.licenses.empty();
  compiled.licenses_ = codes_of(catalog.licenses, filters.licenses, true);
  if (!filters.creator.empty()) {
    compiled.by_creator_ = true;
    const std::string needle = lower(filters.creator);
    for (uint32_t code = 0; code < catalog.creators.size(); ++code) {
      if (lower(catalog.creators.value(code)).find(needle) != std::string::npos) {
        compiled.creators_.insert(code);
      }
    }
  }
  if (!filters.dates.from.empty()) {
    auto from = parse_date(filters.dates.from);
    if (!from) return bad_date("from", filters.dates.from);
    compiled.by_date_ = true;
    compiled.date_from_ = *from;
  }
  if (!filters.dates.to.empty()) {
    auto to = parse_date(filters.dates.to);
    if (!to) return bad_date("to", filters.dates.to);
    compiled.by_date_ = true;
    compiled.date_to_ = upper_bound_of(filters.dates.to, *to);
  }
  if (compiled.date_from_ > compiled.date_to_) {
    return Status(ErrorCode::kInvalidArgument,
                  "from: " + filters.dates.from + " is after to: " + filters.dates.to);
  }
  compiled.by_paper_ =
      compiled.by_archive_ || compiled.by_category_ || compiled.by_date_ || compiled.by_license_;
  if (filters.has_caption) compiled.has_caption_ = *filters.has_caption ? 1 : 0;
  if (filters.in_figure) compiled.in_figure_ = *filters.in_figure ? 1 : 0;
  return compiled;
}

bool CompiledFilter::category_ok(const CatalogPaperRow& paper) const {
  if (primary_only_) {
    return paper.primary_category != kNoCode && categories_.contains(paper.primary_category);
  }
  for (uint32_t i = paper.categories_begin; i < paper.categories_end; ++i) {
    if (categories_.contains(catalog_->paper_categories[i])) return true;
  }
  return false;
}

bool CompiledFilter::archive_ok(const CatalogPaperRow& paper) const {
  if (primary_only_) {
    return paper.primary_archive != kNoCode && archives_.contains(paper.primary_archive);
  }
  for (uint32_t i = paper.categories_begin; i < paper.categories_end; ++i) {
    if (archives_.contains(catalog_->archive_of_category[catalog_->paper_categories[i]])) {
      return true;
    }
  }
  return false;
}

uint16_t CompiledFilter::paper_failures(uint32_t paper_row) const {
  const CatalogPaperRow* paper = paper_row == kNoCode ? nullptr : &catalog_->papers[paper_row];
  uint16_t failed = 0;
  if (by_archive_ && (!paper || !archive_ok(*paper))) failed |= 1u << kArchiveGroup;
  if (by_category_ && (!paper || !category_ok(*paper))) failed |= 1u << kCategoryGroup;
  if (by_date_ &&
      (!paper || paper->date == 0 || paper->date < date_from_ || paper->date > date_to_)) {
    failed |= 1u << kYearGroup;
  }
  if (by_license_ && (!paper || (!licenses_.contains(paper->license) &&
                                 !licenses_.contains(paper->license_family)))) {
    failed |= 1u << kLicenseGroup;
  }
  return failed;
}

uint16_t CompiledFilter::failures(size_t row) const {
  const Catalog& c = *catalog_;
  uint16_t failed = 0;
  if (by_paper_) {
    const uint32_t paper_row = c.paper[row];
    // kNoCode is both "no paper" and "no verdict yet"; an unknown paper is rare: re-evaluated.
    if (paper_row != last_paper_ || paper_row == kNoCode) {
      last_paper_ = paper_row;
      last_paper_failures_ = paper_failures(paper_row);
    }
    failed = last_paper_failures_;
  }
  if (by_format_ && !formats_.contains(c.format[row])) failed |= 1u << kFormatGroup;
  if (by_figure_type_ && !figure_types_.contains(c.figure_type[row])) {
    failed |= 1u << kFigureTypeGroup;
  }
  if (by_cluster_ && !clusters_.contains(c.cluster[row])) failed |= 1u << kClusterGroup;
  if (by_creator_ && !creators_.contains(c.creator[row])) failed |= 1u << kCreatorGroup;
  const uint8_t flags = c.flags[row];
  if (has_caption_ >= 0 && ((flags & Catalog::kHasCaption) != 0) != (has_caption_ == 1)) {
    failed |= kOtherFilters;
  }
  if (in_figure_ >= 0 && ((flags & Catalog::kInFigure) != 0) != (in_figure_ == 1)) {
    failed |= kOtherFilters;
  }
  return failed;
}

Facets count_facets(const Catalog& catalog, const CompiledFilter& filter,
                    std::span<const uint32_t> rows, bool all_rows, int64_t* matching) {
  std::vector<int64_t> archive(catalog.archives.size()), category(catalog.categories.size()),
      format(catalog.formats.size()), figure_type(catalog.prediction_labels.size()),
      cluster(catalog.prediction_labels.size()), license(catalog.licenses.size()),
      creator(catalog.creator_families.size());
  // Per year 0..9999 (dates are YYYYMMDD): an array, not a map lookup per image.
  std::vector<int64_t> years(10000);
  int64_t matched = 0;
  std::vector<uint32_t> seen_archives;
  // Whether each creator code states a creator, looked up once per code rather than per image.
  std::vector<char> stated(catalog.creators.size());
  for (uint32_t code = 0; code < stated.size(); ++code) {
    stated[code] = !catalog.creators.value(code).empty();
  }

  auto count_row = [&](size_t row, uint16_t failed) {
    auto counts = [&](int group) { return failed == 0 || failed == (1u << group); };
    const uint32_t paper_row = catalog.paper[row];
    const CatalogPaperRow* paper = paper_row == kNoCode ? nullptr : &catalog.papers[paper_row];
    if (failed == 0) ++matched;
    if (paper) {
      if (counts(kArchiveGroup)) {
        if (filter.primary_only()) {
          if (paper->primary_archive != kNoCode) ++archive[paper->primary_archive];
        } else {
          seen_archives.clear();
          for (uint32_t i = paper->categories_begin; i < paper->categories_end; ++i) {
            const uint32_t a = catalog.archive_of_category[catalog.paper_categories[i]];
            if (std::find(seen_archives.begin(), seen_archives.end(), a) == seen_archives.end()) {
              seen_archives.push_back(a);
              ++archive[a];
            }
          }
        }
      }
      if (counts(kCategoryGroup)) {
        if (filter.primary_only()) {
          if (paper->primary_category != kNoCode) ++category[paper->primary_category];
        } else {
          for (uint32_t i = paper->categories_begin; i < paper->categories_end; ++i) {
            ++category[catalog.paper_categories[i]];
          }
        }
      }
      if (counts(kYearGroup) && paper->date > 0) ++years[static_cast<size_t>(paper->date / 10000)];
      if (counts(kLicenseGroup) && paper->license != kNoCode) ++license[paper->license];
    }
    if (counts(kFormatGroup)) ++format[catalog.format[row]];
    if (counts(kFigureTypeGroup) && catalog.figure_type[row] != kNoCode) {
      ++figure_type[catalog.figure_type[row]];
    }
    if (counts(kClusterGroup) && catalog.cluster[row] != kNoCode) ++cluster[catalog.cluster[row]];
    if (counts(kCreatorGroup) && stated[catalog.creator[row]]) {
      ++creator[catalog.creator_family[catalog.creator[row]]];
    }
  };
  auto visit = [&](size_t row) {
    const uint16_t failed = filter.failures(row);
    // Only a single failed facet group can still count (towards that facet). (x & (x - 1)) == 0
    // is std::has_single_bit without the popcount library call of a build without -mpopcnt.
    if (failed == 0 || ((failed & (failed - 1)) == 0 && failed < kOtherFilters)) {
      count_row(row, failed);
    }
  };
  if (all_rows) {
    for (size_t row = 0; row < catalog.size(); ++row) visit(row);
  } else {
    for (uint32_t row : rows) visit(row);
  }

  Facets facets;
  facets.archive = ranked(catalog.archives, archive, archive_label, 200);
  facets.category = ranked(catalog.categories, category, category_label, 500);
  for (size_t year = 0; year < years.size(); ++year) {
    if (years[year] == 0) continue;
    facets.year.push_back({std::to_string(year), std::to_string(year), years[year]});
  }
  facets.format = ranked(catalog.formats, format, nullptr, 50);
  facets.figure_type = ranked(catalog.prediction_labels, figure_type, nullptr, 50);
  facets.cluster = ranked(catalog.prediction_labels, cluster, nullptr, 1000);
  facets.license = ranked(catalog.licenses, license, nullptr, 50);
  facets.creator = ranked(catalog.creator_families, creator, nullptr, 30);
  if (matching) *matching = matched;
  return facets;
}

}  // namespace imagemesh::query
