// Write throughput on a synthetic batch. Small by default so the suite stays fast; set
// IMAGEMESH_STORE_BENCH_PAPERS (e.g. 10000 in a release build) to measure.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "store/store.h"
#include "store/store_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::store {
namespace {

TEST(StoreBench, SyntheticBatchThroughput) {
  int n_papers = 200;
  if (const char* env = std::getenv("IMAGEMESH_STORE_BENCH_PAPERS")) n_papers = std::atoi(env);
  constexpr int kFigures = 10;
  constexpr int kBatch = 256;
  imagemesh::testing::ScratchDir scratch("store-bench");
  auto store = testing::open_or_die(scratch.str() + "/mesh");
  auto run = store->begin_run("bench");
  ASSERT_TRUE(run.ok());

  std::vector<PaperRecord> papers;
  for (int i = 0; i < n_papers; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "2001.%05d", i);
    PaperRecord p =
        testing::paper(id, 1, std::string("bulk.tar:") + id, "sha" + std::string(id), kFigures);
    for (auto& fig : p.figures) {
      fig.caption_text = "The rotation curve of galaxy sample " + std::to_string(i) +
                         " compared with the model of dark matter haloes, residuals below.";
      fig.subfigures.push_back({"", "left panel", "", {}});
    }
    papers.push_back(std::move(p));
  }

  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  for (size_t first = 0; first < papers.size(); first += kBatch) {
    std::vector<PaperRecord> batch(
        papers.begin() + static_cast<std::ptrdiff_t>(first),
        papers.begin() + static_cast<std::ptrdiff_t>(std::min(papers.size(), first + kBatch)));
    ASSERT_TRUE(store->write_papers(*run, batch, {}, nullptr).ok());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  auto counts = store->counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->figures, static_cast<int64_t>(n_papers) * kFigures);
  std::printf(
      "store write: %d papers, %d figures, %d files in %.3f s (%.3f s CPU): %.0f papers/s, "
      "%.0f figures/s\n",
      n_papers, n_papers * kFigures, n_papers * (kFigures + 1), seconds, cpu_seconds,
      n_papers / seconds, n_papers * kFigures / seconds);
}

}  // namespace
}  // namespace imagemesh::store
