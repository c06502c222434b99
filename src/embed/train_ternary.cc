#include "embed/train_ternary.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <queue>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/log.h"
#include "embed/head_common.h"
#include "embed/head_model.h"
#include "embed/label_file.h"
#include "store/store.h"

namespace imagemesh::embed {
namespace {

constexpr int kFactsPage = 4096;

struct Example {
  uint32_t ordinal = 0;
  FigureType label = FigureType::kDiagram;
  bool hand = false;
};

std::string short_hash(const std::string& sha256) { return sha256.substr(0, 12) + "…"; }

void warn(TernaryTrainSummary& summary, std::string message) {
  if (summary.warnings.size() < kMaxLabelWarnings) summary.warnings.push_back(std::move(message));
}

// Hand labels resolved against the mesh. `facts`/`labels` hold every labelled blob of the mesh
// (for the rule agreement, which needs no vector); `examples` those with a source vector.
struct HandLabels {
  std::vector<Example> examples;
  std::vector<BlobFacts> facts;
  std::vector<FigureType> labels;
  std::unordered_set<uint32_t> ordinals;  // every labelled blob: never a weak example
};

Result<HandLabels> resolve_hand_labels(store::Store& store, const VectorFile& vectors,
                                       const TernaryTrainOptions& options,
                                       TernaryTrainSummary& summary) {
  HandLabels out;
  if (options.labels_path.empty()) return out;
  IM_ASSIGN_OR_RETURN(LabelFile file, read_label_csv(options.labels_path));
  summary.label_rows =
      static_cast<int>(file.rows.size()) + file.bad_labels + file.bad_images + file.duplicates;
  summary.bad_labels = file.bad_labels;
  summary.bad_images = file.bad_images;
  summary.duplicates = file.duplicates;
  summary.warnings = file.warnings;

  std::vector<std::string> hashes;
  std::vector<uint32_t> ordinals;
  for (const LabelRow& row : file.rows) {
    if (row.ordinal) {
      ordinals.push_back(*row.ordinal);
    } else {
      hashes.push_back(row.sha256);
    }
  }
  IM_ASSIGN_OR_RETURN(std::vector<BlobFacts> by_hash, store.blob_facts_by_sha256(hashes));
  IM_ASSIGN_OR_RETURN(std::vector<BlobFacts> by_ordinal, store.blob_facts_by_ordinal(ordinals));
  std::unordered_map<std::string, BlobFacts> hash_facts;
  std::unordered_map<uint32_t, BlobFacts> ordinal_facts;
  for (auto& facts : by_hash) hash_facts.emplace(facts.sha256, std::move(facts));
  for (auto& facts : by_ordinal) ordinal_facts.emplace(facts.ordinal, std::move(facts));

  const std::string origin = std::filesystem::path(options.labels_path).filename().string();
  for (const LabelRow& row : file.rows) {
    const std::string at = origin + ":" + std::to_string(row.line) + ": ";
    const BlobFacts* facts = nullptr;
    if (row.ordinal) {
      auto found = ordinal_facts.find(*row.ordinal);
      if (found != ordinal_facts.end()) facts = &found->second;
    } else {
      auto found = hash_facts.find(row.sha256);
      if (found != hash_facts.end()) facts = &found->second;
    }
    if (facts == nullptr) {
      summary.unknown_images++;
      warn(summary, at + "no image " +
                        (row.ordinal ? "with ordinal " + std::to_string(*row.ordinal)
                                     : short_hash(row.sha256)) +
                        " in this mesh");
      continue;
    }
    if (!out.ordinals.insert(facts->ordinal).second) {
      summary.duplicates++;
      warn(summary, at + "image labelled again (by hash and by ordinal); the first label is kept");
      continue;
    }
    out.facts.push_back(*facts);
    out.labels.push_back(row.label);
    if (!vectors.has(facts->ordinal)) {
      summary.missing_vectors++;
      warn(summary, at + "image " + short_hash(facts->sha256) + " has no " + options.source +
                        " vector (not converted, or not embedded yet)");
      continue;
    }
    out.examples.push_back({facts->ordinal, row.label, true});
    summary.hand[static_cast<int>(row.label)]++;
  }
  return out;
}

// Images no one labelled that a rule labels, at most max_weak_per_class per class: those with the
// smallest seeded hash, so the choice is uniform over the mesh and the same for a seed.
Result<std::vector<Example>> choose_weak_examples(store::Store& store, const VectorFile& vectors,
                                                  const HandLabels& hand,
                                                  const TernaryTrainOptions& options,
                                                  TernaryTrainSummary& summary) {
  using Entry = std::tuple<uint64_t, uint32_t, size_t>;  // hash, ordinal, rule index
  std::array<std::priority_queue<Entry>, kFigureTypes> kept;
  const auto rules = weak_rules();
  for (int64_t after = -1;;) {
    IM_ASSIGN_OR_RETURN(std::vector<BlobFacts> page, store.list_blob_facts(after, kFactsPage));
    if (page.empty()) break;
    after = page.back().ordinal;
    for (const BlobFacts& facts : page) {
      if (hand.ordinals.count(facts.ordinal) || !vectors.has(facts.ordinal)) continue;
      for (size_t r = 0; r < rules.size(); ++r) {
        if (!rules[r].fires(facts)) continue;
        summary.weak_candidates++;
        auto& heap = kept[static_cast<int>(rules[r].label)];
        heap.emplace(seeded_hash(options.seed, facts.ordinal), facts.ordinal, r);
        if (heap.size() > options.max_weak_per_class) heap.pop();
        break;
      }
    }
  }
  std::vector<Example> out;
  std::vector<int> per_rule(rules.size(), 0);
  for (int c = 0; c < kFigureTypes; ++c) {
    while (!kept[c].empty()) {
      const auto [hash, ordinal, rule] = kept[c].top();
      kept[c].pop();
      out.push_back({ordinal, static_cast<FigureType>(c), false});
      per_rule[rule]++;
      summary.weak[c]++;
    }
  }
  for (size_t r = 0; r < rules.size(); ++r) {
    if (per_rule[r] > 0) summary.weak_by_rule.emplace_back(std::string(rules[r].name), per_rule[r]);
  }
  std::sort(out.begin(), out.end(),
            [](const Example& a, const Example& b) { return a.ordinal < b.ordinal; });
  return out;
}

// Inputs, labels and class weights (n / (classes present * n_class): every class weighs the same
// in the error, whatever its size) of the examples `chosen`.
HeadTrainingSet training_set(const std::vector<Example>& examples, const std::vector<float>& rows,
                             uint32_t dim, const std::vector<size_t>& chosen) {
  HeadTrainingSet set;
  set.input_dim = dim;
  ClassCounts counts = {};
  for (size_t i : chosen) counts[static_cast<int>(examples[i].label)]++;
  const int present =
      static_cast<int>(std::count_if(counts.begin(), counts.end(), [](int n) { return n > 0; }));
  set.inputs.reserve(chosen.size() * dim);
  for (size_t i : chosen) {
    set.inputs.insert(set.inputs.end(), rows.begin() + i * dim, rows.begin() + (i + 1) * dim);
    const int label = static_cast<int>(examples[i].label);
    set.labels.push_back(label);
    set.weights.push_back(static_cast<float>(double(chosen.size()) / (present * counts[label])));
  }
  return set;
}

HeadInfo ternary_info(const TernaryTrainOptions& options, uint32_t dim) {
  HeadInfo info;
  info.kind = "ternary";
  info.name = "ternary";
  info.source = options.source;
  info.source_dim = dim;
  info.hidden_dim = options.hidden;
  info.label_names = figure_type_names();
  info.seed = options.seed;
  return info;
}

// Stratified folds over the examples `pool`: within each class in seeded-hash order, dealt round
// robin, so every fold holds its share of every class (a class with fewer examples than folds is
// in only some folds).
std::vector<int> assign_folds(const std::vector<Example>& examples, const std::vector<size_t>& pool,
                              int folds, uint64_t seed) {
  std::vector<int> fold(examples.size(), -1);
  for (int c = 0; c < kFigureTypes; ++c) {
    std::vector<size_t> members;
    for (size_t i : pool) {
      if (static_cast<int>(examples[i].label) == c) members.push_back(i);
    }
    std::sort(members.begin(), members.end(), [&](size_t a, size_t b) {
      return seeded_hash(seed, examples[a].ordinal) < seeded_hash(seed, examples[b].ordinal);
    });
    for (size_t k = 0; k < members.size(); ++k) fold[members[k]] = static_cast<int>(k % folds);
  }
  return fold;
}

struct FoldResult {
  Status status;
  std::vector<size_t> tested;
  std::vector<float> outputs;  // tested.size() x kFigureTypes
};

// k-fold cross-validation: examples in `pool` are evaluated when their fold is held out; every
// other example (including those outside the pool, e.g. weak ones) trains. Folds run in parallel
// (each training single-threaded inside OpenCV, which the caller arranged).
Status cross_validate(const std::vector<Example>& examples, const std::vector<float>& rows,
                      uint32_t dim, const std::vector<size_t>& pool,
                      const TernaryTrainOptions& options, TernaryTrainSummary& summary) {
  const int folds = std::min<int>(options.folds, static_cast<int>(pool.size()));
  if (folds < 2) return Status::Ok();
  const std::vector<int> fold = assign_folds(examples, pool, folds, options.seed);
  std::vector<FoldResult> results(folds);
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int f = next++; f < folds; f = next++) {
      std::vector<size_t> train;
      FoldResult& result = results[f];
      for (size_t i = 0; i < examples.size(); ++i) {
        (fold[i] == f ? result.tested : train).push_back(i);
      }
      auto head = HeadModel::train(training_set(examples, rows, dim, train),
                                   ternary_info(options, dim), {options.max_iterations});
      if (!head.ok()) {
        result.status = head.status();
        continue;
      }
      std::vector<float> tested_rows;
      for (size_t i : result.tested) {
        tested_rows.insert(tested_rows.end(), rows.begin() + i * dim, rows.begin() + (i + 1) * dim);
      }
      auto batch = head->apply_batch(tested_rows);
      if (!batch.ok()) {
        result.status = batch.status();
        continue;
      }
      result.outputs = std::move(batch->outputs);
    }
  };
  const unsigned threads = std::max(1u, std::min(std::thread::hardware_concurrency(), 2u));
  std::vector<std::thread> pool_threads;
  for (unsigned t = 1; t < threads; ++t) pool_threads.emplace_back(worker);
  worker();
  for (auto& thread : pool_threads) thread.join();

