// Embeddings of the real corpus (../shared/corpus): each model's HNSW index finds the same 50
// neighbours as its exact twin for every image, and the neighbours agree with the hand labels of
// tests/data/labels far above chance (photograph-like images near photograph-like images, plots
// near plots).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <unordered_map>

#include "core/csv.h"
#include "embed/embed_job.h"
#include "embed/neighbour_report.h"
#include "embed/vector_file.h"
#include "index/vector_index.h"
#include "integration/cli_support.h"
#include "test_support/corpus.h"

namespace imagemesh::testing {
namespace {

namespace fs = std::filesystem;

constexpr size_t kTop = 50;

std::unordered_map<std::string, std::string> figure_kinds() {
  const auto records = parse_csv(
      read_file(std::string(IMAGEMESH_SOURCE_DIR) + "/tests/data/labels/figure_kinds.csv"));
  std::unordered_map<std::string, std::string> kinds;
  for (size_t r = 1; r < records.size(); ++r) kinds[records[r].fields[0]] = records[r].fields[1];
  return kinds;
}

// Recall@50 of the model's saved index against an exact scan of its vectors, every image a query.
double index_recall(const fs::path& embed_dir, const std::string& model) {
  auto vectors = embed::VectorFile::open(embed_dir / (model + ".vectors"));
  EXPECT_TRUE(vectors.ok());
  auto graph = index::load_index(embed_dir / (model + ".index"));
  EXPECT_TRUE(graph.ok());
  auto exact = index::make_index("exact", vectors->info().dimension);
  EXPECT_TRUE(exact.ok());
  std::vector<float> row(vectors->info().dimension);
  std::vector<std::vector<float>> queries;
  for (uint64_t ordinal = 0; ordinal < vectors->rows(); ++ordinal) {
    if (!vectors->has(ordinal)) continue;
    EXPECT_TRUE(vectors->read(ordinal, row).ok());
    double norm = 0;
    for (float v : row) norm += double{v} * v;
    for (float& v : row) v = static_cast<float>(v / std::sqrt(norm));
    EXPECT_TRUE((*exact)->add(static_cast<uint32_t>(ordinal), row).ok());
    queries.push_back(row);
  }
  size_t found = 0, wanted = 0;
  for (const auto& query : queries) {
    auto truth = (*exact)->search(query, kTop);
    auto approximate = (*graph)->search(query, kTop);
    EXPECT_TRUE(truth.ok() && approximate.ok());
    for (const auto& hit : *truth) {
      ++wanted;
      found += std::any_of(approximate->begin(), approximate->end(),
                           [&](const index::Neighbor& other) { return other.id == hit.id; });
    }
  }
  return static_cast<double>(found) / static_cast<double>(wanted);
}

TEST(SharedEmbeddings, IndexesMatchTheirExactTwinAndNeighboursFollowTheHandLabels) {
  const std::string corpus = shared_corpus_dir();
  if (corpus.empty()) GTEST_SKIP() << kNoCorpusMessage;
  ScratchDir scratch("shared-embeddings");
  const std::string mesh = scratch.str() + "/mesh";
  auto ingest = run_imagemesh(
      {"ingest", "--mesh", mesh, "--no-progress", corpus + "/arxiv", corpus + "/other"});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.output;

  std::vector<std::string> models = {"raw"};
  if (fs::exists(embed::default_model_directory() / "mobilenet")) {
    models.push_back("mobilenet");
  } else {
    std::printf("mobilenet weights absent (tools/models/fetch.sh): raw only\n");
  }
  embed::EmbedOptions options;
  options.mesh_dir = mesh;
  options.models = models;
  options.progress = false;
  auto embedded = embed::run_embed(options);
  ASSERT_TRUE(embedded.ok()) << embedded.status().to_string();

  const auto kinds = figure_kinds();
  ASSERT_GT(kinds.size(), 800u);
  for (const std::string& model : models) {
    const double recall = index_recall(fs::path(mesh) / "embed", model);
    std::printf("%s: HNSW recall@50 against the exact scan, every corpus image a query: %.4f\n",
                model.c_str(), recall);
    EXPECT_GE(recall, 0.95) << model;

    auto report = embed::neighbour_report(mesh, model, kinds, 10);
    ASSERT_TRUE(report.ok()) << report.status().to_string();
    EXPECT_GE(report->evaluated, 800u);
    for (const auto& label : report->labels) {
      std::printf("%s: %-8s %3llu images, same kind among 10 neighbours %.1f%% (prior %.1f%%)\n",
                  model.c_str(), label.label.c_str(), static_cast<unsigned long long>(label.images),
                  100 * label.same_label, 100 * label.prior);
      if (label.label == "sensor") {
        EXPECT_GT(label.same_label, 5 * label.prior) << model << ": photographs near photographs";
      }
      if (label.label == "plot" || label.label == "drawing") {
        EXPECT_GT(label.same_label, label.prior + 0.1) << model << ": " << label.label;
      }
    }
  }
}

}  // namespace
}  // namespace imagemesh::testing
