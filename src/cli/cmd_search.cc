#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"
#include "core/log.h"
#include "store/store.h"

namespace imagemesh::cli {
namespace {

struct SearchArgs {
  std::string mesh_dir;
  std::string query;
  int limit = 20;
};

int run(const SearchArgs& args) {
  auto store = store::Store::open_read_only(args.mesh_dir);
  if (!store.ok()) {
    log::error("{}", store.status().to_string());
    return 1;
  }
  auto hits = (*store)->search_captions(args.query, args.limit);
  if (!hits.ok()) {
    log::error("{}", hits.status().to_string());
    return hits.status().code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  for (const auto& hit : *hits) {
    std::printf("%-24s fig %-3d %7.2f  %s\n", hit.paper_id.c_str(), hit.order, hit.score,
                hit.snippet.c_str());
  }
  if (hits->empty()) std::printf("no figures match '%s'\n", args.query.c_str());
  return 0;
}

}  // namespace

void add_search_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<SearchArgs>();
  auto* cmd = app.add_subcommand(
      "search", "Full-text search over figure captions and labels, ranked by bm25");
  cmd->footer(
      "SQLite FTS5 syntax: words, \"phrases\", prefix*, AND/OR/NOT, column filters (caption:, "
      "label:). Words are stemmed (galaxy finds galaxies) and accents ignored.\n"
      "Example: imagemesh search --mesh mesh/ '\"rotation curve\" AND galax*'");
  cmd->add_option("--mesh", args->mesh_dir, "Mesh folder")->required();
  cmd->add_option("query", args->query, "FTS5 query, e.g. 'rotation AND galax*'")->required();
  cmd->add_option("-n,--limit", args->limit, "Maximum number of hits")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->callback([args, action] { *action = [args] { return run(*args); }; });
}

}  // namespace imagemesh::cli
