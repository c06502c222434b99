// How an embedding "sees" labelled figures: for each labelled image, its k nearest labelled
// neighbours under a model, and the share of them that carry the same label, per label, against
// the share a random pick would give (the label's prior). The measure behind "neighbours of a
// photograph are mostly photographs" (docs/embeddings.md, "Neighbour sanity").
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace imagemesh::embed {

struct LabelAgreement {
  std::string label;
  uint64_t images = 0;    // labelled images of this label with a vector
  double prior = 0;       // share of this label among the other evaluated images
  double same_label = 0;  // mean share of same-label images among the k neighbours
};

struct NeighbourReport {
  std::string model;
  uint32_t k = 0;
  uint64_t evaluated = 0;              // labelled images with a vector
  uint64_t without_vector = 0;         // labelled images in the mesh but not embedded by this model
  uint64_t not_in_mesh = 0;            // labels naming no converted image of the mesh
  double same_label = 0;               // mean over every evaluated image
  std::vector<LabelAgreement> labels;  // by label name
};

// Labels: sha256 -> label. Neighbours are searched exactly among the evaluated images only (the
// index's filtered search over that set), the image itself excluded, so unlabelled images never
// dilute the measure. Errors: no vectors or index for `model` (kNotFound, naming `embed`), fewer
// than 2 evaluated images (kInvalidArgument).
[[nodiscard]] Result<NeighbourReport> neighbour_report(
    const std::string& mesh_dir, const std::string& model,
    const std::unordered_map<std::string, std::string>& labels, uint32_t k);

}  // namespace imagemesh::embed
