#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"
#include "core/log.h"
#include "sample/sample.h"

namespace imagemesh::cli {
namespace {

int run(const sample::SampleOptions& options) {
  auto summary = sample::write_sample_corpus(options);
  if (!summary.ok()) {
    log::error("sample failed: {}", summary.status().to_string());
    return summary.status().code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  std::printf("Wrote %s to %s\n", sample::describe(*summary).c_str(), options.out_dir.c_str());
  std::printf("Next: imagemesh ingest --mesh mesh %s\n", options.out_dir.c_str());
  return 0;
}

}  // namespace

void add_sample_command(CLI::App& app, Action* action) {
  auto options = std::make_shared<sample::SampleOptions>();
  auto* cmd = app.add_subcommand("sample", "Write the built-in sample corpus in arXiv bulk format");
  cmd->footer(
      "Synthetic LaTeX papers in the arXiv bulk format (bulk tars, manifest, per-paper archives) "
      "with "
      "figures in EPS, PS, PDF, PNG, JPEG, GIF and SVG, ground truth (truth/figures.jsonl) and "
      "metadata. Deterministic for a seed (docs/sample.md).\n"
      "Example: imagemesh sample --out sample/ && imagemesh ingest --mesh mesh/ sample/");
  cmd->add_option("--out", options->out_dir,
                  "Output folder (created; an earlier sample there is replaced)")
      ->required();
  cmd->add_option("--papers", options->papers, "Number of papers")
      ->capture_default_str()
      ->check(CLI::Range(1, sample::kMaxSamplePapers));
  cmd->add_option("--seed", options->seed, "Random seed: the same seed gives the same bytes")
      ->capture_default_str();
  cmd->add_option("-j,--jobs", options->threads,
                  "Threads (0: one per core; output does not depend on it)")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
  cmd->callback([options, action] { *action = [options] { return run(*options); }; });
}

}  // namespace imagemesh::cli
