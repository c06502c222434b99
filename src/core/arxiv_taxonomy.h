// The arXiv category taxonomy: every current and legacy category with its archive, group and
// human-readable name, and the aliases arXiv merged (math.IT is cs.IT, math.MP is math-ph, ...).
// Built into the program (no hand-made JSON beside it, as the seed had): filters, facets and the
// explorer show names from here. Source: arxiv.org/category_taxonomy and arXiv's archive history.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace imagemesh {

struct ArxivCategory {
  std::string_view code;       // "math.AG", "hep-ph", "alg-geom"
  std::string_view name;       // "Algebraic Geometry"
  std::string_view archive;    // "math", "hep-ph", "alg-geom"
  std::string_view group;      // "Mathematics", "Physics", "Computer Science", ...
  bool legacy = false;         // closed to new submissions (papers still carry it)
  std::string_view canonical;  // the category it is listed as today; == code when it is its own
};

// Every category, current and legacy, sorted by code.
std::span<const ArxivCategory> all_arxiv_categories();

// The category with this code (exact, case-sensitive as arXiv writes them), or nullptr.
const ArxivCategory* find_arxiv_category(std::string_view code);

// The code a category is listed under today: aliases and legacy archives map to their successor
// ("math.IT" -> "cs.IT", "alg-geom" -> "math.AG"); unknown codes are returned unchanged.
std::string_view canonical_arxiv_category(std::string_view code);

// A record's space-separated category list ("hep-ph math.MP"), primary first, duplicates dropped.
std::vector<std::string> split_arxiv_categories(std::string_view list);

}  // namespace imagemesh