  std::vector<float> oof_outputs;
  std::vector<int> oof_labels;
  for (const FoldResult& result : results) {
    IM_RETURN_IF_ERROR(result.status);
    for (size_t k = 0; k < result.tested.size(); ++k) {
      const float* out = result.outputs.data() + k * kFigureTypes;
      const int predicted = static_cast<int>(std::max_element(out, out + kFigureTypes) - out);
      const int truth = static_cast<int>(examples[result.tested[k]].label);
      summary.confusion[truth][predicted]++;
      oof_outputs.insert(oof_outputs.end(), out, out + kFigureTypes);
      oof_labels.push_back(truth);
    }
  }
  summary.folds = folds;
  int correct = 0, total = 0, classes = 0;
  double recall_sum = 0;
  for (int c = 0; c < kFigureTypes; ++c) {
    int row = 0;
    for (int p = 0; p < kFigureTypes; ++p) row += summary.confusion[c][p];
    correct += summary.confusion[c][c];
    total += row;
    summary.recall[c] = row > 0 ? double(summary.confusion[c][c]) / row : std::nan("");
    if (row > 0) {
      recall_sum += summary.recall[c];
      ++classes;
    }
  }
  summary.accuracy = total > 0 ? double(correct) / total : 0;
  summary.balanced_accuracy = classes > 0 ? recall_sum / classes : 0;
  summary.temperature = fit_temperature(oof_outputs, oof_labels, kFigureTypes);
  return Status::Ok();
}

