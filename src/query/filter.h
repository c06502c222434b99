// Filters compiled against the catalogue, and facet counts.
//
// Each filter belongs to a group; evaluating an image gives the set of groups it fails (a bit
// mask). An image matches when it fails none; it counts towards a facet when it fails none or only
// that facet's own group, which is what makes the counts say what choosing another value gives.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "query/catalog.h"
#include "query/dictionary.h"
#include "query/engine.h"

namespace imagemesh::query {

// Facet groups, in the order of Facets' members.
enum FacetGroup : int {
  kArchiveGroup,
  kCategoryGroup,
  kYearGroup,
  kFormatGroup,
  kFigureTypeGroup,
  kClusterGroup,
  kLicenseGroup,
  kCreatorGroup,
  kFacetGroups,
};
// Filters that no facet leaves out (caption, figure use).
inline constexpr uint16_t kOtherFilters = 1u << kFacetGroups;

class CompiledFilter {
 public:
  // kInvalidArgument (naming the filter) for a malformed date or an empty range. Values the mesh
  // does not hold (an unknown category) are valid and match nothing.
  [[nodiscard]] static Result<CompiledFilter> compile(const Filters& filters,
                                                      const Catalog& catalog);

  // The groups image `row` fails; 0 when it matches. Not thread-safe (a compiled filter belongs
  // to one query): it remembers the last paper's verdict, because consecutive rows mostly share
  // their paper (ordinals follow ingest order) and the paper filters cost most.
  uint16_t failures(size_t row) const;
  bool primary_only() const { return primary_only_; }

 private:
  explicit CompiledFilter(const Catalog& catalog) : catalog_(&catalog) {}
  bool category_ok(const CatalogPaperRow& paper) const;
  bool archive_ok(const CatalogPaperRow& paper) const;
  uint16_t paper_failures(uint32_t paper_row) const;

  const Catalog* catalog_;
  bool primary_only_ = true;
  CodeSet archives_, categories_, formats_, creators_, figure_types_, clusters_, licenses_;
  bool by_archive_ = false, by_category_ = false, by_format_ = false, by_creator_ = false,
       by_figure_type_ = false, by_cluster_ = false, by_license_ = false, by_date_ = false;
  int32_t date_from_ = 0, date_to_ = 99999999;
  int has_caption_ = -1, in_figure_ = -1;  // -1 any, 0 no, 1 yes
  bool by_paper_ = false;                  // any of the paper filters above
  mutable uint32_t last_paper_ = kNoCode;  // the paper of the last verdict (kNoCode: none yet)
  mutable uint16_t last_paper_failures_ = 0;
};

// Facet counts over `rows` (catalogue rows; all of them when `all_rows`). Returns the number of
// matching images too.
Facets count_facets(const Catalog& catalog, const CompiledFilter& filter,
                    std::span<const uint32_t> rows, bool all_rows, int64_t* matching);

}  // namespace imagemesh::query
