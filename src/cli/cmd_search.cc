#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"
#include "core/log.h"
#include "store/store.h"

namespace imagemesh::cli {
namespace {

struct SearchArgs {
  std::string mesh_dir;
  store::Store::SearchRequest request;
};

// "A long title that goes on" -> "A long title…" at `width` characters (UTF-8 aware enough: never
// cuts inside a multi-byte sequence).
std::string shortened(const std::string& text, size_t width) {
  if (text.size() <= width) return text;
  size_t cut = width;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

int run(const SearchArgs& args) {
  auto store = store::Store::open_read_only(args.mesh_dir);
  if (!store.ok()) {
    log::error("{}", store.status().to_string());
    return 1;
  }
  auto results = (*store)->search(args.request);
  if (!results.ok()) {
    log::error("{}", results.status().to_string());
    return results.status().code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  int rank = args.request.offset;
  for (const auto& hit : results->hits) {
    const std::string figure =
        hit.figure_order > 0 ? "fig " + std::to_string(hit.figure_order) : "no figure";
    std::printf("%3d. %-18s %-9s %-40s score %.2f\n", ++rank, hit.paper_id.c_str(), figure.c_str(),
                hit.path.c_str(), hit.score);
    std::printf("     %s%s\n", shortened(hit.title, 110).c_str(),
                hit.described_by == "arxiv" ? "" : "  (from the LaTeX)");
    if (!hit.caption.empty()) std::printf("     caption: %s\n", hit.caption.c_str());
    if (hit.snippet != hit.caption) std::printf("     match:   %s\n", hit.snippet.c_str());
  }
  if (results->total == 0) {
    std::printf("no images match '%s'\n", args.request.match.c_str());
  } else {
    std::printf("%lld matching image%s; showing %d-%d\n", static_cast<long long>(results->total),
                results->total == 1 ? "" : "s", results->hits.empty() ? 0 : args.request.offset + 1,
                rank);
  }
  return 0;
}

}  // namespace

void add_search_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<SearchArgs>();
  auto* cmd = app.add_subcommand(
      "search",
      "Full-text search over every image: paper title, authors, abstract, figure caption and "
      "label, file name and creator software, ranked by bm25");
  cmd->footer(
      "Query syntax (SQLite FTS5): words (all must match), \"a phrase\", prefix*, AND / OR / NOT,\n"
      "parentheses, NEAR(a b, 5), and field scopes: title: authors: abstract: caption: label:\n"
      "file: creator:, e.g. caption:galax* or {title abstract}: \"dark matter\". Words are\n"
      "stemmed (galaxy finds galaxies) and accents ignored. docs/search.md has more.\n"
      "Examples:\n"
      "  imagemesh search --mesh mesh/ '\"rotation curve\" AND galax*'\n"
      "  imagemesh search --mesh mesh/ 'caption:spectrum NOT authors:smith' --license 'CC BY'");
  cmd->add_option("--mesh", args->mesh_dir, "Mesh folder")->required();
  cmd->add_option("query", args->request.match, "FTS5 query, e.g. 'rotation AND galax*'")
      ->required();
  cmd->add_option("-n,--limit", args->request.limit, "Maximum number of hits")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--offset", args->request.offset, "Skip this many hits (paging)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--license", args->request.license,
                  "Only papers under this licence: a name ('CC BY 4.0'), a family ('CC BY', "
                  "'arXiv non-exclusive') or 'none'");
  cmd->callback([args, action] { *action = [args] { return run(*args); }; });
}

}  // namespace imagemesh::cli