std::string percent(double fraction) {
  if (std::isnan(fraction)) return "-";
  return fmt::format("{:.1f}%", 100 * fraction);
}

}  // namespace

Result<TernaryTrainSummary> train_ternary(const TernaryTrainOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (options.labels_path.empty() && !options.use_weak_labels) {
    return Status(ErrorCode::kInvalidArgument,
                  "nothing to learn from: give --labels FILE, or allow weak labels");
  }
  if (options.hidden < 2 || options.hidden > 4096) {
    return Status(ErrorCode::kInvalidArgument, "--hidden must be in 2..4096");
  }
  TernaryTrainSummary summary;
  summary.source = options.source;
  summary.model_path = options.output_path.empty()
                           ? default_head_path(options.mesh_dir, "ternary").string()
                           : options.output_path;
  IM_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store,
                      store::Store::open_read_only(options.mesh_dir));
  IM_ASSIGN_OR_RETURN(VectorFile vectors, open_source_vectors(options.mesh_dir, options.source));
  const uint32_t dim = vectors.info().dimension;
  summary.source_dim = dim;

  IM_ASSIGN_OR_RETURN(HandLabels hand, resolve_hand_labels(*store, vectors, options, summary));
  summary.rules =
      hand.facts.empty() ? std::vector<RuleAgreement>{} : measure_rules(hand.facts, hand.labels);
  std::vector<Example> examples = hand.examples;
  if (options.use_weak_labels) {
    IM_ASSIGN_OR_RETURN(std::vector<Example> weak,
                        choose_weak_examples(*store, vectors, hand, options, summary));
    examples.insert(examples.end(), weak.begin(), weak.end());
  }
  store.reset();
  int classes_present = 0;
  for (int c = 0; c < kFigureTypes; ++c) classes_present += summary.hand[c] + summary.weak[c] > 0;
  if (classes_present < 2) {
    return Status(ErrorCode::kInvalidArgument,
                  "the examples hold fewer than two classes (" + std::to_string(examples.size()) +
                      " examples): label some images of the other classes in a CSV file and "
                      "pass it with --labels (docs/heads.md)");
  }
  std::vector<uint32_t> ordinals;
  for (const Example& example : examples) ordinals.push_back(example.ordinal);
  IM_ASSIGN_OR_RETURN(std::vector<float> rows, read_rows(vectors, ordinals));

  // Single-threaded OpenCV: ANN_MLP's RPROP is then deterministic. Folds run in parallel instead.
  ScopedOpenCvThreads serial(1);
  std::vector<size_t> hand_pool, weak_pool;
  for (size_t i = 0; i < examples.size(); ++i)
    (examples[i].hand ? hand_pool : weak_pool).push_back(i);
  const bool on_hand = !hand_pool.empty();
  IM_RETURN_IF_ERROR(
      cross_validate(examples, rows, dim, on_hand ? hand_pool : weak_pool, options, summary));
  if (summary.folds > 0) summary.evaluated_on = on_hand ? "hand labels" : "weak labels";

  std::vector<size_t> everything(examples.size());
  for (size_t i = 0; i < everything.size(); ++i) everything[i] = i;
  log::info("ternary: training on {} examples", examples.size());
  IM_ASSIGN_OR_RETURN(HeadModel head,
                      HeadModel::train(training_set(examples, rows, dim, everything),
                                       ternary_info(options, dim), {options.max_iterations}));
  if (summary.folds == 0) {
    // No held-out outputs: the temperature is fitted on the training examples themselves.
    IM_ASSIGN_OR_RETURN(HeadBatch batch, head.apply_batch(rows));
    std::vector<int> labels;
    for (const Example& example : examples) labels.push_back(static_cast<int>(example.label));
    summary.temperature = fit_temperature(batch.outputs, labels, kFigureTypes);
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // The file holds the summary without the timing and its own path: same inputs, same bytes.
  TernaryTrainSummary timeless = summary;
  timeless.seconds = 0;
  timeless.model_path.clear();
  head = head.with_temperature(summary.temperature).with_summary(describe(timeless));
  IM_RETURN_IF_ERROR(head.save(summary.model_path));
  return summary;
}

