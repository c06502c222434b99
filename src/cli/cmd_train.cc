// `imagemesh train ternary|deepcluster`: trains a head on a source model's stored vectors and
// writes it to <mesh>/models/<name>.yml (docs/heads.md). `imagemesh embed` applies it later.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "core/log.h"
#include "embed/train_deepcluster.h"
#include "embed/train_ternary.h"

namespace imagemesh::cli {
namespace {

int exit_code_for(const Status& status) {
  const ErrorCode code = status.code();
  return code == ErrorCode::kInvalidArgument || code == ErrorCode::kNotFound ||
                 code == ErrorCode::kParse
             ? 2
             : 1;
}

struct TernaryArgs {
  embed::TernaryTrainOptions options;
  bool no_weak = false;
};

int run_ternary(TernaryArgs& args) {
  args.options.use_weak_labels = !args.no_weak;
  auto summary = embed::train_ternary(args.options);
  if (!summary.ok()) {
    log::error("{}", summary.status().to_string());
    return exit_code_for(summary.status());
  }
  for (const std::string& warning : summary->warnings) log::warn("{}", warning);
  std::fputs(embed::describe(*summary).c_str(), stdout);
  std::printf("wrote %s; `imagemesh embed --mesh %s --model ternary` applies it to every image\n",
              summary->model_path.c_str(), args.options.mesh_dir.c_str());
  return 0;
}

void add_ternary(CLI::App& train, Action* action) {
  auto args = std::make_shared<TernaryArgs>();
  auto* cmd = train.add_subcommand(
      "ternary",
      "Train the figure-type head (diagram / sensor / mixed) on a source model's vectors, from "
      "hand labels and weak labels the blob facts justify");
  cmd->footer(
      "The labels file is CSV with a header naming an image column (sha256, ordinal or image)\n"
      "and `label` (diagram, sensor or mixed); other columns are ignored. Bad rows are reported\n"
      "with their line numbers and skipped. Weak labels (on by default) come from rules on the\n"
      "blob facts (docs/heads.md): photo-editor or camera software -> sensor; plotting or drawing\n"
      "software, vector formats, alpha or palette rasters -> diagram. Examples:\n"
      "  imagemesh train ternary --mesh mesh/ --labels tests/data/labels/figure_types.csv\n"
      "  imagemesh train ternary --mesh mesh/ --source raw --no-weak --labels labels.csv");
  cmd->add_option("--mesh", args->options.mesh_dir, "Mesh folder")->required();
  cmd->add_option("--labels", args->options.labels_path, "Hand labels (CSV)");
  cmd->add_option("--source", args->options.source, "Model whose vectors the head reads")
      ->capture_default_str();
  cmd->add_flag("--no-weak", args->no_weak, "Do not add weak labels from the blob facts");
  cmd->add_option("--seed", args->options.seed, "Seed of the folds and the weak-example choice")
      ->capture_default_str();
  cmd->add_option("--hidden", args->options.hidden, "Hidden units (the embedding's dimension)")
      ->capture_default_str()
      ->check(CLI::Range(2, 4096));
  cmd->add_option("--folds", args->options.folds, "Cross-validation folds")
      ->capture_default_str()
      ->check(CLI::Range(2, 100));
  cmd->add_option("--max-weak", args->options.max_weak_per_class, "Weak examples kept per class")
      ->capture_default_str();
  cmd->add_option("--iterations", args->options.max_iterations, "RPROP epochs at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--out", args->options.output_path,
                  "Model file (default: <mesh>/models/ternary.yml)");
  cmd->callback([args, action] { *action = [args] { return run_ternary(*args); }; });
}

int run_deepcluster(embed::DeepClusterOptions& options) {
  auto summary = embed::train_deepcluster(options);
  if (!summary.ok()) {
    log::error("{}", summary.status().to_string());
    return exit_code_for(summary.status());
  }
  std::fputs(embed::describe(*summary).c_str(), stdout);
  std::printf(
      "wrote %s; `imagemesh embed --mesh %s --model deepcluster` applies it to every image\n",
      summary->model_path.c_str(), options.mesh_dir.c_str());
  return 0;
}

void add_deepcluster(CLI::App& train, Action* action) {
  auto options = std::make_shared<embed::DeepClusterOptions>();
  auto* cmd = train.add_subcommand(
      "deepcluster",
      "Train a self-supervised head by DeepCluster on a source model's vectors: alternate "
      "k-means of the current features with training the head to predict the clusters");
  cmd->footer(
      "Deterministic: the same mesh, options and seed give a byte-identical model file.\n"
      "Each round reports the NMI between its clusters and the previous round's (the paper's\n"
      "convergence measure) and the k-means inertia. Examples:\n"
      "  imagemesh train deepcluster --mesh mesh/\n"
      "  imagemesh train deepcluster --mesh mesh/ --source raw --k 50 --rounds 5");
  cmd->add_option("--mesh", options->mesh_dir, "Mesh folder")->required();
  cmd->add_option("--source", options->source, "Model whose vectors the head reads")
      ->capture_default_str();
  cmd->add_option("--k", options->k, "Clusters")->capture_default_str()->check(CLI::Range(2, 4096));
  cmd->add_option("--rounds", options->rounds, "Cluster-and-train rounds")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--seed", options->seed, "Seed (k-means initialisation, sampling)")
      ->capture_default_str();
  cmd->add_option("--hidden", options->hidden, "Hidden units (the embedding's dimension)")
      ->capture_default_str()
      ->check(CLI::Range(2, 4096));
  cmd->add_option("--sample", options->sample, "Images trained on at most (chosen by hash)")
      ->capture_default_str()
      ->check(CLI::Range(2, 100000000));
  cmd->add_option("--iterations", options->max_iterations, "RPROP epochs per round at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--out", options->output_path,
                  "Model file (default: <mesh>/models/deepcluster.yml)");
  cmd->callback([options, action] { *action = [options] { return run_deepcluster(*options); }; });
}

}  // namespace

void add_train_command(CLI::App& app, Action* action) {
  auto* train = app.add_subcommand(
      "train", "Train a head model on stored vectors: `ternary` (figure type) or `deepcluster`");
  train->require_subcommand(1);
  train->footer(
      "Heads read a source model's vectors, so run `imagemesh embed` first.\n"
      "`imagemesh train ternary --help` and `imagemesh train deepcluster --help` say "
      "more; docs/heads.md describes both.");
  add_ternary(*train, action);
  add_deepcluster(*train, action);
}

}  // namespace imagemesh::cli
