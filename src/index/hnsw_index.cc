// The only translation unit that includes hnswlib (see hnsw_index.h).
//
// SIMD: hnswlib picks its distance kernels from compiler macros (__SSE__, __AVX__,
// __AVX512F__). We build without -march flags so binaries run on any x86-64 machine; then only
// __SSE__ is defined and hnswlib uses its 128-bit SSE inner-product kernels (the AVX ones are not
// compiled in, whatever the CPU). deps.md §4's numbers were taken with -march=native (AVX-512).
#include "index/hnsw_index.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <string>

#include "core/hash.h"
#include "index/index_file.h"
#include "index/scan.h"

namespace imagemesh::index {

struct HnswIndex::Graph {
  explicit Graph(uint32_t dimension) : space(dimension) {}
  hnswlib::InnerProductSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw;
};

namespace {

Status wrap(const std::exception& e, std::string_view what) {
  return error(ErrorCode::kInternal, std::string(what) + ": hnswlib: " + e.what());
}

std::filesystem::path graph_path(const std::filesystem::path& path) {
  std::filesystem::path p = path;
  p += ".hnsw";
  return p;
}

}  // namespace

HnswIndex::HnswIndex(uint32_t dimension, const HnswOptions& options, const FilterOptions& filter)
    : dimension_(dimension),
      options_(options),
      filter_(filter),
      graph_(std::make_unique<Graph>(dimension)) {
  graph_->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(
      &graph_->space, std::max<size_t>(1, options.initial_capacity), options.m,
      options.ef_construction, options.seed);
  graph_->hnsw->setEf(options.ef_search);
}

HnswIndex::~HnswIndex() = default;

size_t HnswIndex::size() const { return graph_->hnsw->cur_element_count; }

bool HnswIndex::contains(uint32_t id) const {
  // label_lookup_ is hnswlib's own id -> node map (public in 0.6.2); reading it needs no lock
  // because add() is exclusive by contract.
  return graph_->hnsw->label_lookup_.contains(id);
}

void HnswIndex::set_ef_search(uint32_t ef) {
  options_.ef_search = ef;
  graph_->hnsw->setEf(ef);
}

Status HnswIndex::add(uint32_t id, std::span<const float> vector) {
  IM_RETURN_IF_ERROR(check_vector(vector, dimension_));
  // hnswlib would silently replace the vector of an existing label.
  if (contains(id)) {
    return error(ErrorCode::kInvalidArgument, "id " + std::to_string(id) + " is already indexed");
  }
  auto& hnsw = *graph_->hnsw;
  try {
    if (hnsw.cur_element_count == hnsw.max_elements_) hnsw.resizeIndex(2 * hnsw.max_elements_);
    hnsw.addPoint(vector.data(), id);
  } catch (const std::exception& e) {
    return wrap(e, "add");
  }
  return Status::Ok();
}

Result<std::vector<Neighbor>> HnswIndex::scan_allowed(std::span<const float> query, size_t k,
                                                      const AllowedIds& allowed,
                                                      SearchStats* stats) const {
  const auto& hnsw = *graph_->hnsw;
  TopK top(k);
  size_t scored = 0;
  for (uint32_t id : allowed.ids()) {
    auto it = hnsw.label_lookup_.find(id);
    if (it == hnsw.label_lookup_.end()) continue;
    const auto* v = reinterpret_cast<const float*>(hnsw.getDataByInternalId(it->second));
    top.offer({id, dot(query.data(), v, dimension_)});
    ++scored;
  }
  if (stats != nullptr) {
    stats->strategy = SearchStrategy::kExact;
    stats->candidates += scored;
  }
  return top.take();
}

Result<std::vector<Neighbor>> HnswIndex::search(std::span<const float> query, size_t k,
                                                const AllowedIds* allowed,
                                                SearchStats* stats) const {
  IM_RETURN_IF_ERROR(check_query(query, dimension_, k));
  SearchStats local;
  SearchStats& st = stats != nullptr ? *stats : local;
  st = {};
  const size_t n = size();
  if (allowed != nullptr && allowed->size() <= filter_.exact_max_ids) {
    return scan_allowed(query, k, *allowed, &st);
  }
  // How many graph results to ask for: k unfiltered; margin*k/selectivity when filtered.
  size_t want = std::min(k, n);
  if (allowed != nullptr) {
    double selectivity =
        std::min(1.0, static_cast<double>(allowed->size()) / std::max<size_t>(1, n));
    want = static_cast<size_t>(std::ceil(filter_.margin * static_cast<double>(k) / selectivity));
    want = std::clamp<size_t>(want, std::min(k, n), n);
  }
  for (int round = 0;; ++round) {
    TopK top(k);
    size_t kept = 0;
    try {
      auto found = graph_->hnsw->searchKnn(query.data(), std::max<size_t>(1, want));
      st.candidates += found.size();
      for (; !found.empty(); found.pop()) {
        auto [distance, label] = found.top();
        auto id = static_cast<uint32_t>(label);
        if (allowed != nullptr && !allowed->contains(id)) continue;
        top.offer({id, 1.0f - distance});  // InnerProductSpace's distance is 1 - <q, v>
        ++kept;
      }
    } catch (const std::exception& e) {
      return wrap(e, "search");
    }
    st.rounds = round + 1;
    st.strategy = round == 0 ? SearchStrategy::kAnn : SearchStrategy::kAnnWidened;
    if (kept >= k || want >= n) {
      // want >= n: the graph returned what it could reach; for a filtered search scan the
      // allowed set to keep the "k whenever k exist" contract.
      if (kept >= k || allowed == nullptr) return top.take();
      break;
    }
    if (round + 1 >= filter_.max_rounds) break;
    want = std::min(n, want * 4);
  }
  st.fell_back = true;
  return scan_allowed(query, k, *allowed, &st);
}

Status HnswIndex::save(const std::filesystem::path& path) const {
  const std::filesystem::path graph_file = graph_path(path);
  std::filesystem::path temp = graph_file;
  temp += ".tmp";
  try {
    graph_->hnsw->saveIndex(temp.string());
  } catch (const std::exception& e) {
    return wrap(e, "save");
  }
  IndexHeader header;
  {
    auto mapped = MappedFile::open(temp);
    if (!mapped.ok()) return mapped.status();
    header.graph_bytes = mapped->bytes().size();
    header.graph_sha256 = sha256_hex(mapped->bytes());
  }
  header.kind = IndexKind::kHnsw;
  header.dimension = dimension_;
  header.count = size();
  header.hnsw_m = options_.m;
  header.hnsw_ef_construction = options_.ef_construction;
  header.hnsw_ef_search = options_.ef_search;
  // The graph first, then the header that vouches for it: a crash in between leaves a header
  // whose checksum rejects the new graph, never a silently mismatched pair.
  std::error_code ec;
  std::filesystem::rename(temp, graph_file, ec);
  if (ec) return error(ErrorCode::kIo, graph_file.string() + ": " + ec.message());
  AtomicFileWriter out(path);
  IM_RETURN_IF_ERROR(out.open());
  IM_RETURN_IF_ERROR(out.write(encode_header(header)));
  return out.commit();
}

Result<std::unique_ptr<HnswIndex>> HnswIndex::load(const std::filesystem::path& path,
                                                   const FilterOptions& filter) {
  IM_ASSIGN_OR_RETURN(MappedFile header_file, MappedFile::open(path));
  IM_ASSIGN_OR_RETURN(IndexHeader header, decode_header(header_file.bytes()));
  if (header.kind != IndexKind::kHnsw) {
    return error(ErrorCode::kInvalidArgument, path.string() + " is not an hnsw index");
  }
  const std::filesystem::path graph_file = graph_path(path);
  {
    IM_ASSIGN_OR_RETURN(MappedFile graph, MappedFile::open(graph_file));
    if (graph.bytes().size() != header.graph_bytes) {
      return error(graph.bytes().size() < header.graph_bytes ? ErrorCode::kTruncated
                                                             : ErrorCode::kCorruptArchive,
                   graph_file.string() + ": size does not match the header");
    }
    if (sha256_hex(graph.bytes()) != header.graph_sha256) {
      return error(ErrorCode::kChecksumMismatch, graph_file.string() + ": SHA-256 mismatch");
    }
  }
  HnswOptions options;
  options.m = header.hnsw_m;
  options.ef_construction = header.hnsw_ef_construction;
  options.ef_search = header.hnsw_ef_search;
  auto index = std::unique_ptr<HnswIndex>(new HnswIndex(header.dimension, options, filter));
  try {
    index->graph_->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(&index->graph_->space,
                                                                            graph_file.string());
  } catch (const std::exception& e) {
    return wrap(e, "load " + graph_file.string());
  }
  auto& hnsw = *index->graph_->hnsw;
  if (hnsw.cur_element_count != header.count ||
      hnsw.data_size_ != header.dimension * sizeof(float)) {
    return error(ErrorCode::kCorruptArchive, graph_file.string() + ": does not match the header");
  }
  hnsw.setEf(options.ef_search);
  return index;
}

}  // namespace imagemesh::index