std::string describe(const TernaryTrainSummary& s) {
  std::string out = fmt::format("ternary head on {} vectors ({}-d){}\n", s.source, s.source_dim,
                                s.model_path.empty() ? "" : " -> " + s.model_path);
  if (s.label_rows > 0) {
    out += fmt::format(
        "hand labels: {} rows; used {} (diagram {}, sensor {}, mixed {}); skipped: {} not in the "
        "mesh, {} without a {} vector, {} bad labels, {} bad image ids, {} duplicates\n",
        s.label_rows, s.hand[0] + s.hand[1] + s.hand[2], s.hand[0], s.hand[1], s.hand[2],
        s.unknown_images, s.missing_vectors, s.source, s.bad_labels, s.bad_images, s.duplicates);
  } else {
    out += "hand labels: none\n";
  }
  out += fmt::format("weak labels: {} unlabelled images matched a rule; kept diagram {}, sensor {}",
                     s.weak_candidates, s.weak[0], s.weak[1]);
  for (const auto& [rule, count] : s.weak_by_rule) out += fmt::format("; {} {}", rule, count);
  out += "\ntraining examples:";
  const auto names = figure_type_names();
  for (int c = 0; c < kFigureTypes; ++c) {
    out += fmt::format(" {} {} ({} hand + {} weak){}", names[c], s.hand[c] + s.weak[c], s.hand[c],
                       s.weak[c], c + 1 < kFigureTypes ? "," : "\n");
  }
  if (s.folds > 0) {
    out += fmt::format("{}-fold cross-validation on the {} (stratified, seeded folds):\n", s.folds,
                       s.evaluated_on);
    out += fmt::format("  {:<18}{:>9}{:>9}{:>9}{:>9}\n", "truth \\ predicted", names[0], names[1],
                       names[2], "recall");
    for (int c = 0; c < kFigureTypes; ++c) {
      out += fmt::format("  {:<18}{:>9}{:>9}{:>9}{:>9}\n", names[c], s.confusion[c][0],
                         s.confusion[c][1], s.confusion[c][2], percent(s.recall[c]));
    }
    out += fmt::format("  accuracy {}, balanced accuracy (mean recall) {}\n", percent(s.accuracy),
                       percent(s.balanced_accuracy));
  } else {
    out += "not cross-validated (too few examples)\n";
  }
  out += fmt::format("probability temperature {:.4g} (fitted on {} outputs)\n", s.temperature,
                     s.folds > 0 ? "out-of-fold" : "training");
  if (!s.rules.empty()) {
    out +=
        "weak rules against the hand labels (each rule alone; the last row labels as training "
        "does, first rule that fires):\n";
    out += fmt::format("  {:<30}{:>8}{:>7}{:>7}{:>10}   hand labels diagram/sensor/mixed\n", "rule",
                       "label", "fires", "agrees", "agreement");
    for (const RuleAgreement& rule : s.rules) {
      const bool combined = rule.name.rfind("combined", 0) == 0;
      out +=
          fmt::format("  {:<30}{:>8}{:>7}{:>7}{:>10}   {}/{}/{}\n", rule.name,
                      combined ? "-" : std::string(figure_type_name(rule.label)), rule.fires,
                      rule.agrees, rule.fires > 0 ? percent(double(rule.agrees) / rule.fires) : "-",
                      rule.hand[0], rule.hand[1], rule.hand[2]);
    }
  }
  if (s.seconds > 0) out += fmt::format("took {:.1f} s\n", s.seconds);
  return out;
}

}  // namespace imagemesh::embed
