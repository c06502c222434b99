#include "embed/neighbour_report.h"

#include <filesystem>
#include <map>

#include "embed/vector_file.h"
#include "index/allowed_ids.h"
#include "index/vector_index.h"
#include "store/store.h"

namespace imagemesh::embed {
namespace {

namespace fs = std::filesystem;

constexpr int kPageSize = 4096;

}  // namespace

Result<NeighbourReport> neighbour_report(const std::string& mesh_dir, const std::string& model,
                                         const std::unordered_map<std::string, std::string>& labels,
                                         uint32_t k) {
  if (k < 1) return Status(ErrorCode::kInvalidArgument, "k must be at least 1");
  const fs::path embed_dir = fs::path(mesh_dir) / "embed";
  auto vectors = VectorFile::open(embed_dir / (model + ".vectors"));
  if (!vectors.ok()) {
    if (vectors.status().code() != ErrorCode::kNotFound) return vectors.status();
    return Status(ErrorCode::kNotFound, "no vectors for model '" + model +
                                            "': run `imagemesh embed --model " + model + "` first");
  }
  IM_ASSIGN_OR_RETURN(std::unique_ptr<index::VectorIndex> graph,
                      index::load_index(embed_dir / (model + ".index")));

  NeighbourReport report;
  report.model = model;
  report.k = k;
  // The labelled images of the mesh, by ordinal.
  IM_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store, store::Store::open_read_only(mesh_dir));
  std::map<uint32_t, std::string> label_of;
  uint64_t labelled_in_mesh = 0;
  for (int64_t after = -1;;) {
    IM_ASSIGN_OR_RETURN(std::vector<store::Store::RasterEntry> page,
                        store->list_rasters(after, kPageSize));
    if (page.empty()) break;
    after = page.back().ordinal;
    for (const auto& entry : page) {
      auto found = labels.find(entry.sha256);
      if (found == labels.end()) continue;
      ++labelled_in_mesh;
      if (vectors->has(entry.ordinal) && graph->contains(entry.ordinal)) {
        label_of.emplace(entry.ordinal, found->second);
      } else {
        ++report.without_vector;
      }
    }
  }
  report.not_in_mesh = labels.size() - labelled_in_mesh;
  report.evaluated = label_of.size();
  if (report.evaluated < 2) {
    return Status(ErrorCode::kInvalidArgument,
                  "fewer than 2 labelled images have a '" + model + "' vector");
  }

  std::vector<uint32_t> ids;
  std::map<std::string, uint64_t> count_of;
  for (const auto& [ordinal, label] : label_of) {
    ids.push_back(ordinal);
    ++count_of[label];
  }
  const index::AllowedIds allowed(ids);
  std::map<std::string, double> same_sum;
  double total_same = 0;
  std::vector<float> query(vectors->info().dimension);
  for (const auto& [ordinal, label] : label_of) {
    IM_RETURN_IF_ERROR(vectors->read(ordinal, query));
    // k + 1: the image itself comes back too (or an identical twin in its place).
    IM_ASSIGN_OR_RETURN(std::vector<index::Neighbor> hits, graph->search(query, k + 1, &allowed));
    uint32_t seen = 0, same = 0;
    for (const auto& hit : hits) {
      if (hit.id == ordinal || seen == k) continue;
      ++seen;
      same += label_of.at(hit.id) == label ? 1 : 0;
    }
    const double share = seen == 0 ? 0.0 : static_cast<double>(same) / seen;
    same_sum[label] += share;
    total_same += share;
  }
  report.same_label = total_same / static_cast<double>(report.evaluated);
  for (const auto& [label, count] : count_of) {
    LabelAgreement agreement;
    agreement.label = label;
    agreement.images = count;
    agreement.prior = static_cast<double>(count - 1) / static_cast<double>(report.evaluated - 1);
    agreement.same_label = same_sum[label] / static_cast<double>(count);
    report.labels.push_back(std::move(agreement));
  }
  return report;
}

}  // namespace imagemesh::embed
