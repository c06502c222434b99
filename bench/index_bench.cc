// Nearest-neighbour index measurements, for bench/run.sh --only index.
//
//   imagemesh_index_bench [--count N] [--dim D] [--queries Q] [--dir DIR]
//
// Builds the exact twin and the hnsw index over N synthetic clustered unit vectors (index/
// synthetic.h, the data set of deps.md §4) single-threaded, saves both to DIR (bytes per vector),
// then prints markdown tables: QPS and recall@50 against the exact twin for several ef, and the
// filtered-search switch point (exact scan of the allowed subset against filtered graph search at
// several selectivities).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "index/hnsw_index.h"
#include "index/synthetic.h"
#include "index/vector_index.h"

namespace {

using namespace imagemesh::index;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "index_bench: %s\n", message.c_str());
  std::exit(1);
}

std::vector<std::vector<Neighbor>> run_queries(const VectorIndex& index, const SyntheticSet& q,
                                               size_t k, const AllowedIds* allowed, double* seconds,
                                               SearchStats* last = nullptr,
                                               double* mean_candidates = nullptr) {
  std::vector<std::vector<Neighbor>> out;
  double candidates = 0;
  auto start = Clock::now();
  for (size_t i = 0; i < q.count(); ++i) {
    SearchStats stats;
    auto found = index.search(q.row(i), k, allowed, &stats);
    if (!found.ok()) die(found.status().to_string());
    out.push_back(std::move(found).value());
    candidates += static_cast<double>(stats.candidates);
    if (last != nullptr) *last = stats;
  }
  *seconds = seconds_since(start);
  if (mean_candidates != nullptr) *mean_candidates = candidates / static_cast<double>(q.count());
  return out;
}

