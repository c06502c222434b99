// `imagemesh train ternary`: the figure-type head (diagram / sensor / mixed) on a source model's
// stored vectors, from hand labels (a CSV file, label_file.h) and weak labels the mesh's blob facts
// justify (weak_labels.h). Evaluated by stratified k-fold cross-validation on the hand labels
// (deterministic folds), then trained on everything and saved (head_model.h; docs/heads.md).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "embed/weak_labels.h"

namespace imagemesh::embed {

struct TernaryTrainOptions {
  std::string mesh_dir;
  std::string source =
      "mobilenet";          // the model whose vectors (mesh/embed/<source>.vectors) it reads
  std::string labels_path;  // "" = weak labels only
  bool use_weak_labels = true;
  uint64_t seed = 1;     // folds and the choice of weak examples
  uint32_t hidden = 32;  // measured best of 16/32/64 on the corpus (docs/heads.md)
  int folds = 5;
  uint32_t max_weak_per_class = 20000;  // weak examples kept per class (chosen by seeded hash)
  int max_iterations = 100;             // RPROP epochs (more overfits: docs/heads.md)
  std::string output_path;              // "" = <mesh>/models/ternary.yml
};

using ClassCounts = std::array<int, kFigureTypes>;

struct TernaryTrainSummary {
  std::string model_path;
  std::string source;
  uint32_t source_dim = 0;
  // Hand labels: rows read, and why rows were not used.
  int label_rows = 0, bad_labels = 0, bad_images = 0, duplicates = 0;
  int unknown_images = 0;   // the sha256 or ordinal is not a blob of the mesh
  int missing_vectors = 0;  // a blob of the mesh without a source vector
  std::vector<std::string> warnings;
  // Training examples per class, by origin, and weak examples per rule.
  ClassCounts hand = {}, weak = {};
  std::vector<std::pair<std::string, int>> weak_by_rule;
  uint64_t weak_candidates = 0;  // images a rule labelled (before the per-class cap)
  // Cross-validation: on hand labels when there are any, else on the weak labels.
  int folds = 0;
  std::string evaluated_on;  // "hand labels", "weak labels" or "" (not evaluated)
  std::array<ClassCounts, kFigureTypes> confusion = {};  // [truth][predicted]
  double accuracy = 0;
  std::array<double, kFigureTypes> recall = {};  // NaN for a class without examples
  double balanced_accuracy = 0;                  // mean recall over classes with examples
  double temperature = 1;
  // Each weak rule against the hand labels (empty without hand labels).
  std::vector<RuleAgreement> rules;
  double seconds = 0;
};

[[nodiscard]] Result<TernaryTrainSummary> train_ternary(const TernaryTrainOptions& options);

// The summary as text: examples per class and origin, CV confusion matrix and per-class recall,
// and the weak-rule agreement table. Also stored in the model file.
std::string describe(const TernaryTrainSummary& summary);

}  // namespace imagemesh::embed
