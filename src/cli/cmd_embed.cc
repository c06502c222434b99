#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/signals.h"
#include "core/log.h"
#include "embed/embed_job.h"
#include "embed/models.h"

namespace imagemesh::cli {
namespace {

struct EmbedArgs {
  embed::EmbedOptions options;
  std::string weights_dir;
  std::string storage = "float32";
  bool list = false;
  bool json = false;
  bool no_progress = false;
};

int list_models(const EmbedArgs& args) {
  std::printf("%-12s %-8s %-9s %s\n", "model", "pca dim", "weights", "what");
  for (const auto& info : embed::model_catalogue()) {
    std::string weights = "built in";
    if (info.needs_weights) {
      weights =
          std::filesystem::exists(args.options.weights.root / info.name) ? "present" : "MISSING";
    }
    std::printf("%-12s %-8u %-9s %s\n", info.name.c_str(), info.pca_dim, weights.c_str(),
                info.summary.c_str());
  }
  std::printf("\nweights folder: %s\n\nprovenance:\n", args.options.weights.root.c_str());
  for (const auto& info : embed::model_catalogue()) {
    auto model = embed::load_model(info.name, args.options.weights);
    if (model.ok()) std::printf("  %s: %s\n", info.name.c_str(), (*model)->provenance().c_str());
  }
  return 0;
}

nlohmann::json to_json(const embed::EmbedSummary& summary) {
  nlohmann::json models = nlohmann::json::array();
  for (const auto& m : summary.models) {
    models.push_back({{"model", m.model},
                      {"skipped", m.skipped},
                      {"images", m.images},
                      {"already", m.already},
                      {"embedded", m.embedded},
                      {"computed", m.computed},
                      {"failed", m.failed},
                      {"pca_fitted", m.pca_fitted},
                      {"pca_dim", m.pca_dim},
                      {"pca_samples", m.pca_samples},
                      {"explained_variance", m.explained_variance},
                      {"index_size", m.index_size},
                      {"index_added", m.index_added},
                      {"embed_seconds", m.embed_seconds},
                      {"pca_seconds", m.pca_seconds},
                      {"index_seconds", m.index_seconds},
                      {"cancelled", m.cancelled}});
  }
  return {{"models", models}, {"cancelled", summary.cancelled}};
}

void print_summary(const embed::EmbedSummary& summary) {
  std::printf("%-12s %8s %8s %8s %6s %9s %8s %9s\n", "model", "images", "new", "had", "failed",
              "pca", "index", "images/s");
  for (const auto& m : summary.models) {
    if (!m.skipped.empty()) {
      std::printf("%-12s skipped: %s\n", m.model.c_str(), m.skipped.c_str());
      continue;
    }
    const std::string pca = std::to_string(m.pca_dim) + "d " +
                            std::to_string(static_cast<int>(m.explained_variance * 100 + 0.5)) +
                            "%";
    // The PCA fit is a one-time cost, reported in the log; the rate is the images' own.
    const double seconds = m.embed_seconds - m.pca_seconds;
    const double rate = seconds > 0 ? m.computed / seconds : 0;
    std::printf(
        "%-12s %8llu %8llu %8llu %6llu %9s %8llu %9.1f%s\n", m.model.c_str(),
        static_cast<unsigned long long>(m.images), static_cast<unsigned long long>(m.embedded),
        static_cast<unsigned long long>(m.already), static_cast<unsigned long long>(m.failed),
        pca.c_str(), static_cast<unsigned long long>(m.index_size), rate,
        m.cancelled ? "  (interrupted)" : "");
  }
  if (summary.cancelled) {
    std::printf("interrupted: what was done is kept; run the same command again to go on\n");
  }
}

int run(EmbedArgs& args) {
  if (!args.weights_dir.empty()) args.options.weights.root = args.weights_dir;
  if (args.list) return list_models(args);
  if (args.options.mesh_dir.empty()) {
    log::error("--mesh is required (or --list to show the models)");
    return 2;
  }
  args.options.storage = args.storage == "float16" ? embed::ElementType::kFloat16
                         : args.storage == "int8"  ? embed::ElementType::kInt8
                                                   : embed::ElementType::kFloat32;
  args.options.progress = !args.no_progress && isatty(STDERR_FILENO) == 1;
  CancelOnSignal cancel;
  args.options.cancel = &cancel.flag();
  auto summary = embed::run_embed(args.options);
  if (!summary.ok()) {
    log::error("{}", summary.status().to_string());
    return summary.status().code() == ErrorCode::kInvalidArgument ||
                   summary.status().code() == ErrorCode::kNotFound
               ? 2
               : 1;
  }
  if (args.json) {
    std::printf("%s\n", to_json(*summary).dump(2).c_str());
  } else {
    print_summary(*summary);
  }
  return summary->cancelled ? 130 : 0;
}

}  // namespace

void add_embed_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<EmbedArgs>();
  auto* cmd = app.add_subcommand(
      "embed",
      "Compute image embeddings for every converted image that lacks them: each model's "
      "features, reduced by PCA, stored per model and added to its nearest-neighbour index");
  cmd->footer(
      "Resumable: interrupt it (Ctrl-C) and run it again; images already embedded are skipped.\n"
      "Models without weights are skipped unless named; docs/embeddings.md and docs/models.md\n"
      "describe them. Examples:\n"
      "  imagemesh embed --list\n"
      "  imagemesh embed --mesh mesh/\n"
      "  imagemesh embed --mesh mesh/ --model raw --model mobilenet --jobs 2");
  cmd->add_option("--mesh", args->options.mesh_dir, "Mesh folder");
  cmd->add_option("-m,--model", args->options.models,
                  "Model to run (repeatable; default: every model whose weights are present)");
  cmd->add_option("-j,--jobs", args->options.jobs, "Worker threads (default: one per core)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--weights", args->weights_dir,
                  "Folder of converted CNN weights (default: $IMAGEMESH_MODELS or " +
                      embed::default_model_directory().string() + ")");
  cmd->add_option("--fit-sample", args->options.fit_sample,
                  "Images the PCA is fitted on, chosen by hash")
      ->capture_default_str()
      ->check(CLI::Range(2, 10000000));
  cmd->add_option("--pca-dim", args->options.pca_dim,
                  "Reduced dimension (default: the model's, see --list)")
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--storage", args->storage,
                  "Vector storage: float32, float16 (half the size) or int8 (a quarter; "
                  "docs/embeddings.md has the recall cost)")
      ->capture_default_str()
      ->check(CLI::IsMember({"float32", "float16", "int8"}));
  cmd->add_flag("--rebuild", args->options.rebuild,
                "Forget the model's PCA, vectors and index and compute them again");
  cmd->add_flag("--list", args->list, "Show the models, their weights and provenance");
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
  cmd->add_flag("--no-progress", args->no_progress, "Do not draw progress bars");
  cmd->callback([args, action] { *action = [args] { return run(*args); }; });
}

}  // namespace imagemesh::cli
