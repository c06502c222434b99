#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "core/csv.h"
#include "core/log.h"
#include "embed/models.h"
#include "embed/neighbour_report.h"

namespace imagemesh::cli {
namespace {

struct EvaluateArgs {
  std::string mesh_dir;
  std::string labels_path;
  std::string column = "label";
  std::vector<std::string> models;
  uint32_t k = 10;
  bool json = false;
};

// sha256 -> value of `column`, from a CSV whose header names both.
Result<std::unordered_map<std::string, std::string>> read_labels(const std::string& path,
                                                                 const std::string& column) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kNotFound, "cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  const std::vector<CsvRecord> records = parse_csv(text.str());
  if (records.empty()) return Status(ErrorCode::kParse, path + " is empty");
  const auto& header = records.front().fields;
  const auto sha_at = std::find(header.begin(), header.end(), "sha256") - header.begin();
  const auto value_at = std::find(header.begin(), header.end(), column) - header.begin();
  if (sha_at == static_cast<long>(header.size()) || value_at == static_cast<long>(header.size())) {
    return Status(ErrorCode::kParse,
                  path + ":1: the header must name `sha256` and `" + column + "` columns");
  }
  std::unordered_map<std::string, std::string> labels;
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& fields = records[r].fields;
    if (static_cast<size_t>(std::max(sha_at, value_at)) >= fields.size()) continue;
    if (fields[sha_at].size() != 64 || fields[value_at].empty()) continue;
    labels.emplace(fields[sha_at], fields[value_at]);
  }
  return labels;
}

// Models with vectors in the mesh, in catalogue order.
std::vector<std::string> embedded_models(const std::string& mesh_dir) {
  std::vector<std::string> names;
  for (const auto& info : embed::model_catalogue()) {
    if (std::filesystem::exists(std::filesystem::path(mesh_dir) / "embed" /
                                (info.name + ".vectors"))) {
      names.push_back(info.name);
    }
  }
  return names;
}

int run(const EvaluateArgs& args) {
  auto labels = read_labels(args.labels_path, args.column);
  if (!labels.ok()) {
    log::error("{}", labels.status().to_string());
    return 2;
  }
  const std::vector<std::string> models =
      args.models.empty() ? embedded_models(args.mesh_dir) : args.models;
  if (models.empty()) {
    log::error("no embeddings in {}: run `imagemesh embed --mesh {}` first", args.mesh_dir,
               args.mesh_dir);
    return 1;
  }
  nlohmann::json all = nlohmann::json::array();
  for (const std::string& model : models) {
    auto report = embed::neighbour_report(args.mesh_dir, model, *labels, args.k);
    if (!report.ok()) {
      log::error("{}: {}", model, report.status().to_string());
      return 1;
    }
    nlohmann::json labels_json = nlohmann::json::array();
    if (!args.json) {
      std::printf(
          "%s: %llu labelled images, %u nearest labelled neighbours each: %.1f%% share "
          "the image's %s\n",
          model.c_str(), static_cast<unsigned long long>(report->evaluated), report->k,
          100 * report->same_label, args.column.c_str());
      std::printf("  %-12s %7s %8s %11s %6s\n", args.column.c_str(), "images", "prior",
                  "same-label", "lift");
    }
    for (const auto& label : report->labels) {
      const double lift = label.prior > 0 ? label.same_label / label.prior : 0;
      labels_json.push_back({{"label", label.label},
                             {"images", label.images},
                             {"prior", label.prior},
                             {"same_label", label.same_label}});
      if (!args.json) {
        std::printf("  %-12s %7llu %7.1f%% %10.1f%% %5.1fx\n", label.label.c_str(),
                    static_cast<unsigned long long>(label.images), 100 * label.prior,
                    100 * label.same_label, lift);
      }
    }
    all.push_back({{"model", model},
                   {"k", report->k},
                   {"evaluated", report->evaluated},
                   {"without_vector", report->without_vector},
                   {"not_in_mesh", report->not_in_mesh},
                   {"same_label", report->same_label},
                   {"labels", labels_json}});
  }
  if (args.json) std::printf("%s\n", all.dump(2).c_str());
  return 0;
}

}  // namespace

void add_evaluate_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<EvaluateArgs>();
  auto* cmd = app.add_subcommand(
      "evaluate",
      "How each embedding sees labelled figures: for every labelled image, the share of its k "
      "nearest labelled neighbours that carry the same label, per label, against the label's "
      "prior");
  cmd->footer(
      "The labels file is a CSV with a header naming `sha256` and the label column.\n"
      "Example (the hand-labelled corpus sample of the repository):\n"
      "  imagemesh evaluate --mesh mesh/ --labels tests/data/labels/figure_kinds.csv "
      "--column kind");
  cmd->add_option("--mesh", args->mesh_dir, "Mesh folder")->required();
  cmd->add_option("--labels", args->labels_path, "CSV file: sha256 and a label column")->required();
  cmd->add_option("--column", args->column, "The label column")->capture_default_str();
  cmd->add_option("-m,--model", args->models,
                  "Model to evaluate (repeatable; default: every model with vectors)");
  cmd->add_option("-k", args->k, "Neighbours per image")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_flag("--json", args->json, "Print the reports as JSON");
  cmd->callback([args, action] { *action = [args] { return run(*args); }; });
}

}  // namespace imagemesh::cli