double mean_recall(const std::vector<std::vector<Neighbor>>& found,
                   const std::vector<std::vector<Neighbor>>& truth) {
  double sum = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    std::set<uint32_t> want;
    for (const Neighbor& n : truth[i]) want.insert(n.id);
    size_t hit = 0;
    for (const Neighbor& n : found[i]) hit += want.count(n.id);
    sum += truth[i].empty() ? 1.0 : static_cast<double>(hit) / truth[i].size();
  }
  return sum / static_cast<double>(truth.size());
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = 1000000;
  uint32_t dim = 64;
  size_t n_queries = 200;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "imagemesh-index-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--count")
      count = std::stoull(argv[i + 1]);
    else if (flag == "--dim")
      dim = static_cast<uint32_t>(std::stoul(argv[i + 1]));
    else if (flag == "--queries")
      n_queries = std::stoull(argv[i + 1]);
    else if (flag == "--dir")
      dir = argv[i + 1];
    else
      die("usage: imagemesh_index_bench [--count N] [--dim D] [--queries Q] [--dir DIR]");
  }
  constexpr size_t kK = 50;
  const size_t clusters = std::max<size_t>(16, count / 400);
  std::filesystem::create_directories(dir);

  auto t0 = Clock::now();
  SyntheticSet data = clustered_vectors(count, dim, clusters, 1, 2);
  SyntheticSet queries = clustered_vectors(n_queries, dim, clusters, 1, 3);
  double t_data = seconds_since(t0);

  auto exact_made = make_index("exact", dim);
  auto hnsw_made = make_index("hnsw", dim);
  if (!exact_made.ok() || !hnsw_made.ok()) die("make_index failed");
  VectorIndex& exact = **exact_made;
  auto& hnsw = static_cast<HnswIndex&>(**hnsw_made);
  t0 = Clock::now();
  for (size_t i = 0; i < count; ++i) {
    if (auto s = exact.add(static_cast<uint32_t>(i), data.row(i)); !s.ok()) die(s.to_string());
  }
  double t_exact = seconds_since(t0);
  t0 = Clock::now();
  for (size_t i = 0; i < count; ++i) {
    if (auto s = hnsw.add(static_cast<uint32_t>(i), data.row(i)); !s.ok()) die(s.to_string());
  }
  double t_hnsw = seconds_since(t0);
  if (auto s = exact.save(dir / "exact.idx"); !s.ok()) die(s.to_string());
  if (auto s = hnsw.save(dir / "hnsw.idx"); !s.ok()) die(s.to_string());
  auto bytes = [&](const char* name) {
    return static_cast<double>(std::filesystem::file_size(dir / name)) / static_cast<double>(count);
  };
  double exact_bpv = bytes("exact.idx");
  double hnsw_bpv = bytes("hnsw.idx") + bytes("hnsw.idx.hnsw");

  std::printf(
      "\n## vector index: %zu x %u-d synthetic clustered unit vectors (%zu clusters), "
      "%zu queries, k = %zu, 1 thread\n\n",
      count, dim, clusters, n_queries, kK);
  std::printf(
      "data generation %.1f s; hnsw M=%u ef_construction=%u; hnswlib SIMD: SSE (no -march)\n\n",
      t_data, hnsw.options().m, hnsw.options().ef_construction);
  std::printf("| index | setting | build s | bytes/vector | QPS | recall@50 vs exact |\n");
  std::printf("| --- | --- | --- | --- | --- | --- |\n");
  double secs = 0;
  auto truth = run_queries(exact, queries, kK, nullptr, &secs);
  std::printf("| exact (scan) | - | %.1f | %.0f | %.0f | 1.000 |\n", t_exact, exact_bpv,
              n_queries / secs);
  for (uint32_t ef : {50u, 100u, 200u, 400u}) {
    hnsw.set_ef_search(ef);
    auto found = run_queries(hnsw, queries, kK, nullptr, &secs);
    std::printf("| hnsw | ef=%u | %s | %s | %.0f | %.3f |\n", ef,
                ef == 50 ? std::to_string(static_cast<int>(t_hnsw)).c_str() : "",
                ef == 50 ? std::to_string(static_cast<int>(hnsw_bpv)).c_str() : "",
                n_queries / secs, mean_recall(found, truth));
  }
  hnsw.set_ef_search(HnswOptions{}.ef_search);

  std::printf(
      "\n### filtered search: exact scan of the allowed ids vs graph search + post-filter "
      "(ef=%u, margin %.1f)\n\n",
      HnswOptions{}.ef_search, FilterOptions{}.margin);
  std::printf(
      "| selectivity | allowed ids | exact scan ms/query | graph ms/query | graph recall@50 "
      "| graph candidates/query | graph strategy (last query) |\n");
  std::printf("| --- | --- | --- | --- | --- | --- | --- |\n");
  std::mt19937_64 rng(5);
  for (double selectivity : {0.001, 0.01, 0.05, 0.1, 0.5}) {
    std::vector<uint32_t> ids;
    std::bernoulli_distribution keep(selectivity);
    for (size_t i = 0; i < count; ++i) {
      if (keep(rng)) ids.push_back(static_cast<uint32_t>(i));
    }
    AllowedIds allowed(std::move(ids));
    FilterOptions filter;
    filter.exact_max_ids = SIZE_MAX;
    hnsw.set_filter_options(filter);
    double t_scan = 0, t_graph = 0, cand = 0;
    auto scanned = run_queries(hnsw, queries, kK, &allowed, &t_scan);
    filter.exact_max_ids = 0;
    hnsw.set_filter_options(filter);
    SearchStats last;
    auto graph = run_queries(hnsw, queries, kK, &allowed, &t_graph, &last, &cand);
    std::printf(
        "| %.1f %% | %zu | %.3f | %.3f | %.3f | %.0f | %s%s |\n", selectivity * 100, allowed.size(),
        t_scan * 1000 / n_queries, t_graph * 1000 / n_queries, mean_recall(graph, scanned), cand,
        std::string(strategy_name(last.strategy)).c_str(), last.fell_back ? " (fell back)" : "");
  }
  std::printf("\ndefault switch point: exact scan for allowed sets of at most %zu ids\n",
              FilterOptions{}.exact_max_ids);
  std::filesystem::remove_all(dir);
  return 0;
}
